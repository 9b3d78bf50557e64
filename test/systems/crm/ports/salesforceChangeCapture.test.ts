/**
 * Change capture from a Salesforce org (docs/connectors.md#change-capture): the first poll is the
 * baseline; a stage moved in Salesforce is adopted (its version moves by one) and becomes the event a
 * capability would have written, once, whatever the overlap re-reads; a stage Tessera moved gives no
 * second event (the capability's is in the outbox); a deal created and won between two polls is
 * adopted, created and won (salesforceAdoption.test.ts has the rest of adoption).
 */
import { describe, expect, it } from 'vitest';
import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import { opportunityChanges } from '../../../../systems/crm/adapters/salesforce/opportunityChanges.ts';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import type { Opportunity } from '../../../../systems/crm/ports/types.ts';
import { adoptedId } from '../../../../systems/kernel/connectors/adoption.ts';
import { pollOnce, type ChangeLedger } from '../../../../systems/kernel/connectors/changeCapture.ts';
import { portRunner, valueOf } from '../../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { ledgerEvents } from '../../../harness/ledgerEvents.ts';
import { orgUnderCapture } from '../../../harness/standIns/salesforce/orgUnderCapture.ts';
import { ACTIVE_LEGAL_ENTITY, ALICE, FIXTURE, NEW_OPPORTUNITY, T0 } from './writeFixture.ts';

describe('change capture from a Salesforce org', () => {
  const org = orgUnderCapture(FIXTURE, '2026-03-02T09:00:00.000Z');
  const tick = (seconds: number) => org.tick(seconds);
  const poll = () => pollOnce(org.ledger as unknown as ChangeLedger, opportunityChanges(org.test.org), { now: org.now });
  const outbox = () => ledgerEvents(org.ledger);
  /** A person moving the stage in Salesforce's UI. */
  const moveInSalesforce = (id: string, stageName: string) => {
    const record = org.test.standIn.records.findBy('Opportunity', 'Tessera_Id__c', id)!;
    org.test.standIn.records.write('Opportunity', { StageName: stageName }, record);
  };

  it('adopts a stage moved in Salesforce once, and gives no event for its own writes', async () => {
    const runner = portRunner('crm', crmCapabilities, createSalesforceCrmAdapter(org.test.org, org.ledger), T0);
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
    const reads = createSalesforceCrmAdapter(org.test.org, org.ledger).reads(ALL_RECORDS);
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
    const marks = await (org.ledger as unknown as ChangeLedger).selectFrom('connector_watermarks').selectAll().execute();
    expect(marks).toEqual([{ stream: 'salesforce:Opportunity', mark: '2026-03-02T09:02:31.000Z', polled_at: '2026-03-02T09:03:01.000Z' }]);
  });

  it('a deal a person created and won between two polls is adopted, created and won once', async () => {
    await poll();
    tick(10);
    org.test.standIn.records.write(
      'Opportunity',
      {
        Name: 'Renewal',
        AccountId: org.test.standIn.records.findBy('Account', 'Tessera_Id__c', 'acc_c1')!.Id,
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
    expect(await poll()).toMatchObject({ changes: 1, events: 2 });
    const sfId = [...org.test.standIn.records.table('Opportunity').values()][0]!.Id as string;
    const id = adoptedId('opp', 'salesforce', sfId);
    const payload = { opportunityId: id, stage: 'CLOSED_WON', accountId: 'acc_c1', amount: { amount: '25000.00', currency: 'EUR' } };
    expect(await outbox()).toEqual([
      { type: 'OpportunityCreated', id, version: 1, payload },
      { type: 'OpportunityWon', id, version: 2, payload },
    ]);
    tick(10);
    expect(await poll()).toMatchObject({ events: 0 });
  });
});
