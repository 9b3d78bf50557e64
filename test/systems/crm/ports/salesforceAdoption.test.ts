/**
 * Adopting deals a person created in Salesforce (docs/connectors.md#adopting-vendor-records): one poll
 * gives the opportunity its canonical id (derived from its Salesforce id), writes it back to the
 * External ID field, records the mapping and writes `OpportunityCreated` once; a second poll, a
 * racing poller, a retried write-back and a poll resumed after a crash adopt nothing twice; a record
 * deleted or merged at the vendor while it is adopted is left alone without failing the poll.
 */
import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import { opportunityChanges } from '../../../../systems/crm/adapters/salesforce/opportunityChanges.ts';
import { adoptedId, adoptionsOf } from '../../../../systems/kernel/connectors/adoption.ts';
import { pollOnce, type Change, type ChangeLedger, type ChangeStream } from '../../../../systems/kernel/connectors/changeCapture.ts';
import type { ChangeCaptureTables } from '../../../../systems/kernel/connectors/changeCaptureTables.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { ledgerEvents } from '../../../harness/ledgerEvents.ts';
import { orgUnderCapture } from '../../../harness/standIns/salesforce/orgUnderCapture.ts';
import { FIXTURE } from './writeFixture.ts';

const STREAM = 'salesforce:Opportunity';

