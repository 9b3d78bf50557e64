/**
 * The post-merger story end to end (docs/crosswalk.md#reading-both-crms, README "After an
 * acquisition"): Tessera started in process with `TESSERA_CRM_SYSTEM=both`, configured from the
 * variables an operator sets, the parent's accounts in the Salesforce stand-in and the acquired
 * firm's in the HubSpot stand-in. A data steward merges the acquired firm's HubSpot company into the
 * parent's Salesforce account through the gateway; the account then answers once, under the
 * Salesforce id, with both CRMs' references and the HubSpot deals under it; the unmerge gives them back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubSpotStandIn } from '../../harness/standIns/hubspot/server.ts';
import type { TestOrg } from '../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { ACME_HS, ACME_SF, HS_REF, SF_REF } from './acmeFixture.ts';
import { startBothCrms, STEWARD, type BothCrms } from './bothCrms.ts';

const ACCOUNT = `query ($id: ID!) { account(id: $id) { id name externalRefs { system objectType externalId } opportunities { id name } } }`;

let both: BothCrms;
let org: TestOrg;
let hubspot: HubSpotStandIn;
let tessera: TestTessera;

beforeAll(async () => {
  both = await startBothCrms('pat-na1-both');
  ({ org, hubspot, tessera } = both);
}, 120_000);
afterAll(async () => {
  await both?.stop();
});

const ACME_LIST = '{ accounts(first: 10, filter: { nameContains: "acme" }) { totalCount nodes { id name } } }';
const PARENT_DEALS = [
  { id: 'opp_00013', name: 'Acme Corp Cloud Migration' },
  { id: 'opp_00001', name: 'Acme AI Readiness Programme' },
];
const ACQUIRED_DEALS = [
  { id: 'opp_00014', name: 'ACME Corporation Cloud Migration Phase 2' },
  { id: 'opp_00025', name: 'ACME Corporation Inc. ERP Implementation' },
];

describe('after an acquisition, on both CRMs', () => {
  it('merges the HubSpot company into the Salesforce account; the account answers once with both references and both CRMs’ deals', async () => {
    const steward = await tessera.token(STEWARD);
    // Where the records live: the parent's deals in Salesforce, the acquired firm's in HubSpot.
    expect(PARENT_DEALS.map(({ id }) => org.standIn.records.findBy('Opportunity', 'Tessera_Id__c', id)?.Name)).toEqual(
      PARENT_DEALS.map(({ name }) => name),
    );
    expect(ACQUIRED_DEALS.map(({ id }) => hubspot.portal.find('deals', 'tessera_id', id)?.properties.dealname)).toEqual(
      ACQUIRED_DEALS.map(({ name }) => name),
    );
    expect(ACQUIRED_DEALS.map(({ id }) => org.standIn.records.findBy('Opportunity', 'Tessera_Id__c', id))).toEqual([null, null]);

    expect(await tessera.query(ACCOUNT, { id: ACME_SF }, steward)).toEqual({
      data: { account: { id: ACME_SF, name: 'Acme Corp', externalRefs: [SF_REF], opportunities: PARENT_DEALS } },
    });
    expect(await tessera.query(ACME_LIST, {}, steward)).toEqual({
      data: {
        accounts: {
          totalCount: 2,
          nodes: [
            { id: ACME_SF, name: 'Acme Corp' },
            { id: ACME_HS, name: 'ACME Corporation Inc.' },
          ],
        },
      },
    });

    const merged = await tessera.query(
      `mutation ($input: MergeAccountsInput!) { mergeAccounts(input: $input) { merge { id status survivorId duplicateId survivorRef { system externalId } duplicateRef { system externalId } } userErrors { code message } } }`,
      {
        input: {
          idempotencyKey: 'merge-acme-both',
          survivorId: ACME_SF,
          duplicateId: ACME_HS,
          expectedVersion: 1,
          survivorship: [{ field: 'WEBSITE', winner: 'hubspot' }],
          reason: 'Acquired customer',
        },
      },
      steward,
    );
    const mergeId = (merged.data as { mergeAccounts: { merge: { id: string } } }).mergeAccounts.merge.id;
    expect(mergeId).toMatch(/^xwm_[0-9a-f]{20}$/);
    expect(merged).toEqual({
      data: {
        mergeAccounts: {
          merge: {
            id: mergeId,
            status: 'MERGED',
            survivorId: ACME_SF,
            duplicateId: ACME_HS,
            survivorRef: { system: 'salesforce', externalId: SF_REF.externalId },
            duplicateRef: { system: 'hubspot', externalId: HS_REF.externalId },
          },
          userErrors: [],
        },
      },
    });

    // Once, under the Salesforce id, with both references and the HubSpot deals beside the Salesforce ones.
    const canonical = {
      data: {
        account: {
          id: ACME_SF,
          name: 'Acme Corp',
          externalRefs: [SF_REF, HS_REF],
          opportunities: [ACQUIRED_DEALS[0], PARENT_DEALS[0], ACQUIRED_DEALS[1], PARENT_DEALS[1]],
        },
      },
    };
    expect(await tessera.query(ACCOUNT, { id: ACME_SF }, steward)).toEqual(canonical);
    // The HubSpot company's id resolves to the merged account (a project or invoice naming it finds it).
    expect(await tessera.query(ACCOUNT, { id: ACME_HS }, steward)).toEqual(canonical);
    expect(await tessera.query(ACME_LIST, {}, steward)).toEqual({
      data: { accounts: { totalCount: 1, nodes: [{ id: ACME_SF, name: 'Acme Corp' }] } },
    });

    // The unmerge gives the HubSpot company its deals back; each CRM's records were never changed.
    const unmerged = await tessera.query(
      `mutation ($input: UnmergeRecordsInput!) { unmergeRecords(input: $input) { merge { id status } userErrors { code message } } }`,
      { input: { idempotencyKey: 'unmerge-acme-both', mergeId, expectedVersion: 1, reason: 'Not the same customer after all' } },
      steward,
    );
    expect(unmerged).toEqual({ data: { unmergeRecords: { merge: { id: mergeId, status: 'UNMERGED' }, userErrors: [] } } });
    expect(await tessera.query(ACCOUNT, { id: ACME_SF }, steward)).toEqual({
      data: { account: { id: ACME_SF, name: 'Acme Corp', externalRefs: [SF_REF], opportunities: PARENT_DEALS } },
    });
    expect(await tessera.query(ACCOUNT, { id: ACME_HS }, steward)).toEqual({
      data: { account: { id: ACME_HS, name: 'ACME Corporation Inc.', externalRefs: [HS_REF], opportunities: ACQUIRED_DEALS } },
    });
  });
});
