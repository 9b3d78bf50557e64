/**
 * Opportunity to project with the CRM on a Salesforce org (docs/connectors.md#wiring,
 * docs/processes.md#opportunity-to-project): `TESSERA_CRM_SYSTEM=salesforce` against the local
 * Salesforce REST stand-in holding the demo CRM records. A deal is opened and moved through the
 * gateway (written to Salesforce by upsert), then a salesperson wins it in Salesforce itself; the
 * change capture turns that into OpportunityWon in the CRM's outbox; the saga creates and submits the
 * contract (in Salesforce), waits for the approval and signature made through the gateway, and ends
 * with an ACTIVE project whose contract is ACTIVE in Salesforce. The CRM's own database holds only
 * the ledger: every contract is in the org.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opportunityChanges } from '../../../systems/crm/adapters/salesforce/opportunityChanges.ts';
import { connectSalesforce } from '../../../systems/crm/adapters/salesforce/salesforceOrg.ts';
import { pollOnce, type ChangeLedger } from '../../../systems/kernel/connectors/changeCapture.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { loadIntoSalesforce, startTestOrg, type TestOrg } from '../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { crmData } from '../../systems/crm/ports/crmData.ts';
import {
  ALL_STEPS_DONE,
  approveAndSign,
  DIRECTOR,
  linkOf,
  mutate,
  OPS,
  processOf,
  SALES,
  discoveryOpportunity,
} from './opportunityToProjectKit.ts';

let org: TestOrg;
let tessera: TestTessera;

beforeAll(async () => {
  org = await startTestOrg({ pageSize: 100 });
  loadIntoSalesforce(org, crmData());
  // Polled by the test (below), not by the interval: the poller's first round only sets the baseline.
  const salesforce = { ...org.config, pollMs: 3_600_000 };
  tessera = await startTestTessera({ scale: 's', config: { crm: { system: 'salesforce', salesforce, hubspot: undefined } } });
});
afterAll(async () => {
  await tessera?.stop();
  await org?.standIn.stop();
});

/** A deal's references in the graph: its own first (docs/crosswalk.md#canonical-ids-and-external-references). */
const REFS = 'query ($id: ID!) { opportunity(id: $id) { externalRefs { system objectType externalId } } }';

describe('opportunity to project on Salesforce', () => {
  it('runs from a deal won in Salesforce to an active project, the contract written to the org', async () => {
    const sales = await tessera.token(SALES);
    const director = await tessera.token(DIRECTOR);
    const ops = await tessera.token(OPS);
    const accounts = await tessera.query('{ accounts(first: 1, filter: { type: [CUSTOMER] }) { totalCount nodes { id } } }');
    expect(accounts.errors).toBeUndefined();
    const accountId = (accounts.data as { accounts: { nodes: { id: string }[] } }).accounts.nodes[0]!.id;
    const created = await mutate(
      tessera,
      sales,
      'createOpportunity',
      'CreateOpportunityInput',
      discoveryOpportunity(accountId, 'Salesforce discovery'),
      '{ opportunity { id aggregateVersion } userErrors { code message } }',
    );
    const opportunity = created.opportunity as { id: string; aggregateVersion: number };
    expect(org.standIn.records.findBy('Opportunity', 'Tessera_Id__c', opportunity.id)).toMatchObject({
      Name: 'Salesforce discovery',
      StageName: 'Prospecting',
      Amount: 30000,
      CurrencyIsoCode: 'GBP',
      Tessera_Legal_Entity__c: 'UK01',
      Tessera_Version__c: 1,
    });
    const moved = await mutate(
      tessera,
      sales,
      'updateOpportunityStage',
      'UpdateOpportunityStageInput',
      { opportunityId: opportunity.id, expectedVersion: 1, stage: 'QUALIFIED' },
      '{ opportunity { stage sourceStage aggregateVersion } userErrors { code message } }',
    );
    expect(moved).toEqual({ opportunity: { stage: 'QUALIFIED', sourceStage: 'Qualification', aggregateVersion: 2 }, userErrors: [] });

    // The salesperson closes it in Salesforce; the next poll adopts it as won.
    const record = org.standIn.records.findBy('Opportunity', 'Tessera_Id__c', opportunity.id)!;
    org.standIn.records.write('Opportunity', { StageName: 'Closed Won', Probability: 100, ForecastCategoryName: 'Closed' }, record);
    const crmDb = tessera.tessera.systems.crm!.db as unknown as ChangeLedger;
    expect(await pollOnce(crmDb, opportunityChanges(connectSalesforce(org.config)))).toMatchObject({ events: 1 });
    const won = await tessera.query('query ($id: ID!) { opportunity(id: $id) { stage aggregateVersion } }', { id: opportunity.id });
    expect(won.data).toEqual({ opportunity: { stage: 'CLOSED_WON', aggregateVersion: 3 } });
    // Its reference is the record Salesforce holds (its Id), after Tessera's move and Salesforce's change alike.
    expect((await tessera.query(REFS, { id: opportunity.id })).data).toEqual({
      opportunity: { externalRefs: [{ system: 'salesforce', objectType: 'Opportunity', externalId: record.Id }] },
    });

    await tessera.tessera.drain();
    const waiting = await processOf(tessera, opportunity.id, ops);
    expect(waiting).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });
    const contractId = linkOf(waiting, 'Contract');
    expect(org.standIn.records.findBy('Contract', 'Tessera_Id__c', contractId)).toMatchObject({
      Tessera_Status__c: 'IN_APPROVAL',
      Tessera_Opportunity_Id__c: opportunity.id,
      Tessera_Version__c: 2,
      Status: 'Draft',
    });

    await approveAndSign(tessera, contractId, { director, sales });
    const done = await processOf(tessera, opportunity.id, ops);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((step) => [step.name, step.status])).toEqual(ALL_STEPS_DONE);
    const projectId = linkOf(done, 'Project');
    const project = await tessera.query('query ($id: ID!) { project(id: $id) { status contract { id status } } }', { id: projectId });
    expect(project.errors).toBeUndefined();
    expect(project.data).toMatchObject({ project: { status: 'ACTIVE', contract: { id: contractId, status: 'ACTIVE' } } });
    expect(org.standIn.records.findBy('Contract', 'Tessera_Id__c', contractId)).toMatchObject({
      Tessera_Status__c: 'ACTIVE',
      Status: 'Activated',
      Tessera_Version__c: 5,
    });
    // The CRM's database holds the ledger, not the deal: the contract is only in the org.
    const local = tessera.tessera.systems.crm!.db as unknown as Kysely<{ contracts: { id: string } }>;
    expect(await local.selectFrom('contracts').select('id').where('id', '=', contractId).execute()).toEqual([]);
  });
});