describe('adopting opportunities created in Salesforce', () => {
  const org = orgUnderCapture(FIXTURE, '2026-03-02T09:00:00.000Z');
  beforeEach(async () => {
    expect(await poll()).toMatchObject({ changes: 0, events: 0 }); // the baseline
  });
  const tick = () => org.tick(10);
  const poll = (stream: ChangeStream<Change> = opportunityChanges(org.test.org) as ChangeStream<Change>) =>
    pollOnce(org.ledger as unknown as ChangeLedger, stream, { now: org.now });
  const outbox = () => ledgerEvents(org.ledger);
  const adoptions = () => adoptionsOf(org.ledger as unknown as Kysely<ChangeCaptureTables>, STREAM);
  /** A person creating an open deal in Salesforce's UI: no External ID. */
  const createInSalesforce = (name = 'Renewal', fields: Record<string, unknown> = {}) => {
    tick();
    const record = org.test.standIn.records.write(
      'Opportunity',
      {
        Name: name,
        AccountId: org.test.standIn.records.findBy('Account', 'Tessera_Id__c', 'acc_c1')!.Id,
        StageName: 'Prospecting',
        Probability: 10,
        ForecastCategoryName: 'Pipeline',
        Type: 'New Business',
        Amount: 25000,
        CurrencyIsoCode: 'EUR',
        CloseDate: '2026-09-30',
        Tessera_Legal_Entity__c: 'UK01',
        ...fields,
      },
      null,
    );
    tick();
    return String(record.Id);
  };
  const createdEvent = (id: string) => ({
    type: 'OpportunityCreated',
    id,
    version: 1,
    payload: { opportunityId: id, stage: 'PROSPECTING', accountId: 'acc_c1', amount: { amount: '25000.00', currency: 'EUR' } },
  });

  it('one poll gives the deal its canonical id, in Salesforce and in the reads, with one OpportunityCreated and one mapping', async () => {
    const sfId = createInSalesforce();
    const id = adoptedId('opp', 'salesforce', sfId);
    expect(id).toMatch(/^opp_[0-9a-f]{20}$/);
    expect(await poll()).toMatchObject({ changes: 1, events: 1 });
    expect(org.test.standIn.records.table('Opportunity').get(sfId)).toMatchObject({
      Tessera_Id__c: id,
      Tessera_Version__c: 1,
      Tessera_Stage__c: 'PROSPECTING',
      Tessera_Last_Call__c: 'tessera:poll',
    });
    const reads = createSalesforceCrmAdapter(org.test.org, org.ledger).reads(ALL_RECORDS);
    expect(await reads.opportunitiesByIds([id])).toMatchObject([{ id, name: 'Renewal', stage: 'PROSPECTING', aggregateVersion: 1 }]);
    expect((await reads.opportunitiesPage({ accountId: 'acc_c1' }, { first: 10, afterId: null })).rows.map((o) => o.id)).toEqual([id]);
    expect(await outbox()).toEqual([createdEvent(id)]);
    expect(await adoptions()).toEqual(new Map([[sfId, id]]));

    // The overlap reads it again, and the next change of it is an ordinary one.
    tick();
    expect(await poll()).toMatchObject({ changes: 1, events: 0 });
    expect(await outbox()).toHaveLength(1);
    expect(await adoptions()).toEqual(new Map([[sfId, id]]));
  });

  it('two pollers racing on one ledger assign the same id and announce it once', async () => {
    const sfId = createInSalesforce();
    const id = adoptedId('opp', 'salesforce', sfId);
    const results = await Promise.all([poll(), poll()]);
    expect(results.map((result) => result.events).sort()).toEqual([0, 1]);
    expect(org.test.standIn.records.table('Opportunity').get(sfId)).toMatchObject({ Tessera_Id__c: id, Tessera_Version__c: 1 });
    expect(await outbox()).toEqual([createdEvent(id)]);
    expect(await adoptions()).toEqual(new Map([[sfId, id]]));
  });

  it('a write-back refused with 503 or 429 is retried: one mapping, one event', async () => {
    const first = createInSalesforce('First');
    org.test.standIn.failNext('update Opportunity', { kind: 'status', status: 503 });
    expect(await poll()).toMatchObject({ events: 1 });
    const second = createInSalesforce('Second');
    org.test.standIn.failNext('update Opportunity', { kind: 'status', status: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED', retryAfter: '2' });
    expect(await poll()).toMatchObject({ events: 1 });
    expect(org.test.standIn.calls.filter((call) => call === 'update Opportunity')).toHaveLength(4);
    expect(org.test.delays).toContain(2000);
    const ids = [first, second].map((sfId) => adoptedId('opp', 'salesforce', sfId));
    expect(await outbox()).toEqual(
      ids.map((id) => ({ ...createdEvent(id), payload: expect.objectContaining({ opportunityId: id }) as unknown })),
    );
    expect(await adoptions()).toEqual(
      new Map([
        [first, ids[0]],
        [second, ids[1]],
      ]),
    );
  });

  it('a write-back that keeps failing fails the poll with nothing recorded; the next poll adopts it once', async () => {
    const sfId = createInSalesforce();
    for (let i = 0; i < 4; i += 1) org.test.standIn.failNext('update Opportunity', { kind: 'status', status: 503 });
    await expect(poll()).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await outbox()).toEqual([]);
    expect(await adoptions()).toEqual(new Map());
    tick();
    expect(await poll()).toMatchObject({ events: 1 });
    expect(await adoptions()).toEqual(new Map([[sfId, adoptedId('opp', 'salesforce', sfId)]]));
  });

  it('a poll stopped after its write-back (before its commit) is finished by the next one, once', async () => {
    const sfId = createInSalesforce();
    const stream = opportunityChanges(org.test.org);
    const [change] = await stream.changesSince('2026-03-02T09:00:00.000Z');
    await stream.adopt!(change!); // written back to Salesforce; the process stops before recording it
    expect(await poll()).toMatchObject({ changes: 1, events: 1 });
    expect(await outbox()).toEqual([createdEvent(adoptedId('opp', 'salesforce', sfId))]);
    tick();
    expect(await poll()).toMatchObject({ events: 0 });
  });

  it('a deal without its legal entity waits; the change that completes it adopts it', async () => {
    const sfId = createInSalesforce('Renewal', { Tessera_Legal_Entity__c: null });
    expect(await poll()).toMatchObject({ changes: 1, events: 0 });
    expect(await adoptions()).toEqual(new Map());
    expect(org.test.standIn.records.table('Opportunity').get(sfId)!.Tessera_Id__c).toBeUndefined();
    tick();
    org.test.standIn.records.write(
      'Opportunity',
      { Tessera_Legal_Entity__c: 'UK01' },
      org.test.standIn.records.table('Opportunity').get(sfId)!,
    );
    tick();
    expect(await poll()).toMatchObject({ events: 1 });
    expect(await outbox()).toEqual([createdEvent(adoptedId('opp', 'salesforce', sfId))]);
  });

  it('a deal deleted, or merged into another, while it is adopted is left alone and the poll goes on', async () => {
    const kept = createInSalesforce('Kept');
    const merged = createInSalesforce('Merged away');
    const deleted = createInSalesforce('Deleted');
    const stream = opportunityChanges(org.test.org);
    // Between the poll's read and its adoption, a person merges one deal into another (Salesforce
    // deletes the losing record) and deletes a third; the write-back of a fourth finds it gone (404).
    const racing: ChangeStream<Change> = {
      ...(stream as ChangeStream<Change>),
      async changesSince(since, signal) {
        const changes = await stream.changesSince(since, signal);
        org.test.standIn.records.table('Opportunity').delete(merged);
        org.test.standIn.records.write('Opportunity', { Description: 'merged' }, org.test.standIn.records.table('Opportunity').get(kept)!);
        org.test.standIn.records.table('Opportunity').delete(deleted);
        return changes;
      },
    };
    expect(await poll(racing)).toMatchObject({ changes: 3, events: 1 });
    const gone = createInSalesforce('Gone at the write-back');
    org.test.standIn.failNext('update Opportunity', { kind: 'status', status: 404, errorCode: 'ENTITY_IS_DELETED' });
    expect(await poll()).toMatchObject({ events: 0 });
    expect(await outbox()).toEqual([
      { ...createdEvent(adoptedId('opp', 'salesforce', kept)), payload: expect.objectContaining({ stage: 'PROSPECTING' }) as unknown },
    ]);
    expect(await adoptions()).toEqual(new Map([[kept, adoptedId('opp', 'salesforce', kept)]]));
    expect(org.test.standIn.records.table('Opportunity').get(gone)!.Tessera_Id__c).toBeUndefined();
  });
});
