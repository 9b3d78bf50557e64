/**
 * The CRM write port on HubSpot, for one attempt of one capability call (callWrites.ts): an
 * opportunity is a deal associated with its company, its lines line items associated with the deal
 * (v4 default associations); a stage change moves `dealstage` within the deal's pipeline; contracts
 * and amendments are custom objects (docs/connectors.md#hubspot).
 */
import { contractTransitions } from '../contractTransitions.ts';
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { staleVersion, type CrmWritePort, type Versioned } from '../../ports/writePort.ts';
import type { Contract } from '../../ports/types.ts';
import { HubSpotCallWrites } from './callWrites.ts';
import { contractProperties } from './contractMapping.ts';
import { lineItemProperties, newDealProperties, stageProperties } from './dealMapping.ts';
import { hubspotCall } from './failures.ts';
import { hubspotAmendmentWrites } from './hubspotAmendments.ts';
import type { HubSpotPortal } from './hubspotReads.ts';
import { ACCOUNT, CONTRACT, LINE, OPPORTUNITY } from './records.ts';

export function createHubSpotCrmWrites(portal: HubSpotPortal, call: RemoteCall): CrmWritePort {
  const writes = new HubSpotCallWrites(portal, call);
  const associate = (from: 'deal' | 'line', to: 'company' | 'deal', pairs: readonly (readonly [string, string])[]) =>
    hubspotCall(() => portal.api.associate(portal.types[from], portal.types[to], pairs));
  const moveContract = (ref: Versioned, values: Partial<Contract>) =>
    writes.transition(
      CONTRACT,
      ref.id,
      ref.aggregateVersion,
      (current) => contractProperties({ ...current, ...values }),
      () => staleVersion('Contract', ref.id),
    );
  return {
    async openOpportunity(draft, lines) {
      const stages = await writes.stages();
      // The deal an earlier attempt created keeps its id (and so its source): its lines hang off it.
      const deal = await writes.create(OPPORTUNITY, 'opportunity', newDealProperties(stages, { ...draft, aggregateVersion: 1 }));
      const company = await writes.find(ACCOUNT, deal.record.accountId);
      if (company) await associate('deal', 'company', [[deal.object.id, company.object.id]]);
      const items = await writes.createAll(
        LINE,
        lines.map((line, index) => ({
          operation: `line:${index}`,
          properties: lineItemProperties({
            ...line,
            id: `ol_${deal.record.id.slice(4)}_${String(index).padStart(3, '0')}`,
            opportunityId: deal.record.id,
          }),
        })),
      );
      await associate(
        'line',
        'deal',
        items.map((item) => [item.object.id, deal.object.id] as const),
      );
      return deal.record;
    },
    moveOpportunityStage: async (ref, change) => {
      const stages = await writes.stages();
      return writes.transition(
        OPPORTUNITY,
        ref.id,
        ref.aggregateVersion,
        (current) => {
          // The deal stays in its pipeline (the one its current stage id belongs to), at that pipeline's
          // stage: the source stage a capability names is of the default pipeline.
          const pipeline = stages.find(current.sourceStage)?.pipeline ?? null;
          const sourceStage = pipeline === null ? change.sourceStage : stages.idOf(pipeline, change.stage);
          return {
            ...stageProperties(stages, pipeline, change.stage, sourceStage),
            closed_lost_reason: change.lossReason,
            closedate: `${change.closeDate ?? current.closeDate}T00:00:00.000Z`,
          };
        },
        () => staleVersion('Opportunity', ref.id),
      );
    },
    draftContractFromOpportunity: async (draft) =>
      (await writes.create(CONTRACT, 'contract', contractProperties({ ...draft, aggregateVersion: 1 }))).record,
    ...contractTransitions(moveContract),
    ...hubspotAmendmentWrites(writes, moveContract),
  };
}
