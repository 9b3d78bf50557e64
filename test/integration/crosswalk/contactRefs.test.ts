/**
 * A contact's `externalRefs` and an account's `taxId` through the gateway, on the demo data
 * (docs/crosswalk.md#canonical-ids-and-external-references): a contact answers its own reference in
 * its CRM, whether its account is merged or not (contacts are never merged), and what the caller may
 * not read is null with its error, the rest of the answer standing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { ACME_HS, ACME_SF } from './acmeFixture.ts';

const STEWARD: PrincipalClaims = { sub: 'sam.steward', scope: 'crm:read crosswalk:write', legal_entities: '*' };
const CONTACTS = `query Contacts($id: ID!) { account(id: $id) { id taxId contacts { id externalRefs { system objectType externalId } } } }`;

/** The contacts of "Acme Corp" in Salesforce and of "ACME Corporation Inc." in HubSpot, with their own references (the seed's). */
const SF_CONTACTS = [
  { id: 'con_00001', externalRefs: [{ system: 'salesforce', objectType: 'Contact', externalId: '003x6pHvPjdbBI7C4G' }] },
  { id: 'con_00002', externalRefs: [{ system: 'salesforce', objectType: 'Contact', externalId: '003D1dmEoYCNHLncNL' }] },
];
const HS_CONTACTS = [
  { id: 'con_00112', externalRefs: [{ system: 'hubspot', objectType: 'contact', externalId: '1000001110' }] },
  { id: 'con_00113', externalRefs: [{ system: 'hubspot', objectType: 'contact', externalId: '1000001125' }] },
  { id: 'con_00114', externalRefs: [{ system: 'hubspot', objectType: 'contact', externalId: '1000001131' }] },
  { id: 'con_00115', externalRefs: [{ system: 'hubspot', objectType: 'contact', externalId: '1000001148' }] },
];

describe("a contact's external references through the gateway", () => {
  let tessera: TestTessera;
  let steward: string;

  beforeAll(async () => {
    tessera = await startTestTessera();
    steward = await tessera.token(STEWARD);
  }, 120_000);
  afterAll(() => tessera?.stop());

  it('answers each contact its own reference in its CRM, and each account its tax id as that CRM holds it', async () => {
    expect(await tessera.query(CONTACTS, { id: ACME_SF }, steward)).toEqual({
      data: { account: { id: ACME_SF, taxId: '83-1391666', contacts: SF_CONTACTS } },
    });
    expect(await tessera.query(CONTACTS, { id: ACME_HS }, steward)).toEqual({
      data: { account: { id: ACME_HS, taxId: '831391666', contacts: HS_CONTACTS } },
    });
    // Reached through a deal, the primary contact answers the same.
    expect(
      await tessera.query(
        '{ opportunity(id: "opp_00013") { primaryContact { id externalRefs { system objectType externalId } } } }',
        {},
        steward,
      ),
    ).toEqual({ data: { opportunity: { primaryContact: SF_CONTACTS[0] } } });
  });

  it('keeps a contact to its own reference when its account is merged: contacts are not merged', async () => {
    const merged = await tessera.query(
      `mutation { mergeAccounts(input: { idempotencyKey: "merge-acme-contacts", survivorId: "${ACME_SF}", duplicateId: "${ACME_HS}",
        expectedVersion: 1 }) { merge { status score } userErrors { code } } }`,
      {},
      steward,
    );
    expect(merged).toEqual({ data: { mergeAccounts: { merge: { status: 'MERGED', score: 100 }, userErrors: [] } } });
    expect(await tessera.query(CONTACTS, { id: ACME_SF }, steward)).toEqual({
      data: { account: { id: ACME_SF, taxId: '83-1391666', contacts: SF_CONTACTS } },
    });
    expect(await tessera.query(CONTACTS, { id: ACME_HS }, steward)).toEqual({
      data: { account: { id: ACME_HS, taxId: '831391666', contacts: HS_CONTACTS } },
    });
  });

  it('gives a caller without crm:read no account, no tax id and no references: null with FORBIDDEN', async () => {
    const outsider = await tessera.token({ sub: 'oli.outsider', scope: 'psa:read', legal_entities: '*' });
    expect(await tessera.query(CONTACTS, { id: ACME_SF }, outsider)).toEqual({
      data: { account: null },
      errors: [
        {
          message: 'Not authorized to read Query.account (requires scope crm:read).',
          path: ['account'],
          extensions: { code: 'FORBIDDEN', coordinate: 'Query.account', reason: 'requires scope crm:read' },
        },
      ],
    });
  });
});
