/**
 * Who writes after a merge (docs/crosswalk.md#writes-after-a-merge), end to end through the gateway
 * with `TESSERA_CRM_SYSTEM=both` on the Salesforce and HubSpot stand-ins: once the acquired firm's
 * HubSpot company is merged into the parent's Salesforce account, a capability on a deal under the
 * merged account is written to the CRM that holds the deal and to no other (the stand-ins' request
 * logs say so), a new deal under the merged account (by either id) opens in the survivor's
 * Salesforce, the won HubSpot deal runs to a PSA project for the canonical account, and a call the
 * caller may not make, or whose CRM is out (503 throughout), is refused with its code and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubSpotStandIn } from '../../harness/standIns/hubspot/server.ts';
import type { TestOrg } from '../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { approveAndSign, DIRECTOR, discoveryOpportunity, linkOf, OPS, processOf, SALES } from '../sagas/opportunityToProjectKit.ts';
import { ACME_HS, ACME_SF } from './acmeFixture.ts';
import { startBothCrmsAcmeMerged, type BothCrms } from './bothCrms.ts';

const READER = { sub: 'rita.reader', scope: 'crm:read', legal_entities: '*' as const };
/** The acquired firm's deal under Acme (HubSpot pipeline 1187261, at PROPOSAL) and the parent's (Salesforce, at PROPOSAL). */
const HS_DEAL = { id: 'opp_00014', hubspotId: '9000000018' };
const SF_DEAL = { id: 'opp_00013', salesforceId: '006UGc5FITusi9QwUx' };

let both: BothCrms;
let org: TestOrg;
let hubspot: HubSpotStandIn;
let tessera: TestTessera;

beforeAll(async () => {
  both = await startBothCrmsAcmeMerged('pat-na1-writes');
  ({ org, hubspot, tessera } = both);
}, 120_000);
afterAll(async () => {
  await both?.stop();
});

const READS = /^(GET |POST \/crm\/v[34]\/.*\/(batch\/read|search)$)/;
/** From now on: the writes each stand-in received (HubSpot `<METHOD> <path>`, Salesforce `upsert|update <object>`). */
function writesFromNow(): () => { hubspot: string[]; salesforce: string[] } {
  const [h, s] = [hubspot.requests.length, org.standIn.calls.length];
  return () => ({
    hubspot: hubspot.requests.slice(h).filter((request) => !READS.test(request)),
    salesforce: org.standIn.calls.slice(s).filter((call) => /^(upsert|update) /.test(call)),
  });
}
const NO_WRITES = { hubspot: [], salesforce: [] };

const PAYLOAD = `{ opportunity { id stage sourceStage aggregateVersion account { id } externalRefs { system externalId } } userErrors { code field } replayed }`;
const MOVE = `mutation ($input: UpdateOpportunityStageInput!) { updateOpportunityStage(input: $input) ${PAYLOAD} }`;
const WIN = `mutation ($input: CloseWinOpportunityInput!) { closeWinOpportunity(input: $input) ${PAYLOAD} }`;
const CREATE = `mutation ($input: CreateOpportunityInput!) { createOpportunity(input: $input) ${PAYLOAD} }`;

const post = async (query: string, input: Record<string, unknown>, token: string) =>
  tessera.request({ query, variables: { input } }, { authorization: `Bearer ${token}` });
const deal = (id: string) => hubspot.portal.find('deals', 'tessera_id', id)?.properties;
const sfRecord = (object: string, id: string) => org.standIn.records.findBy(object, 'Tessera_Id__c', id);
const hubspotRef = (externalId: string) => ({ system: 'hubspot', externalId });
const salesforceRef = (externalId: string) => ({ system: 'salesforce', externalId });

interface Answered {
  readonly id: string;
  readonly stage: string;
  readonly sourceStage: string;
  readonly aggregateVersion: number;
  readonly ref: { readonly system: string; readonly externalId: string };
}
/** A capability's whole answer: the opportunity under the canonical account, with its CRM's reference; no error, no replay. */
function answer(field: string, { ref, ...opportunity }: Answered) {
  return {
    data: { [field]: { opportunity: { ...opportunity, account: { id: ACME_SF }, externalRefs: [ref] }, userErrors: [], replayed: false } },
  };
}
/** What a capability answers when its CRM did not answer (`why`, in the vendor connector's words): nothing was written. */
const unavailable = (field: string, why: string) => ({
  status: 200,
  body: {
    errors: [
      {
        message: `The CRM system ${why}. Retry the same request later.`,
        path: [field],
        extensions: { code: 'DOWNSTREAM_UNAVAILABLE', serviceName: 'crm' },
      },
    ],
    data: null,
  },
});

