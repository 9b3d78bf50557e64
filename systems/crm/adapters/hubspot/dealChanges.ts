/**
 * Change capture of HubSpot deals (docs/connectors.md#hubspot), a stream of the connector kernel's
 * poller (systems/kernel/connectors/changeCapture.ts): the deals holding a `tessera_id` whose
 * `hs_lastmodifieddate` is after the mark, oldest first. Every write of Tessera's records the
 * canonical stage it wrote in `tessera_stage` (the capability writes its own events); a deal whose
 * `dealstage` maps to another stage was moved in HubSpot. Its version is moved first, with
 * `tessera_stage` (so a capability holding the old version is refused VERSION_CONFLICT, and the
 * move is news once), then the canonical event of the move is written, as the capability would
 * write it (OpportunityWon, OpportunityLost or OpportunityStageChanged). The fingerprint (version
 * and stages) keeps the poll's overlap from handling a change twice.
 */
import type { Change, ChangeStream } from '../../../kernel/connectors/changeCapture.ts';
import type { DomainEventDraft } from '../../../kernel/capability/types.ts';
import { opportunityEvent } from '../../capabilities/events.ts';
import { moneyOf } from '../../capabilities/opportunity.ts';
import type { Opportunity } from '../../ports/types.ts';
import { hubspotCall } from './failures.ts';
import type { HubSpotPortal } from './hubspotReads.ts';
import { KEEPING } from './objects.ts';
import { OPPORTUNITY } from './records.ts';

export interface DealChange extends Change {
  readonly hubspotId: string;
  readonly opportunity: Opportunity;
  /** The stage Tessera last wrote. */
  readonly written: string;
}

/** Who changed a deal whose version change capture moved. */
export const CHANGE_CAPTURE = 'hubspot-change-capture';

export function dealChanges(portal: HubSpotPortal): ChangeStream<DealChange> {
  return {
    name: 'hubspot:deal',
    async changesSince(since) {
      const stages = await portal.stages();
      const filters = [{ propertyName: 'hs_lastmodifieddate', operator: 'GT', value: String(Date.parse(since)) }];
      const deals = await hubspotCall(() =>
        portal.api.searchAll(portal.types.deal, filters, OPPORTUNITY.properties, 'hs_lastmodifieddate'),
      );
      return deals.map((deal) => {
        const opportunity = OPPORTUNITY.of(deal, stages);
        const written = deal.properties.tessera_stage ?? opportunity.stage;
        const stamp = new Date(deal.properties.hs_lastmodifieddate!).toISOString();
        const fingerprint = `${opportunity.aggregateVersion}|${written}|${opportunity.stage}`;
        return { key: opportunity.id, stamp, fingerprint, hubspotId: deal.id, opportunity, written };
      });
    },
    async eventsOf(change) {
      const now = change.opportunity;
      if (change.written === now.stage) return [];
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
