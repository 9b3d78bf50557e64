/**
 * Opportunity to project with the CRM on a HubSpot portal (docs/connectors.md#hubspot,
 * docs/processes.md#opportunity-to-project): `TESSERA_CRM_SYSTEM=hubspot`, configured from the
 * variables an operator sets, against the local HubSpot API stand-in holding the demo CRM records.
 * A deal of the acquired firm's HubSpot account is opened and moved through the gateway (written to
 * HubSpot), then a salesperson wins it in HubSpot itself; the change capture turns that into
 * OpportunityWon in the CRM's outbox; the saga drafts and submits the contract (a HubSpot custom
 * object), waits for the approval and signature made through the gateway, and ends with an ACTIVE
 * project whose contract is ACTIVE in HubSpot. The CRM's own database holds only the ledger.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHubSpotConfig } from '../../../core/config/hubspot.ts';
import { dealChanges } from '../../../systems/crm/adapters/hubspot/dealChanges.ts';
import { connectHubSpot } from '../../../systems/crm/adapters/hubspot/hubspotAdapter.ts';
import { pollOnce, type ChangeLedger } from '../../../systems/kernel/connectors/changeCapture.ts';
import { loadIntoHubSpot } from '../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../harness/standIns/hubspot/server.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { crmData } from '../../systems/crm/ports/crmData.ts';
import { approveAndSign, DIRECTOR, linkOf, mutate, OPS, processOf, SALES, discoveryOpportunity } from './opportunityToProjectKit.ts';

let standIn: HubSpotStandIn;
let tessera: TestTessera;
const ACQUIRED = crmData().accounts.find((account) => account.source.system === 'hubspot')!;

let hubspot: ReturnType<typeof readHubSpotConfig>;

beforeAll(async () => {
  standIn = await startHubSpotStandIn({ token: 'pat-na1-e2e' });
  loadIntoHubSpot(standIn, crmData());
  hubspot = readHubSpotConfig(
    {
      TESSERA_HUBSPOT_BASE_URL: standIn.url,
      TESSERA_HUBSPOT_TOKEN: 'pat-na1-e2e',
      TESSERA_HUBSPOT_PIPELINES:
        'default:PROSPECTING=appointmentscheduled,QUALIFIED=qualifiedtobuy,PROPOSAL=presentationscheduled,NEGOTIATION=contractsent,CLOSED_WON=closedwon,CLOSED_LOST=closedlost;' +
        '1187261:PROSPECTING=1187262,QUALIFIED=1187263,PROPOSAL=1187264,NEGOTIATION=1187265,CLOSED_WON=1187266,CLOSED_LOST=1187267',
      // Polled by the test (below), not by the interval: the poller's first round only sets the baseline.
      TESSERA_HUBSPOT_POLL_MS: '3600000',
    },
    false,
    process.cwd(),
  );
  tessera = await startTestTessera({ scale: 's', config: { crm: { system: 'hubspot', salesforce: undefined, hubspot } } });
});
afterAll(async () => {
  await tessera?.stop();
  await standIn?.close();
});

const object = (type: string, id: string) => standIn.portal.find(type, 'tessera_id', id)?.properties;

/** A deal's references in the graph: its own first (docs/crosswalk.md#canonical-ids-and-external-references). */
const REFS = 'query ($id: ID!) { opportunity(id: $id) { externalRefs { system objectType externalId } } }';

describe('opportunity to project on HubSpot', () => {
  it('runs from a deal won in HubSpot to an active project, the contract written to the portal', async () => {
    const sales = await tessera.token(SALES);
    const director = await tessera.token(DIRECTOR);
    const ops = await tessera.token(OPS);
    const created = await mutate(
      tessera,
      sales,
      'createOpportunity',
      'CreateOpportunityInput',
      discoveryOpportunity(ACQUIRED.id, 'HubSpot discovery'),
      '{ opportunity { id sourceStage aggregateVersion } userErrors { code message } }',
    );
    expect(created.userErrors).toEqual([]);
    const opportunity = created.opportunity as { id: string; sourceStage: string; aggregateVersion: number };
    expect(opportunity.sourceStage).toBe('appointmentscheduled');
    expect(object('deals', opportunity.id)).toMatchObject({
      dealname: 'HubSpot discovery',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      amount: '30000.00',
      deal_currency_code: 'GBP',
      tessera_legal_entity_id: 'le_UK01',
      tessera_account_id: ACQUIRED.id,
      tessera_version: '1',
    });
    const deal = standIn.portal.find('deals', 'tessera_id', opportunity.id)!;
    expect(standIn.portal.associated('deals', deal.id, 'companies')).toEqual([ACQUIRED.source.id]);
    expect(standIn.portal.associated('deals', deal.id, 'line_items')).toHaveLength(1);

    const moved = await mutate(
      tessera,
      sales,
      'updateOpportunityStage',
      'UpdateOpportunityStageInput',
      { opportunityId: opportunity.id, expectedVersion: 1, stage: 'QUALIFIED' },
      '{ opportunity { stage sourceStage aggregateVersion } userErrors { code message } }',
    );
    expect(moved).toEqual({ opportunity: { stage: 'QUALIFIED', sourceStage: 'qualifiedtobuy', aggregateVersion: 2 }, userErrors: [] });

    // The salesperson closes it in HubSpot; the next poll turns that into OpportunityWon at version 3.
    const stream = dealChanges(connectHubSpot(hubspot));
    const crmDb = tessera.tessera.systems.crm!.db as unknown as ChangeLedger;
    await pollOnce(crmDb, stream, { now: () => new Date(Date.now() - 1_000) });
    standIn.portal.update('deals', deal, { dealstage: 'closedwon' });
    expect(await pollOnce(crmDb, stream)).toMatchObject({ events: 1 });
    const won = await tessera.query('query ($id: ID!) { opportunity(id: $id) { stage aggregateVersion } }', { id: opportunity.id });
    expect(won.data).toEqual({ opportunity: { stage: 'CLOSED_WON', aggregateVersion: 3 } });
    // Its reference is the deal HubSpot holds (its id), after Tessera's move and HubSpot's change alike.
    expect((await tessera.query(REFS, { id: opportunity.id })).data).toEqual({
      opportunity: { externalRefs: [{ system: 'hubspot', objectType: 'deal', externalId: deal.id }] },
    });

    await tessera.tessera.drain();
    const waiting = await processOf(tessera, opportunity.id, ops);
    expect(waiting).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });
    const contractId = linkOf(waiting, 'Contract');
    expect(object('p_tessera_contracts', contractId)).toMatchObject({
      status: 'IN_APPROVAL',
      opportunity_id: opportunity.id,
      tessera_version: '2',
    });

    await approveAndSign(tessera, contractId, { director, sales });

    const done = await processOf(tessera, opportunity.id, ops);
    expect(done.status).toBe('COMPLETED');
    const projectId = linkOf(done, 'Project');
    const project = await tessera.query('query ($id: ID!) { project(id: $id) { status contract { id status } } }', { id: projectId });
    expect(project.errors).toBeUndefined();
    expect(project.data).toMatchObject({ project: { status: 'ACTIVE', contract: { id: contractId, status: 'ACTIVE' } } });
    expect(object('p_tessera_contracts', contractId)).toMatchObject({ status: 'ACTIVE', tessera_version: '5' });
    const local = tessera.tessera.systems.crm!.db as unknown as Kysely<{ contracts: { id: string } }>;
    expect(await local.selectFrom('contracts').select('id').where('id', '=', contractId).execute()).toEqual([]);
  });
});
