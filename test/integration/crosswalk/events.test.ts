/**
 * The crosswalk's domain events (docs/crosswalk.md#events) on the demo data, through the gateway:
 * each merge and unmerge writes exactly one event to the integration system's outbox, with its
 * whole payload, at the survivor's new crosswalk version; a replay, an ALREADY_IN_STATE merge and
 * every refused call write none; the relay publishes them as the integration system's.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import type { CapabilityTables, OutboxEventRow } from '../../../systems/kernel/capability/tables.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { ACME_HS, ACME_RULES, ACME_SF, HS_REF, SF_REF } from './acmeFixture.ts';

const STEWARD: PrincipalClaims = { sub: 'sam.steward', scope: 'crm:read erp:read crosswalk:read crosswalk:write', legal_entities: '*' };
const MERGE_ACCOUNTS = `mutation ($input: MergeAccountsInput!) {
  mergeAccounts(input: $input) { merge { id } userErrors { code } warnings { code } replayed } }`;
const MERGE_DEALS = `mutation ($input: MergeOpportunitiesInput!) {
  mergeOpportunities(input: $input) { merge { id survivorRef { system objectType externalId } duplicateRef { system objectType externalId } } userErrors { code } } }`;
const UNMERGE = `mutation ($input: UnmergeRecordsInput!) { unmergeRecords(input: $input) { merge { id status } userErrors { code } warnings { code } replayed } }`;

type Ref = { system: string; objectType: string; externalId: string };

describe('the crosswalk’s domain events', () => {
  let tessera: TestTessera;
  let steward: string;
  let outbox: Kysely<CapabilityTables>;
  let accountMergeId: string;

  beforeAll(async () => {
    tessera = await startTestTessera();
    steward = await tessera.token(STEWARD);
    outbox = tessera.tessera.systems.integration!.db as unknown as Kysely<CapabilityTables>;
  }, 120_000);
  afterAll(() => tessera?.stop());

  const events = async () =>
    (await outbox.selectFrom('outbox_events').selectAll().orderBy('occurred_at').orderBy('aggregate_version').execute()).map(
      (row: OutboxEventRow) => ({
        type: row.type,
        aggregate: `${row.aggregate_type}:${row.aggregate_id}@${row.aggregate_version}`,
        legalEntityId: row.legal_entity_id,
        payload: JSON.parse(row.payload_json) as unknown,
      }),
    );
  const mergeAccounts = (key: string, input: Record<string, unknown>) =>
    tessera.query(MERGE_ACCOUNTS, { input: { idempotencyKey: key, ...input } }, steward);

  const ACME_INPUT = {
    survivorId: ACME_SF,
    duplicateId: ACME_HS,
    expectedVersion: 1,
    survivorship: [{ field: 'WEBSITE', winner: 'hubspot' }],
    reason: 'Same customer after the acquisition',
  };
  const accountsMerged = (mergeId: string) => ({
    type: 'AccountsMerged',
    aggregate: `Crosswalk:${ACME_SF}@2`,
    legalEntityId: null,
    payload: {
      mergeId,
      entityType: 'ACCOUNT',
      survivorId: ACME_SF,
      duplicateId: ACME_HS,
      accountId: ACME_SF,
      survivorRef: SF_REF,
      duplicateRef: HS_REF,
      survivorship: ACME_RULES,
      // The same tax id, web domain and name.
      score: 100,
      reason: 'Same customer after the acquisition',
      mergedBy: 'sam.steward',
      mergedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    },
  });

  it('writes one AccountsMerged with the merge’s whole payload, and nothing more on a replay or the same pair again', async () => {
    expect(await events()).toEqual([]);
    const first = await mergeAccounts('merge-acme', ACME_INPUT);
    accountMergeId = (first.data as { mergeAccounts: { merge: { id: string } } }).mergeAccounts.merge.id;
    expect(first).toEqual({ data: { mergeAccounts: { merge: { id: accountMergeId }, userErrors: [], warnings: [], replayed: false } } });
    expect(await events()).toEqual([accountsMerged(accountMergeId)]);

    // The retried call replays its stored answer; the same pair under a new key is ALREADY_IN_STATE: neither changes the crosswalk.
    expect(await mergeAccounts('merge-acme', ACME_INPUT)).toEqual({
      data: { mergeAccounts: { merge: { id: accountMergeId }, userErrors: [], warnings: [], replayed: true } },
    });
    expect(await mergeAccounts('merge-acme-again', { ...ACME_INPUT, expectedVersion: 2 })).toEqual({
      data: { mergeAccounts: { merge: { id: accountMergeId }, userErrors: [], warnings: [{ code: 'ALREADY_IN_STATE' }], replayed: false } },
    });
    expect(await events()).toEqual([accountsMerged(accountMergeId)]);
  });

  it('writes nothing for a refused merge: a stale version, two records of one CRM, an open deal', async () => {
    expect(await mergeAccounts('merge-stale', { survivorId: ACME_SF, duplicateId: 'acc_00048', expectedVersion: 1 })).toEqual({
      data: { mergeAccounts: { merge: null, userErrors: [{ code: 'VERSION_CONFLICT' }], warnings: [], replayed: false } },
    });
    expect(await mergeAccounts('merge-same-crm', { survivorId: 'acc_00035', duplicateId: 'acc_00037', expectedVersion: 1 })).toEqual({
      data: { mergeAccounts: { merge: null, userErrors: [{ code: 'PRECONDITION_FAILED' }], warnings: [], replayed: false } },
    });
    expect(
      await tessera.query(
        MERGE_DEALS,
        { input: { idempotencyKey: 'merge-open', survivorId: 'opp_00013', duplicateId: 'opp_00014', expectedVersion: 1 } },
        steward,
      ),
    ).toEqual({ data: { mergeOpportunities: { merge: null, userErrors: [{ code: 'OPEN_OPPORTUNITY_NOT_MERGED' }] } } });
    expect(await events()).toEqual([accountsMerged(accountMergeId)]);
  });

  it('writes OpportunitiesMerged and RecordsUnmerged at the survivor deal’s crosswalk versions, with the deal’s legal entity', async () => {
    const deal = await tessera.query('{ opportunity(id: "opp_00013") { legalEntity { id } } }', {}, steward);
    const legalEntityId = (deal.data as { opportunity: { legalEntity: { id: string } } }).opportunity.legalEntity.id;
    const merged = await tessera.query(
      MERGE_DEALS,
      { input: { idempotencyKey: 'merge-deal', survivorId: 'opp_00013', duplicateId: 'opp_00025', expectedVersion: 1 } },
      steward,
    );
    const {
      id: mergeId,
      survivorRef,
      duplicateRef,
    } = (merged.data as { mergeOpportunities: { merge: { id: string; survivorRef: Ref; duplicateRef: Ref } } }).mergeOpportunities.merge;
    expect([survivorRef.system, duplicateRef.system]).toEqual(['salesforce', 'hubspot']);
    const unmerged = await tessera.query(
      UNMERGE,
      { input: { idempotencyKey: 'unmerge-deal', mergeId, expectedVersion: 1, reason: 'Two deals after all' } },
      steward,
    );
    expect(unmerged).toEqual({
      data: { unmergeRecords: { merge: { id: mergeId, status: 'UNMERGED' }, userErrors: [], warnings: [], replayed: false } },
    });
    // Unmerged again: a warning, no event.
    expect(await tessera.query(UNMERGE, { input: { idempotencyKey: 'unmerge-deal-2', mergeId, expectedVersion: 2 } }, steward)).toEqual({
      data: {
        unmergeRecords: {
          merge: { id: mergeId, status: 'UNMERGED' },
          userErrors: [],
          warnings: [{ code: 'ALREADY_IN_STATE' }],
          replayed: false,
        },
      },
    });
    const link = {
      mergeId,
      entityType: 'OPPORTUNITY',
      survivorId: 'opp_00013',
      duplicateId: 'opp_00025',
      accountId: ACME_SF,
      survivorRef,
      duplicateRef,
      survivorship: [],
    };
    const at = expect.stringMatching(/Z$/);
    expect(await events()).toEqual([
      accountsMerged(accountMergeId),
      {
        type: 'OpportunitiesMerged',
        aggregate: 'Crosswalk:opp_00013@2',
        legalEntityId,
        payload: { ...link, score: null, reason: null, mergedBy: 'sam.steward', mergedAt: at },
      },
      {
        type: 'RecordsUnmerged',
        aggregate: 'Crosswalk:opp_00013@3',
        legalEntityId,
        payload: { ...link, reason: 'Two deals after all', unmergedBy: 'sam.steward', unmergedAt: at },
      },
    ]);
  });

  it('is relayed as the integration system’s events, each once', async () => {
    await tessera.tessera.drain();
    const rows = await outbox.selectFrom('outbox_events').select(['type', 'published_at']).orderBy('occurred_at').execute();
    expect(rows.map((row) => [row.type, row.published_at !== null])).toEqual([
      ['AccountsMerged', true],
      ['OpportunitiesMerged', true],
      ['RecordsUnmerged', true],
    ]);
  });
});
