/**
 * One CRM out, with `TESSERA_CRM_SYSTEM=both` (docs/crosswalk.md#one-crm-out), end to end through
 * the gateway on the Salesforce and HubSpot stand-ins, after the acquired firm's HubSpot company was
 * merged into the parent's Salesforce account. While one CRM does not answer, what the other holds
 * alone still reads whole and takes capabilities; what the CRM that is out may hold a part of (the
 * merged account, under either id; an id no CRM that answered holds; a page) answers
 * DOWNSTREAM_UNAVAILABLE: never a NOT_FOUND or a short list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubSpotStandIn } from '../../harness/standIns/hubspot/server.ts';
import type { TestOrg } from '../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { SALES } from '../sagas/opportunityToProjectKit.ts';
import { ACME_HS, ACME_SF } from './acmeFixture.ts';
import { startBothCrmsAcmeMerged, type BothCrms } from './bothCrms.ts';

const READER = { sub: 'rita.reader', scope: 'crm:read', legal_entities: '*' as const };
/** A HubSpot deal at PROPOSAL under a HubSpot company merged with nothing, and a Salesforce one likewise. */
const HS_DEAL = { id: 'opp_00016', hubspotId: '9000000039', accountId: 'acc_00053' };
const SF_DEAL = { id: 'opp_00021', accountId: 'acc_00035' };

let both: BothCrms;
let org: TestOrg;
let hubspot: HubSpotStandIn;
let tessera: TestTessera;

beforeAll(async () => {
  both = await startBothCrmsAcmeMerged('pat-na1-one-out');
  ({ org, hubspot, tessera } = both);
}, 120_000);
afterAll(async () => {
  await both?.stop();
});

/** `run` while `crm` does not answer (every call 503 or refused), whatever it throws. */
async function whileOut<T>(crm: 'salesforce' | 'hubspot', run: () => Promise<T>): Promise<T> {
  const flag = crm === 'salesforce' ? org.standIn : hubspot.faults;
  flag.down = true;
  try {
    return await run();
  } finally {
    flag.down = false;
  }
}

const read = async (query: string) => {
  const answer = await tessera.request({ query }, { authorization: `Bearer ${await tessera.token(READER)}` });
  return { status: answer.status, body: answer.body };
};
/** A whole answer: HTTP 200, `data`, no error. */
const answered = (data: unknown) => ({ status: 200, body: { data } });
/** A root field refused because `crm` did not answer: HTTP 200 (another field may have data), no partial record. */
const out = (field: string, crm: 'Salesforce' | 'HubSpot') => ({
  status: 200,
  body: {
    errors: [
      {
        message: `The CRM system (${crm}) did not answer${crm === 'HubSpot' ? ' (unavailable)' : ''}. Retry the same request later.`,
        path: [field],
        extensions: { code: 'DOWNSTREAM_UNAVAILABLE', serviceName: 'crm' },
      },
    ],
    data: { [field]: null },
  },
});

const MOVE = `mutation ($input: UpdateOpportunityStageInput!) {
  updateOpportunityStage(input: $input) {
    opportunity { id stage sourceStage aggregateVersion account { id } externalRefs { system externalId } }
    userErrors { code field }
    replayed
  }
}`;
const move = async (opportunityId: string) =>
  tessera.query(
    MOVE,
    { input: { idempotencyKey: `move-${opportunityId}`, opportunityId, expectedVersion: 1, stage: 'NEGOTIATION' } },
    await tessera.token(SALES),
  );

