/**
 * Adopting deals a person created in HubSpot (docs/connectors.md#adopting-vendor-records), for the
 * deal change capture (dealChanges.ts). The deal is read afresh with its company: archived (deleted,
 * or merged into another deal) or given another `tessera_id` meanwhile, there is nothing to adopt;
 * without what the canonical model requires (a company Tessera knows, the legal entity in
 * `tessera_legal_entity_id`, a mapped stage, amount, currency and close date) it waits, and is
 * adopted when a change completes it. Otherwise its canonical id (adoptedId, from its HubSpot id),
 * version, stage, account and type are written back in one PATCH, the same values whoever writes
 * them, and it is announced as `createOpportunity` would have: `OpportunityCreated`, then
 * `OpportunityWon` or `OpportunityLost` at version 2 when it is already closed.
 */
import type { DomainEventDraft } from '../../../kernel/capability/types.ts';
import { adoptedId } from '../../../kernel/connectors/adoption.ts';
import type { Adopted } from '../../../kernel/connectors/changeCapture.ts';
import { opportunityEvent } from '../../capabilities/events.ts';
import { moneyOf } from '../../capabilities/opportunity.ts';
import type { Opportunity } from '../../ports/types.ts';
import { hubspotCall } from './failures.ts';
import { HubSpotApiError } from './http.ts';
import type { HubSpotPortal } from './hubspotReads.ts';
import { KEEPING, type HubSpotObject } from './objects.ts';
import { OPPORTUNITY } from './records.ts';
import { optional } from './values.ts';

/** Who wrote an adoption (`tessera_changed_by`). */
export const ADOPTED_BY = 'hubspot-change-capture';

/** What the canonical model requires of a deal that a person may leave empty in HubSpot. */
const REQUIRED = ['dealname', 'dealstage', 'amount', 'deal_currency_code', 'closedate', 'tessera_legal_entity_id'];

/** The canonical id of HubSpot deal `hubspotId`. */
export const adoptedDealId = (hubspotId: string) => adoptedId('opp', 'hubspot', hubspotId);

export async function adoptDeal(portal: HubSpotPortal, hubspotId: string): Promise<Adopted | null> {
  const stages = await portal.stages();
  const id = adoptedDealId(hubspotId);
  const [deal] = await hubspotCall(() => portal.api.batchRead(portal.types.deal, [hubspotId], OPPORTUNITY.properties, 'hs_object_id'));
  if (!deal) return null;
  const p = deal.properties;
  const held = optional(p, KEEPING.id);
  if (held !== null && held !== id) return null;
  const stage = stages.find(optional(p, 'dealstage') ?? '');
  const accountId = await companyOf(portal, deal);
  if (accountId === null || stage === null || REQUIRED.some((name) => optional(p, name) === null)) return null;
  const closed = stage.stage === 'CLOSED_WON' || stage.stage === 'CLOSED_LOST';
  const version = closed ? 2 : 1;
  const written = {
    [KEEPING.id]: id,
    [KEEPING.version]: String(version),
    [KEEPING.changedBy]: ADOPTED_BY,
    tessera_stage: stage.stage,
    tessera_account_id: accountId,
    tessera_opportunity_type: optional(p, 'tessera_opportunity_type') ?? 'NEW_BUSINESS',
  };
  try {
    await portal.api.update(portal.types.deal, hubspotId, written);
  } catch (error) {
    if (error instanceof HubSpotApiError && error.status === 404) return null; // archived between the read and the write
    return hubspotCall(() => Promise.reject(error));
  }
  const adopted = OPPORTUNITY.of({ ...deal, properties: { ...p, ...written } }, stages);
  return { key: id, fingerprint: `${version}|${stage.stage}|${stage.stage}`, events: eventsOf(adopted) };
}

/**
 * The canonical id of the deal's company, when it has one Tessera knows (it carries a `tessera_id`).
 * A `tessera_account_id` a person typed on the deal counts only when it names a company of this
 * portal: a deal lives in its account's CRM (docs/crosswalk.md#one-crm-out), never under a record
 * of the other CRM.
 */
async function companyOf(portal: HubSpotPortal, deal: HubSpotObject): Promise<string | null> {
  const typed = optional(deal.properties, 'tessera_account_id');
  if (typed !== null) {
    const [company] = await hubspotCall(() => portal.api.batchRead(portal.types.company, [typed], [KEEPING.id]));
    if (company) return typed;
  }
  const associated = await hubspotCall(() => portal.api.associations(portal.types.deal, portal.types.company, [deal.id]));
  const companies = associated.get(deal.id) ?? [];
  if (companies.length === 0) return null;
  const found = await hubspotCall(() => portal.api.batchRead(portal.types.company, companies, [KEEPING.id], 'hs_object_id'));
  return found.map((company) => optional(company.properties, KEEPING.id)).find((value) => value !== null) ?? null;
}

function eventsOf(adopted: Opportunity): DomainEventDraft[] {
  const created = { ...adopted, aggregateVersion: 1 };
  const events = [opportunityEvent('OpportunityCreated', created, { accountId: created.accountId, amount: moneyOf(created) })];
  if (adopted.stage === 'CLOSED_WON')
    events.push(opportunityEvent('OpportunityWon', adopted, { accountId: adopted.accountId, amount: moneyOf(adopted) }));
  if (adopted.stage === 'CLOSED_LOST') events.push(opportunityEvent('OpportunityLost', adopted, { lossReason: adopted.lossReason }));
  return events;
}
