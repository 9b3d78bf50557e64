/**
 * The Salesforce opportunity stream of the change capture (docs/connectors.md#change-capture):
 * opportunities whose `SystemModstamp` is after the mark, oldest first. Every write of Tessera's
 * sets `Tessera_Stage__c` with the stage (its event is in the outbox, written by the capability), so a
 * record whose `StageName` no longer means that stage was moved in Salesforce (a person, a flow): it
 * is adopted (its version moves by one, checked against the version read as a capability's
 * transition is; `Tessera_Stage__c` follows) and the event a capability would have written follows
 * at that version: `OpportunityWon`, `OpportunityLost` or `OpportunityStageChanged`
 * (systems/crm/capabilities/events.ts). A record a person created in Salesforce (no External ID) is
 * adopted (docs/connectors.md#adopting-vendor-records): its canonical id (adoptedId, from its
 * Salesforce id) is written back to the External ID field with version 1 and its stage, and it is
 * announced as `createOpportunity` would have: `OpportunityCreated`, then, when it is already
 * closed, `OpportunityWon` or `OpportunityLost` at version 2 (a deal created and won between two
 * polls is won).
 */
import type { DomainEventDraft } from '../../../kernel/capability/types.ts';
import { adoptedId } from '../../../kernel/connectors/adoption.ts';
import type { Adopted, Change, ChangeStream } from '../../../kernel/connectors/changeCapture.ts';
import { opportunityEvent } from '../../capabilities/events.ts';
import { moneyOf } from '../../capabilities/opportunity.ts';
import type { Opportunity } from '../../ports/types.ts';
import { at, type SfRecord } from './fieldCodecs.ts';
import { BOOKKEEPING, LEGAL_ENTITY_FIELD } from './objectMaps.ts';
import { expectOk } from './recordWrites.ts';
import { WRITTEN_STAGE } from './stageMapping.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';
import { literal } from './soql.ts';

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
        [WRITTEN_STAGE]: opportunity.stage,
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

  /**
   * Gives a record created in Salesforce its canonical id, read afresh: gone (deleted, or merged into
   * another) or given another id meanwhile, there is nothing to adopt; without an account or a legal
   * entity, not yet. The write-back names only
   * values derived from the record and its Salesforce id, so a retry, a resumed poll or a racing
   * poller writes the same.
   */
  const adoptRecord = async (change: OpportunityChange, signal?: AbortSignal): Promise<Adopted | null> => {
    const sfId = String(change.raw.Id);
    const id = adoptedId('opp', 'salesforce', sfId);
    const [fresh] = await org.soql.all(`SELECT ${map.select.join(', ')} FROM Opportunity WHERE Id = ${literal(sfId)}`, signal);
    if (!fresh) return null;
    const held = at(fresh, org.idField);
    if (held !== null && held !== '' && held !== id) return null;
    // Without its account or legal entity it is no canonical opportunity yet: it waits for the change that completes it.
    if (!at(fresh, 'AccountId') || !at(fresh, LEGAL_ENTITY_FIELD)) return null;
    const read = { ...map.read(fresh), id };
    const closed = read.stage === 'CLOSED_WON' || read.stage === 'CLOSED_LOST';
    const version = closed ? 2 : 1;
    const answer = await org.http.send({
      method: 'PATCH',
      path: `${org.dataPath}/sobjects/Opportunity/${sfId}`,
      body: {
        [org.idField]: id,
        [BOOKKEEPING.version]: version,
        [BOOKKEEPING.lastCall]: POLL_KEY,
        [WRITTEN_STAGE]: read.stage,
      },
      idempotent: true,
      operation: 'update Opportunity',
      ...(signal ? { signal } : {}),
    });
    if (answer.status === 404) return null; // deleted or merged between the read and the write
    expectOk(answer, 'update Opportunity');
    const created = { ...read, aggregateVersion: 1 };
    const events = [opportunityEvent('OpportunityCreated', created, { accountId: created.accountId, amount: moneyOf(created) })];
    if (closed) events.push(eventOf({ ...read, aggregateVersion: 2 }, null));
    return { key: id, fingerprint: fingerprint({ ...read, aggregateVersion: version }), events };
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
        const held = at(raw, org.idField);
        // Not adopted yet, or a poll wrote its id back but did not record the adoption (it stopped before its commit).
        const adopting = held === null || held === '' || held === adoptedId('opp', 'salesforce', String(raw.Id));
        return {
          key: opportunity.id,
          stamp: new Date(String(at(raw, 'SystemModstamp')).replace(/\+0000$/, 'Z')).toISOString(),
          fingerprint: fingerprint(opportunity),
          ...(adopting ? { adopt: String(raw.Id) } : {}),
          raw,
          opportunity,
        };
      });
    },
    adopt: adoptRecord,
    async eventsOf(change, _previous, signal) {
      const { opportunity, raw } = change;
      const written = at(raw, WRITTEN_STAGE);
      if (written === opportunity.stage) return [];
      const adopted = await adopt(change, signal);
      if (adopted === null) return null;
      const from = typeof written === 'string' ? written : null;
      if (from === null && !['CLOSED_WON', 'CLOSED_LOST'].includes(opportunity.stage)) return [];
      return [eventOf(adopted, from)];
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