describe('one CRM out, on both CRMs', () => {
  it('reads what HubSpot alone holds while Salesforce is out: the account with its deals, contacts and contracts, the deal with its lines', async () => {
    await whileOut('salesforce', async () => {
      expect(
        await read(`{ account(id: "${HS_DEAL.accountId}") { id name opportunities { id } contacts { id } contracts { id } } }`),
      ).toEqual(
        answered({
          account: {
            id: HS_DEAL.accountId,
            name: 'Ivory Bank Holdings',
            opportunities: [{ id: HS_DEAL.id }],
            contacts: [{ id: 'con_00131' }],
            contracts: [],
          },
        }),
      );
      const deal = await read(`{ opportunity(id: "${HS_DEAL.id}") { id stage account { id } lines { id } } }`);
      expect(deal).toMatchObject(answered({ opportunity: { id: HS_DEAL.id, stage: 'PROPOSAL', account: { id: HS_DEAL.accountId } } }));
      expect((deal.body as { data: { opportunity: { lines: unknown[] } } }).data.opportunity.lines.length).toBeGreaterThan(0);
    });
  });

  it('answers DOWNSTREAM_UNAVAILABLE, never NOT_FOUND or a short page, for what Salesforce may hold while it is out', async () => {
    await whileOut('salesforce', async () => {
      // The merged account, under the HubSpot id too: its survivor's record is in Salesforce.
      expect(await read(`{ account(id: "${ACME_SF}") { id name } }`)).toEqual(out('account', 'Salesforce'));
      expect(await read(`{ account(id: "${ACME_HS}") { id name } }`)).toEqual(out('account', 'Salesforce'));
      // An id HubSpot does not hold may be Salesforce's: not "not found".
      expect(await read(`{ opportunity(id: "opp_99999") { id } }`)).toEqual(out('opportunity', 'Salesforce'));
      expect(await read(`{ opportunity(id: "${SF_DEAL.id}") { id } }`)).toEqual(out('opportunity', 'Salesforce'));
      // A page needs both.
      expect(await read(`{ accounts(first: 2) { nodes { id } } }`)).toEqual(out('accounts', 'Salesforce'));
    });
    // Back: the same reads answer.
    expect(await read(`{ opportunity(id: "opp_99999") { id } }`)).toMatchObject({
      status: 200,
      body: { errors: [{ path: ['opportunity'], extensions: { code: 'NOT_FOUND' } }] },
    });
    expect(await read(`{ account(id: "${ACME_HS}") { id } }`)).toEqual(answered({ account: { id: ACME_SF } }));
  });

  it('moves a HubSpot deal while Salesforce is out, writing to HubSpot only', async () => {
    const [h, s] = [hubspot.requests.length, org.standIn.calls.length];
    const moved = await whileOut('salesforce', () => move(HS_DEAL.id));
    expect(moved).toEqual({
      data: {
        updateOpportunityStage: {
          opportunity: {
            id: HS_DEAL.id,
            stage: 'NEGOTIATION',
            sourceStage: '1187265',
            aggregateVersion: 2,
            account: { id: HS_DEAL.accountId },
            externalRefs: [{ system: 'hubspot', externalId: HS_DEAL.hubspotId }],
          },
          userErrors: [],
          replayed: false,
        },
      },
    });
    expect(hubspot.requests.slice(h).filter((request) => request.startsWith('PATCH '))).toEqual([
      `PATCH /crm/v3/objects/deals/${HS_DEAL.hubspotId}`,
    ]);
    expect(org.standIn.calls.slice(s).filter((call) => /^(upsert|update) /.test(call))).toEqual([]);
  });

  it('moves a Salesforce deal while HubSpot is out, and refuses the HubSpot one then', async () => {
    const [h, s] = [hubspot.requests.length, org.standIn.calls.length];
    const [moved, refused] = await whileOut('hubspot', async () => [
      await move(SF_DEAL.id),
      await read(`{ opportunity(id: "${HS_DEAL.id}") { id } }`),
    ]);
    expect(moved).toMatchObject({
      data: {
        updateOpportunityStage: {
          opportunity: {
            id: SF_DEAL.id,
            stage: 'NEGOTIATION',
            sourceStage: 'Negotiation/Review',
            aggregateVersion: 2,
            account: { id: SF_DEAL.accountId },
          },
          userErrors: [],
          replayed: false,
        },
      },
    });
    expect(refused).toEqual(out('opportunity', 'HubSpot'));
    expect(org.standIn.calls.slice(s).filter((call) => /^(upsert|update) /.test(call))).toEqual(['update Opportunity']);
    expect(hubspot.requests.slice(h).filter((request) => !/^(GET |POST \/crm\/v[34]\/.*\/(batch\/read|search)$)/.test(request))).toEqual(
      [],
    );
  });
});
