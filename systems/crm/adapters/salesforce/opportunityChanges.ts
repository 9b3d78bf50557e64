/**
 * The Salesforce opportunity stream of the change capture (docs/connectors.md#change-capture):
 * opportunities whose `SystemModstamp` is after the mark, oldest first. A stage Tessera moved (its
 * `Tessera_Version__c` moved with it) already has its event in the outbox, written by the capability;
 * a stage moved in Salesforce (a person, a flow) is adopted: the record's version moves by one,
 * checked against the version read as a capability's transition is, and the event the capability
 * would have written follows at that version: `OpportunityWon`, `OpportunityLost`, or
 * `OpportunityStageChanged` (systems/crm/capabilities/events.ts). An opportunity first seen already
 * won (created and won between two polls) is adopted as won.
 */
import type { DomainEventDraft } from '../../../kernel/capability/types.ts';
import type { Change, ChangeStream } from '../../../kernel/connectors/changeCapture.ts';
import { opportunityEvent } from '../../capabilities/events.ts';
import { moneyOf } from '../../capabilities/opportunity.ts';
import type { Opportunity } from '../../ports/types.ts';
import { at, type SfRecord } from './fieldCodecs.ts';
import { BOOKKEEPING } from './objectMaps.ts';
import { expectOk } from './recordWrites.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';

interface OpportunityChange extends Change {
  readonly raw: SfRecord;
  readonly opportunity: Opportunity;
}

/** The mark of a poll's own writes in `Tessera_Last_Call__c`: not a capability call. */
const POLL_KEY = 'tessera:poll';

export function opportunityChanges(org: SalesforceOrg): ChangeStream<OpportunityChange> {
  const map = org.maps.opportunity;
  const fingerprint = (opportunity: Opportunity) => `${opportunity.aggregateVersion}|${opportunity.stage}`;

  /** Moves the record's version by one (if it is still at the version read); the adopted record, or null when it moved meanwhile. */
  const adopt = async (change: OpportunityChange, signal?: AbortSignal): Promise<Opportunity | null> => {
    const { opportunity, raw } = change;
    const [fresh] = await org.soql.all(`SELECT Id, ${BOOKKEEPING.version} FROM Opportunity WHERE Id = '${String(raw.Id)}'`, signal);
    if (!fresh || Number(at(fresh, BOOKKEEPING.version) ?? 1) !== opportunity.aggregateVersion) return null;
    const adopted = { ...opportunity, sourceStage: String(at(raw, 'StageName')), aggregateVersion: opportunity.aggregateVersion + 1 };
    const answer = await org.http.send({
      method: 'PATCH',
      path: `${org.dataPath}/sobjects/Opportunity/${String(raw.Id)}`,
      body: {
        [BOOKKEEPING.version]: adopted.aggregateVersion,
        [BOOKKEEPING.lastCall]: POLL_KEY,
        [BOOKKEEPING.before]: JSON.stringify(opportunity),
        // The source CRM's stage value no longer says what StageName says (stageMapping.ts).
        Tessera_Source_Stage__c: null,
      },
      idempotent: true,
      operation: 'update Opportunity',
      ...(signal ? { signal } : {}),
    });
    expectOk(answer, 'update Opportunity');
    return adopted;
  };

  return {
    name: 'salesforce:Opportunity',
    async changesSince(since, signal) {
      const records = await org.soql.all(
        `SELECT ${map.select.join(', ')} FROM Opportunity WHERE SystemModstamp > ${since.replace(/\.\d+Z$/, 'Z')} ORDER BY SystemModstamp`,
        signal,
      );
      return records.map((raw) => {
        const opportunity = map.read(raw);
        return {
          key: opportunity.id,
          stamp: new Date(String(at(raw, 'SystemModstamp')).replace(/\+0000$/, 'Z')).toISOString(),
          fingerprint: fingerprint(opportunity),
          raw,
          opportunity,
        };
      });
    },
    async eventsOf(change, previous, signal) {
      const { opportunity, raw } = change;
      const [previousVersion, previousStage] = previous === null ? [null, null] : previous.split('|');
      if (previousStage === opportunity.stage) return [];
      const lastCall = at(raw, BOOKKEEPING.lastCall);
      const byCapability = typeof lastCall === 'string' && lastCall !== POLL_KEY;
      if (previous === null) {
        // First sight: the baseline, unless a won deal Tessera did not write slipped in between two polls.
        if (opportunity.stage !== 'CLOSED_WON' || byCapability || at(raw, BOOKKEEPING.callKey) !== null) return [];
      } else if (byCapability && Number(previousVersion) < opportunity.aggregateVersion) {
        return []; // Tessera moved it: the capability wrote the event.
      }
      const adopted = await adopt(change, signal);
      if (adopted === null) return null;
      return [eventOf(adopted, previousStage)];
    },
  };
}

function eventOf(opportunity: Opportunity, from: string | null): DomainEventDraft {
  if (opportunity.stage === 'CLOSED_WON') {
    return opportunityEvent('OpportunityWon', opportunity, { accountId: opportunity.accountId, amount: moneyOf(opportunity) });
  }
  if (opportunity.stage === 'CLOSED_LOST') return opportunityEvent('OpportunityLost', opportunity, { lossReason: opportunity.lossReason });
  return opportunityEvent('OpportunityStageChanged', opportunity, { from, to: opportunity.stage });
}
