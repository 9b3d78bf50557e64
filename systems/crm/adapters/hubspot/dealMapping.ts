/**
 * Opportunities as HubSpot deals and their lines as line items (docs/connectors.md#hubspot). The
 * deal stage is the pipeline's stage id for the canonical stage (`StageMap`); the probability and
 * forecast category are read from the stage, never stored. A deal that came from another CRM keeps
 * that CRM's raw stage in `tessera_source_stage` (docs/model.md#external-references).
 */
import type { Opportunity, OpportunityLine } from '../../ports/types.ts';
import { OWN_SOURCE, sourceOf, sourceProperties } from './accountMapping.ts';
import { KEEPING, type HubSpotObject, type Properties } from './objects.ts';
import type { StageMap } from './stageMap.ts';
import { dayOf, decimalE2, decimalE4, e2Of, e4Of, optional, required, text } from './values.ts';

/** The deal stage properties for a canonical stage: in the pipeline the source stage belongs to, or `pipeline`. */
export function stageProperties(stages: StageMap, pipeline: string | null, stage: string, sourceStage: string): Properties {
  const known = stages.find(sourceStage);
  // `tessera_stage`: the stage as Tessera last wrote it; a dealstage moved in HubSpot differs from it (dealChanges.ts).
  if (known && known.stage === stage)
    return { pipeline: known.pipeline, dealstage: known.stageId, tessera_source_stage: null, tessera_stage: stage };
  const inPipeline = pipeline ?? stages.defaultPipeline;
  return { pipeline: inPipeline, dealstage: stages.idOf(inPipeline, stage), tessera_source_stage: sourceStage, tessera_stage: stage };
}

export function dealProperties(stages: StageMap, opportunity: Opportunity): Properties {
  return {
    [KEEPING.id]: opportunity.id,
    [KEEPING.version]: text(opportunity.aggregateVersion),
    dealname: opportunity.name,
    ...stageProperties(stages, null, opportunity.stage, opportunity.sourceStage),
    amount: decimalE4(opportunity.amount.amountE4),
    deal_currency_code: opportunity.amount.currency,
    closedate: `${opportunity.closeDate}T00:00:00.000Z`,
    closed_lost_reason: opportunity.lossReason,
    dealtype: opportunity.type === 'NEW_BUSINESS' ? 'newbusiness' : 'existingbusiness',
    tessera_opportunity_type: opportunity.type,
    tessera_legal_entity_id: opportunity.legalEntityId,
    tessera_account_id: opportunity.accountId,
    tessera_primary_contact_id: opportunity.primaryContactId,
    ...sourceProperties(opportunity.source),
  };
}

/**
 * A deal Tessera opens: HubSpot holds it, so its source is the deal id HubSpot gives it and its
 * source stage its `dealstage`, whatever CRM its company came from. It goes to the pipeline of the
 * stage the capability names (HubSpot's, for a HubSpot company), else to the default pipeline.
 */
export function newDealProperties(stages: StageMap, opportunity: Opportunity): Properties {
  const named = stages.find(opportunity.sourceStage);
  const pipeline = named?.stage === opportunity.stage ? named.pipeline : stages.defaultPipeline;
  const sourceStage = stages.idOf(pipeline, opportunity.stage);
  return { ...dealProperties(stages, { ...opportunity, sourceStage }), ...OWN_SOURCE };
}

export function opportunityOf(stages: StageMap, deal: HubSpotObject): Opportunity {
  const p = deal.properties;
  const stage = stages.of(required(p, 'dealstage'));
  return {
    id: required(p, KEEPING.id),
    accountId: required(p, 'tessera_account_id'),
    name: required(p, 'dealname'),
    stage: stage.stage,
    sourceStage: optional(p, 'tessera_source_stage') ?? stage.stageId,
    probability: stage.probability,
    forecastCategory: stage.forecastCategory,
    type: required(p, 'tessera_opportunity_type'),
    amount: { amountE4: e4Of(required(p, 'amount')), currency: required(p, 'deal_currency_code') },
    closeDate: dayOf(required(p, 'closedate')),
    lossReason: optional(p, 'closed_lost_reason'),
    legalEntityId: required(p, 'tessera_legal_entity_id'),
    primaryContactId: optional(p, 'tessera_primary_contact_id'),
    source: sourceOf(deal),
    aggregateVersion: Number(required(p, KEEPING.version)),
  };
}

/** A line as a line item of quantity 1 priced at the line's amount, in the deal's currency. */
export function lineItemProperties(line: OpportunityLine): Properties {
  return {
    [KEEPING.id]: line.id,
    name: line.serviceOffering,
    price: decimalE4(line.amountE4),
    quantity: '1',
    tessera_billing_method: line.billingMethod,
    tessera_estimated_hours: line.estimatedHoursE2 === null ? null : decimalE2(line.estimatedHoursE2),
    tessera_start_date: line.startDate,
    tessera_end_date: line.endDate,
    tessera_role_id: line.roleId,
    tessera_opportunity_id: line.opportunityId,
  };
}

export function lineOf(item: HubSpotObject): OpportunityLine {
  const p = item.properties;
  const hours = optional(p, 'tessera_estimated_hours');
  return {
    id: required(p, KEEPING.id),
    opportunityId: required(p, 'tessera_opportunity_id'),
    serviceOffering: required(p, 'name'),
    billingMethod: required(p, 'tessera_billing_method'),
    amountE4: e4Of(required(p, 'price')),
    estimatedHoursE2: hours === null ? null : e2Of(hours),
    startDate: required(p, 'tessera_start_date'),
    endDate: required(p, 'tessera_end_date'),
    roleId: optional(p, 'tessera_role_id'),
  };
}
