/**
 * The deployment's survivorship defaults (docs/crosswalk.md#configuration): with
 * `TESSERA_CROSSWALK_SURVIVORSHIP=NAME=hubspot,WEBSITE=salesforce`, a merge that names no winner
 * stores the configured rules, one that names some stores them over the configured ones, and the
 * match candidates put the record of the system that wins names (now HubSpot) as the survivor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCrosswalkConfig } from '../../../core/config/crosswalk.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { ACME_HS, ACME_SF } from './acmeFixture.ts';

const STEWARD = { sub: 'sam.steward', scope: 'crm:read crosswalk:read crosswalk:write', legal_entities: '*' as const };
const MERGE = `mutation ($input: MergeAccountsInput!) {
  mergeAccounts(input: $input) { merge { survivorId duplicateId survivorship { field winner } } userErrors { code message } } }`;

const configured = (overrides: Record<string, string> = {}) =>
  Object.entries({
    NAME: 'hubspot',
    WEBSITE: 'salesforce',
    INDUSTRY: 'salesforce',
    SEGMENT: 'salesforce',
    TYPE: 'survivor',
    ANNUAL_REVENUE: 'salesforce',
    EMPLOYEE_COUNT: 'salesforce',
    ...overrides,
  }).map(([field, winner]) => ({ field, winner }));

describe('survivorship defaults from TESSERA_CROSSWALK_SURVIVORSHIP', () => {
  let tessera: TestTessera;
  let steward: string;

  beforeAll(async () => {
    tessera = await startTestTessera({
      config: { crosswalk: readCrosswalkConfig({ TESSERA_CROSSWALK_SURVIVORSHIP: 'NAME=hubspot,WEBSITE=salesforce' }) },
    });
    steward = await tessera.token(STEWARD);
  }, 120_000);
  afterAll(() => tessera?.stop());

  it('proposes the HubSpot record as the survivor when HubSpot wins names', async () => {
    expect(
      await tessera.query('{ crosswalkCandidates(minScore: 90, first: 1) { survivor { id } duplicate { id } score } }', {}, steward),
    ).toEqual({
      data: { crosswalkCandidates: [{ survivor: { id: ACME_HS }, duplicate: { id: ACME_SF }, score: 100 }] },
    });
  });

  it('stores the configured rules for a merge that names no winner', async () => {
    const input = { idempotencyKey: 'merge-configured', survivorId: ACME_SF, duplicateId: ACME_HS, expectedVersion: 1 };
    expect(await tessera.query(MERGE, { input }, steward)).toEqual({
      data: { mergeAccounts: { merge: { survivorId: ACME_SF, duplicateId: ACME_HS, survivorship: configured() }, userErrors: [] } },
    });
  });

  it('stores a merge’s own choices over the configured rules', async () => {
    const input = {
      idempotencyKey: 'merge-chosen',
      survivorId: 'acc_00035',
      duplicateId: 'acc_00047',
      expectedVersion: 1,
      survivorship: [{ field: 'NAME', winner: 'survivor' }],
    };
    expect(await tessera.query(MERGE, { input }, steward)).toEqual({
      data: {
        mergeAccounts: {
          merge: { survivorId: 'acc_00035', duplicateId: 'acc_00047', survivorship: configured({ NAME: 'survivor' }) },
          userErrors: [],
        },
      },
    });
  });
});