describe('writes after a merge, on both CRMs', () => {
  it('moves a HubSpot deal under the merged account in HubSpot only, in its own pipeline', async () => {
    const sales = await tessera.token(SALES);
    const writes = writesFromNow();
    expect(
      await tessera.query(
        MOVE,
        { input: { idempotencyKey: 'move-hs', opportunityId: HS_DEAL.id, expectedVersion: 1, stage: 'NEGOTIATION' } },
        sales,
      ),
    ).toEqual(
      answer('updateOpportunityStage', {
        id: HS_DEAL.id,
        stage: 'NEGOTIATION',
        sourceStage: '1187265',
        aggregateVersion: 2,
        ref: hubspotRef(HS_DEAL.hubspotId),
      }),
    );
    expect(writes()).toEqual({ hubspot: [`PATCH /crm/v3/objects/deals/${HS_DEAL.hubspotId}`], salesforce: [] });
    const moved = deal(HS_DEAL.id)!;
    expect(moved).toMatchObject({ pipeline: '1187261', dealstage: '1187265', tessera_version: '2', tessera_account_id: ACME_HS });
    expect(moved.tessera_source_stage).toBeUndefined();
    expect(sfRecord('Opportunity', HS_DEAL.id)).toBeNull();
  });

  it('moves a Salesforce deal under the merged account in Salesforce only', async () => {
    const sales = await tessera.token(SALES);
    const writes = writesFromNow();
    expect(
      await tessera.query(
        MOVE,
        { input: { idempotencyKey: 'move-sf', opportunityId: SF_DEAL.id, expectedVersion: 1, stage: 'NEGOTIATION' } },
        sales,
      ),
    ).toEqual(
      answer('updateOpportunityStage', {
        id: SF_DEAL.id,
        stage: 'NEGOTIATION',
        sourceStage: 'Negotiation/Review',
        aggregateVersion: 2,
        ref: salesforceRef(SF_DEAL.salesforceId),
      }),
    );
    expect(writes()).toEqual({ hubspot: [], salesforce: ['update Opportunity'] });
    expect(sfRecord('Opportunity', SF_DEAL.id)).toMatchObject({ StageName: 'Negotiation/Review', Tessera_Version__c: 2 });
    expect(deal(SF_DEAL.id)).toBeUndefined();
  });

  it('opens a new deal under the merged account in the survivor’s Salesforce, named by either id', async () => {
    const sales = await tessera.token(SALES);
    const acme = sfRecord('Account', ACME_SF)!;
    for (const accountId of [ACME_SF, ACME_HS]) {
      const writes = writesFromNow();
      const body = await tessera.query(
        CREATE,
        { input: { idempotencyKey: `open-${accountId}`, ...discoveryOpportunity(accountId, `Acme discovery via ${accountId}`) } },
        sales,
      );
      const id = (body.data as { createOpportunity: { opportunity: { id: string } } }).createOpportunity.opportunity.id;
      const record = sfRecord('Opportunity', id)!;
      const sfId = String(record.Id);
      // A deal Tessera opens in Salesforce is referenced by the record Salesforce holds: its Opportunity.Id.
      expect(body).toEqual(
        answer('createOpportunity', {
          id,
          stage: 'PROSPECTING',
          sourceStage: 'Prospecting',
          aggregateVersion: 1,
          ref: salesforceRef(sfId),
        }),
      );
      expect(sfId).toMatch(/^006[0-9A-Za-z]{15}$/);
      expect(writes()).toEqual({ hubspot: [], salesforce: ['upsert Opportunity', 'upsert OpportunityLineItem'] });
      expect(record).toMatchObject({ Name: `Acme discovery via ${accountId}`, AccountId: acme.Id, StageName: 'Prospecting' });
      expect(deal(id)).toBeUndefined();
      // A later read answers the same reference, and the next write finds the deal in Salesforce by it.
      expect(await tessera.query(`{ opportunity(id: "${id}") { externalRefs { system objectType externalId } } }`, {}, sales)).toEqual({
        data: { opportunity: { externalRefs: [{ system: 'salesforce', objectType: 'Opportunity', externalId: sfId }] } },
      });
      const moved = writesFromNow();
      expect(
        await tessera.query(
          MOVE,
          { input: { idempotencyKey: `qualify-${accountId}`, opportunityId: id, expectedVersion: 1, stage: 'QUALIFIED' } },
          sales,
        ),
      ).toEqual(
        answer('updateOpportunityStage', {
          id,
          stage: 'QUALIFIED',
          sourceStage: 'Qualification',
          aggregateVersion: 2,
          ref: salesforceRef(sfId),
        }),
      );
      expect(moved()).toEqual({ hubspot: [], salesforce: ['update Opportunity'] });
    }
  });

  it('refuses a caller without crm:write before either CRM is asked', async () => {
    const reader = await tessera.token(READER);
    const [h, s] = [hubspot.requests.length, org.standIn.calls.length];
    const refused = await post(
      MOVE,
      { idempotencyKey: 'move-reader', opportunityId: HS_DEAL.id, expectedVersion: 2, stage: 'PROPOSAL' },
      reader,
    );
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'Not authorized to read Mutation.updateOpportunityStage (requires scope crm:write).',
            path: ['updateOpportunityStage'],
            extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.updateOpportunityStage', reason: 'requires scope crm:write' },
          },
        ],
        data: null,
      },
    });
    expect([hubspot.requests.length, org.standIn.calls.length]).toEqual([h, s]);
  });

  it('refuses a Salesforce deal’s move while Salesforce is out, writing nothing anywhere; the same key succeeds once it is back', async () => {
    const sales = await tessera.token(SALES);
    const input = { idempotencyKey: 'move-sf-outage', opportunityId: SF_DEAL.id, expectedVersion: 2, stage: 'PROPOSAL' };
    const writes = writesFromNow();
    org.standIn.down = true;
    try {
      const refused = await post(MOVE, input, sales);
      expect({ status: refused.status, body: refused.body }).toEqual(unavailable('updateOpportunityStage', '(Salesforce) did not answer'));
    } finally {
      org.standIn.down = false;
    }
    expect(writes()).toEqual(NO_WRITES);
    expect(sfRecord('Opportunity', SF_DEAL.id)).toMatchObject({ StageName: 'Negotiation/Review', Tessera_Version__c: 2 });
    expect(await tessera.query(MOVE, { input }, sales)).toEqual(
      answer('updateOpportunityStage', {
        id: SF_DEAL.id,
        stage: 'PROPOSAL',
        sourceStage: 'Proposal/Price Quote',
        aggregateVersion: 3,
        ref: salesforceRef(SF_DEAL.salesforceId),
      }),
    );
    expect(writes()).toEqual({ hubspot: [], salesforce: ['update Opportunity'] });
  });

  it('wins the HubSpot deal (refused while HubSpot is out, then with the same key) and runs it to a project for the canonical account', async () => {
    const [sales, director, ops] = await Promise.all([tessera.token(SALES), tessera.token(DIRECTOR), tessera.token(OPS)]);
    const input = { idempotencyKey: 'win-hs', opportunityId: HS_DEAL.id, expectedVersion: 2 };
    const outage = writesFromNow();
    hubspot.faults.down = true;
    try {
      const refused = await post(WIN, input, sales);
      expect({ status: refused.status, body: refused.body }).toEqual(
        unavailable('closeWinOpportunity', '(HubSpot) did not answer (unavailable)'),
      );
    } finally {
      hubspot.faults.down = false;
    }
    expect(outage()).toEqual(NO_WRITES);
    expect(deal(HS_DEAL.id)).toMatchObject({ dealstage: '1187265', tessera_version: '2' });

    const writes = writesFromNow();
    expect(await tessera.query(WIN, { input }, sales)).toEqual(
      answer('closeWinOpportunity', {
        id: HS_DEAL.id,
        stage: 'CLOSED_WON',
        sourceStage: '1187266',
        aggregateVersion: 3,
        ref: hubspotRef(HS_DEAL.hubspotId),
      }),
    );
    expect(writes()).toEqual({ hubspot: [`PATCH /crm/v3/objects/deals/${HS_DEAL.hubspotId}`], salesforce: [] });

    // The saga drafts the contract where the deal is: a HubSpot contract under the HubSpot company.
    await tessera.tessera.drain();
    const waiting = await processOf(tessera, HS_DEAL.id, ops);
    expect(waiting).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });
    const contractId = linkOf(waiting, 'Contract');
    expect(hubspot.portal.find('p_tessera_contracts', 'tessera_id', contractId)?.properties).toMatchObject({
      status: 'IN_APPROVAL',
      opportunity_id: HS_DEAL.id,
      account_id: ACME_HS,
    });
    expect(sfRecord('Contract', contractId)).toBeNull();

    await approveAndSign(tessera, contractId, { director, sales });
    const done = await processOf(tessera, HS_DEAL.id, ops);
    expect(done.status).toBe('COMPLETED');
    const projectId = linkOf(done, 'Project');
    expect(
      await tessera.query(
        'query ($id: ID!) { project(id: $id) { status customer { id name } contract { id status account { id } } } }',
        { id: projectId },
        ops,
      ),
    ).toEqual({
      data: {
        project: {
          status: 'ACTIVE',
          customer: { id: ACME_SF, name: 'Acme Corp' },
          contract: { id: contractId, status: 'ACTIVE', account: { id: ACME_SF } },
        },
      },
    });
    expect(writes().salesforce).toEqual([]);
  });
});
