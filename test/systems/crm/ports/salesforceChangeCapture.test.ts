/**
 * Change capture from a Salesforce org (docs/connectors.md#change-capture): the first poll is the
 * baseline; a stage moved in Salesforce is adopted (its version moves by one) and becomes the event a
 * capability would have written, once, whatever the overlap re-reads; a stage Tessera moved gives no
 * second event (the capability's is in the outbox); a deal created and won between two polls is won.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import { opportunityChanges } from '../../../../systems/crm/adapters/salesforce/opportunityChanges.ts';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import type { Opportunity } from '../../../../systems/crm/ports/types.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { pollOnce, type ChangeLedger } from '../../../../systems/kernel/connectors/changeCapture.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { portRunner, valueOf } from '../../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { loadIntoSalesforce, startTestOrg, type TestOrg } from '../../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { ACTIVE_LEGAL_ENTITY, ALICE, FIXTURE, NEW_OPPORTUNITY, T0 } from './writeFixture.ts';

describe('change capture from a Salesforce org', () => {
  let test: TestOrg;
  let ledger: Kysely<CapabilityTables>;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2026-03-02T09:00:00.000Z');
    test = await startTestOrg({ now: () => clock });
    loadIntoSalesforce(test, FIXTURE);
    ledger = await openLedger('crm');
  });
  afterEach(async () => {
    await ledger.destroy();
    await test.standIn.stop();
  });
  const tick = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };
  const poll = () => pollOnce(ledger as unknown as ChangeLedger, opportunityChanges(test.org), { now: () => clock });
  const outbox = async () =>
    (
      await ledger
        .selectFrom('outbox_events')
        .select(['type', 'aggregate_id', 'aggregate_version', 'payload_json'])
        .orderBy('aggregate_version')
        .execute()
    ).map((event) => ({
      type: event.type,
      id: event.aggregate_id,
      version: event.aggregate_version,
      payload: JSON.parse(event.payload_json) as unknown,
    }));
  /** A person moving the stage in Salesforce's UI. */
  const moveInSalesforce = (id: string, stageName: string) => {
    const record = test.standIn.records.findBy('Opportunity', 'Tessera_Id__c', id)!;
    test.standIn.records.write('Opportunity', { StageName: stageName }, record);
  };

  it('adopts a stage moved in Salesforce once, and gives no event for its own writes', async () => {
    const runner = portRunner('crm', crmCapabilities, createSalesforceCrmAdapter(test.org, ledger), T0);
    const { opportunity } = await valueOf(
      runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key: 'k1', facts: ACTIVE_LEGAL_ENTITY }),
    );
    const id = (opportunity as Opportunity).id;
    tick(1);
    expect(await poll()).toEqual({ stream: 'salesforce:Opportunity', changes: 0, events: 0, mark: '2026-03-02T09:00:01.000Z' });

    tick(30);
    moveInSalesforce(id, 'Qualification');
    tick(30);
    expect(await poll()).toMatchObject({ changes: 1, events: 1 });
    const reads = createSalesforceCrmAdapter(test.org, ledger).reads(ALL_RECORDS);
    expect((await reads.opportunitiesByIds([id]))[0]).toMatchObject({
      stage: 'QUALIFIED',
      sourceStage: 'Qualification',
      aggregateVersion: 2,
    });

    // The overlap re-reads the adopted record: nothing new.
    tick(30);
    expect(await poll()).toMatchObject({ changes: 1, events: 0 });
    expect(await poll()).toMatchObject({ events: 0 });

    // Tessera moves it: the capability writes the event; the poll sees the change and adds none.
    await valueOf(
      runner.run('updateOpportunityStage', { opportunityId: id, expectedVersion: 2, stage: 'PROPOSAL' }, { principal: ALICE, key: 'k2' }),
    );
    tick(30);
    expect(await poll()).toMatchObject({ events: 0 });

    tick(30);
    moveInSalesforce(id, 'Closed Won');
    tick(30);
    expect(await poll()).toMatchObject({ events: 1 });
    const money = { amount: '150000.00', currency: 'USD' };
    expect(await outbox()).toEqual([
      {
        type: 'OpportunityCreated',
        id,
        version: 1,
        payload: { opportunityId: id, stage: 'PROSPECTING', accountId: 'acc_c1', amount: money },
      },
      {
        type: 'OpportunityStageChanged',
        id,
        version: 2,
        payload: { opportunityId: id, stage: 'QUALIFIED', from: 'PROSPECTING', to: 'QUALIFIED' },
      },
      {
        type: 'OpportunityStageChanged',
        id,
        version: 3,
        payload: { opportunityId: id, stage: 'PROPOSAL', from: 'QUALIFIED', to: 'PROPOSAL' },
      },
      { type: 'OpportunityWon', id, version: 4, payload: { opportunityId: id, stage: 'CLOSED_WON', accountId: 'acc_c1', amount: money } },
    ]);
    const marks = await (ledger as unknown as ChangeLedger).selectFrom('connector_watermarks').selectAll().execute();
    expect(marks).toEqual([{ stream: 'salesforce:Opportunity', mark: '2026-03-02T09:02:31.000Z', polled_at: '2026-03-02T09:03:01.000Z' }]);
  });

  it('a deal a person created and won between two polls is won once', async () => {
    await poll();
    tick(10);
    test.standIn.records.write(
      'Opportunity',
      {
        Name: 'Renewal',
        AccountId: test.standIn.records.findBy('Account', 'Tessera_Id__c', 'acc_c1')!.Id,
        StageName: 'Closed Won',
        Probability: 100,
        ForecastCategoryName: 'Closed',
        Type: 'Existing Business',
        Amount: 25000,
        CurrencyIsoCode: 'EUR',
        CloseDate: '2026-03-02',
        Tessera_Legal_Entity__c: 'UK01',
      },
      null,
    );
    tick(10);
    expect(await poll()).toMatchObject({ changes: 1, events: 1 });
    const [won] = await outbox();
    const sfId = [...test.standIn.records.table('Opportunity').values()][0]!.Id as string;
    expect(won).toEqual({
      type: 'OpportunityWon',
      id: `opp_sf_${sfId}`,
      version: 2,
      payload: {
        opportunityId: `opp_sf_${sfId}`,
        stage: 'CLOSED_WON',
        accountId: 'acc_c1',
        amount: { amount: '25000.00', currency: 'EUR' },
      },
    });
    tick(10);
    expect(await poll()).toMatchObject({ events: 0 });
  });
});
