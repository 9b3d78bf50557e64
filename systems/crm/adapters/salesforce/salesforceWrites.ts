/**
 * The CRM write port over Salesforce, for one attempt of one capability call: the same operations as
 * the in-memory remote adapter's, through `SalesforceCallWrites` (recordWrites.ts), so every create is
 * found again by the call's external key and every change is made once per call.
 */
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { CONTRACT_STATUS_AFTER, staleVersion, type CrmWritePort, type Versioned } from '../../ports/writePort.ts';
import type { Contract, Opportunity, OpportunityLine } from '../../ports/types.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';
import { SalesforceCallWrites } from './recordWrites.ts';
import { salesforceAmendmentWrites } from './salesforceAmendments.ts';

export function createSalesforceCrmWrites(org: SalesforceOrg, call: RemoteCall): CrmWritePort {
  const writes = new SalesforceCallWrites(org, call);
  const { maps } = org;
  const moveContract = (ref: Versioned, values: Partial<Contract>) =>
    writes.transition<Contract>(
      maps.contract,
      ref,
      (current) => ({ ...current, ...values }),
      () => staleVersion('Contract', ref.id),
    );
  const lineExtra = { Quantity: 1, ...(org.pricebookEntryId ? { PricebookEntryId: org.pricebookEntryId } : {}) };
  return {
    async openOpportunity(draft, lines) {
      // The opportunity an earlier attempt created keeps its id: its lines hang off it. Salesforce
      // holds it, so its source is Salesforce's record and stage name, whatever CRM its account came from.
      const opportunity = await writes.createOwn<Opportunity>(maps.opportunity, 'opportunity', {
        ...draft,
        sourceStage: org.stages.stageNameOf(draft.stage),
        aggregateVersion: 1,
      });
      for (const [index, line] of lines.entries()) {
        const id = `ol_${opportunity.id.slice(4)}_${String(index).padStart(3, '0')}`;
        await writes.create<OpportunityLine>(maps.line, `line:${index}`, { ...line, id, opportunityId: opportunity.id }, lineExtra);
      }
      return opportunity;
    },
    moveOpportunityStage: (ref, stage) =>
      writes.transition<Opportunity>(
        maps.opportunity,
        ref,
        (current) => ({
          ...current,
          stage: stage.stage,
          sourceStage: org.stages.stageNameOf(stage.stage),
          probability: stage.probability,
          forecastCategory: stage.forecastCategory,
          lossReason: stage.lossReason,
          closeDate: stage.closeDate ?? current.closeDate,
        }),
        () => staleVersion('Opportunity', ref.id),
      ),
    draftContractFromOpportunity: (draft) => writes.create<Contract>(maps.contract, 'contract', { ...draft, aggregateVersion: 1 }),
    submitContractForApproval: (ref, submittedBy) =>
      moveContract(ref, { status: CONTRACT_STATUS_AFTER.submitContractForApproval, submittedBy }),
    approveContract: (ref, approval) => moveContract(ref, { status: CONTRACT_STATUS_AFTER.approveContract, ...approval }),
    recordContractSignature: (ref, signature) => moveContract(ref, { status: CONTRACT_STATUS_AFTER.recordContractSignature, ...signature }),
    recordContractActivation: (ref, activatedAt) =>
      moveContract(ref, { status: CONTRACT_STATUS_AFTER.recordContractActivation, activatedAt }),
    ...salesforceAmendmentWrites(writes),
  };
}
