/**
 * Change capture of HubSpot deals (docs/connectors.md#hubspot), a stream of the connector kernel's
 * poller (systems/kernel/connectors/changeCapture.ts): the deals holding a `tessera_id` whose
 * `hs_lastmodifieddate` is after the mark, oldest first. Every write of Tessera's records the
 * canonical stage it wrote in `tessera_stage` (the capability writes its own events); a deal whose
 * `dealstage` maps to another stage was moved in HubSpot. Its version is moved first, with
 * `tessera_stage` (so a capability holding the old version is refused VERSION_CONFLICT, and the
 * move is news once), then the canonical event of the move is written, as the capability would
 * write it (OpportunityWon, OpportunityLost or OpportunityStageChanged). The fingerprint (version
 * and stages) keeps the poll's overlap from handling a change twice. A deal a person created in
 * HubSpot (no `tessera_id`) is adopted (dealAdoption.ts).
 */
import type { Change, ChangeStream } from '../../../kernel/connectors/changeCapture.ts';
import type { DomainEventDraft } from '../../../kernel/capability/types.ts';
import { opportunityEvent } from '../../capabilities/events.ts';
import { moneyOf } from '../../capabilities/opportunity.ts';
import type { Opportunity } from '../../ports/types.ts';
import { ADOPTED_BY, adoptDeal, adoptedDealId } from './dealAdoption.ts';
import { hubspotCall } from './failures.ts';
import type { HubSpotPortal } from './hubspotReads.ts';
import { KEEPING } from './objects.ts';
import { OPPORTUNITY } from './records.ts';

export interface DealChange extends Change {
  readonly hubspotId: string;
  /** Null for a deal Tessera has not adopted (it does not map to a canonical record yet). */
  readonly opportunity: Opportunity | null;
  /** The stage Tessera last wrote. */
  readonly written: string;
}

/** Who changed a deal whose version change capture moved (or adopted it). */
export const CHANGE_CAPTURE = ADOPTED_BY;

export function dealChanges(portal: HubSpotPortal): ChangeStream<DealChange> {
  return {
    name: 'hubspot:deal',
    async changesSince(since) {
      const stages = await portal.stages();
      const filters = [{ propertyName: 'hs_lastmodifieddate', operator: 'GT', value: String(Date.parse(since)) }];
      const deals = await hubspotCall(() =>
        portal.api.searchAll(portal.types.deal, filters, OPPORTUNITY.properties, 'hs_lastmodifieddate', true),
      );
      return deals.map((deal): DealChange => {
        const stamp = new Date(deal.properties.hs_lastmodifieddate!).toISOString();
        const held = deal.properties[KEEPING.id];
        if (!held)
          return { key: `hubspot:${deal.id}`, stamp, fingerprint: '', adopt: deal.id, hubspotId: deal.id, opportunity: null, written: '' };
        const opportunity = OPPORTUNITY.of(deal, stages);
        const written = deal.properties.tessera_stage ?? opportunity.stage;
        const fingerprint = `${opportunity.aggregateVersion}|${written}|${opportunity.stage}`;
        // A poll that wrote this id back may have stopped before recording the adoption: adopted again unless recorded.
        const adopting = held === adoptedDealId(deal.id) ? { adopt: deal.id } : {};
        return { key: opportunity.id, stamp, fingerprint, ...adopting, hubspotId: deal.id, opportunity, written };
      });
    },
    adopt: (change) => adoptDeal(portal, change.hubspotId),
    async eventsOf(change) {
      const now = change.opportunity;
      if (now === null || change.written === now.stage) return [];
      const moved = { ...now, aggregateVersion: now.aggregateVersion + 1 };
      await hubspotCall(() =>
        portal.api.update(portal.types.deal, change.hubspotId, {
          tessera_stage: now.stage,
          [KEEPING.version]: String(moved.aggregateVersion),
          [KEEPING.changedBy]: CHANGE_CAPTURE,
          [KEEPING.before]: JSON.stringify(now),
        }),
      );
      return [eventOf(change.written, moved)];
    },
  };
}

function eventOf(from: string, o: Opportunity): DomainEventDraft {
  if (o.stage === 'CLOSED_WON') return opportunityEvent('OpportunityWon', o, { accountId: o.accountId, amount: moneyOf(o) });
  if (o.stage === 'CLOSED_LOST') return opportunityEvent('OpportunityLost', o, { lossReason: o.lossReason });
  return opportunityEvent('OpportunityStageChanged', o, { from, to: o.stage });
}
