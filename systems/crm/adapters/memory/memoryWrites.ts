/**
 * The CRM write port over the in-memory vendor, for one attempt of one capability call. Every
 * create carries the call's external key and is looked up by it first (`createOnce`), so a resumed
 * call finds what an earlier attempt created. Every change records the call's key and the record
 * before it: a resumed call whose change already stands gets that record back instead of a second
 * change (and, through `beforeCallView`, read the same state as its first attempt).
 */
import { createOnce, vendorCall } from '../../../kernel/adapters/memory/remoteWrites.ts';
import { VendorVersionMismatch, type InMemoryVendor, type VendorRecord } from '../../../kernel/adapters/memory/vendor.ts';
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { CONTRACT_STATUS_AFTER, staleVersion, type CrmWritePort, type Versioned } from '../../ports/writePort.ts';
import type { Contract, Opportunity } from '../../ports/types.ts';
import { OBJECT, stored, type Stored } from './objects.ts';

/** The key that marks what a call created or changed: the same on every attempt of the call. */
export function callKeyOf(call: RemoteCall): string {
  return call.externalKey('call');
}

export function createMemoryCrmWrites(vendor: InMemoryVendor, call: RemoteCall): CrmWritePort {
  const callKey = callKeyOf(call);
  const change = async <T extends Versioned>(
    type: typeof OBJECT.opportunity | typeof OBJECT.contract,
    entity: string,
    ref: Versioned,
    apply: (current: T) => T,
  ): Promise<T> => {
    const [current] = await vendorCall('crm', entity, () => vendor.query<Stored<T>>(type, (record) => record.fields.record.id === ref.id));
    if (!current) throw staleVersion(entity, ref.id);
    // An earlier attempt of this call already made the change: its result is the answer.
    if (current.fields.changedBy === callKey) return current.fields.record;
    if (current.fields.record.aggregateVersion !== ref.aggregateVersion) throw staleVersion(entity, ref.id);
    const next = { ...apply(current.fields.record), aggregateVersion: ref.aggregateVersion + 1 };
    const updated = await vendorCall('crm', entity, async () => {
      try {
        return await vendor.update<Stored<T>>(
          type,
          current.id,
          { record: next, changedBy: callKey, before: current.fields.record },
          current.version,
        );
      } catch (error) {
        if (error instanceof VendorVersionMismatch) throw staleVersion(entity, ref.id);
        throw error;
      }
    });
    return updated.fields.record;
  };
  const moveContract = (ref: Versioned, values: Partial<Contract>) =>
    change<Contract>(OBJECT.contract, 'Contract', ref, (current) => ({ ...current, ...values }));
  return {
    async openOpportunity(draft, lines) {
      const created = await createOnce(
        vendor,
        'crm',
        OBJECT.opportunity,
        call.externalKey('opportunity'),
        stored<Opportunity>({ ...draft, aggregateVersion: 1 }, callKey),
      );
      // The opportunity an earlier attempt created keeps its id: its lines hang off it.
      const opportunity = created.fields.record;
      for (const [index, line] of lines.entries()) {
        const id = `ol_${opportunity.id.slice(4)}_${String(index).padStart(3, '0')}`;
        await createOnce(
          vendor,
          'crm',
          OBJECT.line,
          call.externalKey(`line:${index}`),
          stored({ ...line, id, opportunityId: opportunity.id }, callKey),
        );
      }
      return opportunity;
    },
    moveOpportunityStage: (ref, stage) =>
      change<Opportunity>(OBJECT.opportunity, 'Opportunity', ref, (current) => ({
        ...current,
        stage: stage.stage,
        sourceStage: stage.sourceStage,
        probability: stage.probability,
        forecastCategory: stage.forecastCategory,
        lossReason: stage.lossReason,
        closeDate: stage.closeDate ?? current.closeDate,
      })),
    async draftContractFromOpportunity(draft) {
      const created: VendorRecord<Stored<Contract>> = await createOnce(
        vendor,
        'crm',
        OBJECT.contract,
        call.externalKey('contract'),
        stored<Contract>({ ...draft, aggregateVersion: 1 }, callKey),
      );
      return created.fields.record;
    },
    submitContractForApproval: (ref, submittedBy) =>
      moveContract(ref, { status: CONTRACT_STATUS_AFTER.submitContractForApproval, submittedBy }),
    approveContract: (ref, approval) => moveContract(ref, { status: CONTRACT_STATUS_AFTER.approveContract, ...approval }),
    recordContractSignature: (ref, signature) => moveContract(ref, { status: CONTRACT_STATUS_AFTER.recordContractSignature, ...signature }),
    recordContractActivation: (ref, activatedAt) =>
      moveContract(ref, { status: CONTRACT_STATUS_AFTER.recordContractActivation, activatedAt }),
  };
}
