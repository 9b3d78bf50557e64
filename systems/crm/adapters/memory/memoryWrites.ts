/**
 * The CRM write port over the in-memory vendor, for one attempt of one capability call. Every
 * create carries the call's external key and is looked up by it first (`createOnce`), so a resumed
 * call finds what an earlier attempt created. Every change records the call's key and the record
 * before it: a resumed call whose change already stands gets that record back instead of a second
 * change (and, through `beforeCallView`, read the same state as its first attempt): the kernel's
 * `CallWrites` (callHistory.ts).
 */
import { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import { contractTransitions } from '../contractTransitions.ts';
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { staleVersion, type CrmWritePort, type Versioned } from '../../ports/writePort.ts';
import type { Contract, Opportunity, OpportunityLine } from '../../ports/types.ts';
import { OBJECT } from './objects.ts';
import { memoryAmendmentWrites } from './memoryAmendments.ts';

export function createMemoryCrmWrites(vendor: InMemoryVendor, call: RemoteCall): CrmWritePort {
  const writes = new CallWrites(vendor, 'crm', call);
  const change = async <T extends Versioned>(
    type: typeof OBJECT.opportunity | typeof OBJECT.contract,
    ref: Versioned,
    apply: (current: T) => T,
  ): Promise<T> => {
    const [current] = await writes.find<T>(type, (record) => record.id === ref.id);
    if (!current) throw staleVersion(type, ref.id);
    return writes.transition(type, current, ref.aggregateVersion, apply, () => staleVersion(type, ref.id));
  };
  const moveContract = (ref: Versioned, values: Partial<Contract>) =>
    change<Contract>(OBJECT.contract, ref, (current) => ({ ...current, ...values }));
  return {
    async openOpportunity(draft, lines) {
      // The opportunity an earlier attempt created keeps its id: its lines hang off it.
      const opportunity = await writes.create<Opportunity>(OBJECT.opportunity, 'opportunity', { ...draft, aggregateVersion: 1 });
      for (const [index, line] of lines.entries()) {
        const id = `ol_${opportunity.id.slice(4)}_${String(index).padStart(3, '0')}`;
        await writes.create<OpportunityLine>(OBJECT.line, `line:${index}`, { ...line, id, opportunityId: opportunity.id });
      }
      return opportunity;
    },
    moveOpportunityStage: (ref, stage) =>
      change<Opportunity>(OBJECT.opportunity, ref, (current) => ({
        ...current,
        stage: stage.stage,
        sourceStage: stage.sourceStage,
        probability: stage.probability,
        forecastCategory: stage.forecastCategory,
        lossReason: stage.lossReason,
        closeDate: stage.closeDate ?? current.closeDate,
      })),
    draftContractFromOpportunity: (draft) => writes.create<Contract>(OBJECT.contract, 'contract', { ...draft, aggregateVersion: 1 }),
    ...contractTransitions(moveContract),
    ...memoryAmendmentWrites(writes),
  };
}
