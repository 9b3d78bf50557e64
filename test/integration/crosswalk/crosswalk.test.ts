/**
 * The crosswalk through the gateway on the demo data (docs/crosswalk.md), with whole envelopes: the
 * post-merger duplicates as match candidates, a merge with its survivorship rules, externalRefs and
 * audit entries, an idempotent replay, a stale version and two concurrent merges (VERSION_CONFLICT),
 * the refusal to absorb an open deal (OPEN_OPPORTUNITY_NOT_MERGED), an unmerge and its audit, and
 * what a partner sees of it all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { ACME_HS, ACME_RULES, ACME_SF, HS_REF, SF_REF } from './acmeFixture.ts';

const STEWARD: PrincipalClaims = { sub: 'sam.steward', scope: 'crm:read crosswalk:read crosswalk:write audit:read', legal_entities: '*' };

const MERGE_FIELDS = `id entityType survivorId survivorRef { system objectType externalId } duplicateId duplicateRef { system objectType externalId }
  status score reason survivorship { field winner } mergedBy unmergedBy unmergeReason aggregateVersion`;
const MERGE = `mutation Merge($input: MergeAccountsInput!) {
  mergeAccounts(input: $input) { merge { ${MERGE_FIELDS} } userErrors { code message field } warnings { code message } replayed }
}`;
const UNMERGE = `mutation Unmerge($input: UnmergeRecordsInput!) {
  unmergeRecords(input: $input) { merge { ${MERGE_FIELDS} } userErrors { code message field } warnings { code message } replayed }
}`;
const REFS = `query Refs($id: ID!) { account(id: $id) { id externalRefs { system objectType externalId } crosswalkVersion } }`;

describe('the crosswalk through the gateway', () => {
  let tessera: TestTessera;
  let steward: string;
  let mergeId: string;
  let dealMergeId: string;

  beforeAll(async () => {
    tessera = await startTestTessera();
    steward = await tessera.token(STEWARD);
  }, 120_000);
  afterAll(() => tessera?.stop());

  const merge = (key: string, input: Record<string, unknown>, token = steward) =>
    tessera.query(MERGE, { input: { idempotencyKey: key, ...input } }, token);

  it('lists the post-merger duplicates as candidates, best score first, with their reasons', async () => {
    const body = await tessera.query(
      '{ crosswalkCandidates(minScore: 50) { survivor { id name } duplicate { id name } score reasons } }',
      {},
      steward,
    );
    expect(body).toEqual({
      data: {
        crosswalkCandidates: [
          {
            survivor: { id: ACME_SF, name: 'Acme Corp' },
            duplicate: { id: ACME_HS, name: 'ACME Corporation Inc.' },
            // The same EIN, typed 83-1391666 in Salesforce and 831391666 in HubSpot.
            score: 100,
            reasons: ['SAME_TAX_ID', 'SAME_DOMAIN', 'SAME_NAME'],
          },
          {
            survivor: { id: 'acc_00035', name: 'Silverline Education Munich' },
            duplicate: { id: 'acc_00047', name: 'SILVERLINE EDUCATION MUNICH' },
            score: 90,
            reasons: ['SAME_DOMAIN', 'SAME_NAME'],
          },
          {
            survivor: { id: 'acc_00037', name: 'Hawthorn Chemicals AG' },
            duplicate: { id: 'acc_00048', name: 'Hawthorn Chemicals GmbH' },
            score: 90,
            reasons: ['SAME_DOMAIN', 'SAME_NAME'],
          },
          // The same name once "Holdings" is set aside, on another domain: a candidate for a person to judge.
          {
            survivor: { id: 'acc_00024', name: 'Ivory Education' },
            duplicate: { id: 'acc_00052', name: 'Ivory Education Holdings' },
            score: 50,
            reasons: ['SAME_NAME'],
          },
        ],
      },
    });
  });

  it('merges the HubSpot company into the Salesforce account, answers its references, replays the same call, audits it', async () => {
    const input = {
      survivorId: ACME_SF,
      duplicateId: ACME_HS,
      expectedVersion: 1,
      survivorship: [{ field: 'WEBSITE', winner: 'hubspot' }],
      reason: 'Same customer after the acquisition',
    };
    const first = await merge('merge-acme', input);
    const expected = {
      entityType: 'ACCOUNT',
      survivorId: ACME_SF,
      survivorRef: SF_REF,
      duplicateId: ACME_HS,
      duplicateRef: HS_REF,
      status: 'MERGED',
      score: 100,
      reason: 'Same customer after the acquisition',
      survivorship: ACME_RULES,
      mergedBy: 'sam.steward',
      unmergedBy: null,
      unmergeReason: null,
      aggregateVersion: 1,
    };
    const payload = (first.data as { mergeAccounts: { merge: { id: string } } }).mergeAccounts;
    mergeId = payload.merge.id;
    expect(mergeId).toMatch(/^xwm_[0-9a-f]{20}$/);
    expect(first).toEqual({
      data: { mergeAccounts: { merge: { id: mergeId, ...expected }, userErrors: [], warnings: [], replayed: false } },
    });

    expect(await tessera.query(REFS, { id: ACME_SF }, steward)).toEqual({
      data: { account: { id: ACME_SF, externalRefs: [SF_REF, HS_REF], crosswalkVersion: 2 } },
    });
    expect(await tessera.query(REFS, { id: ACME_HS }, steward)).toEqual({
      data: { account: { id: ACME_HS, externalRefs: [HS_REF], crosswalkVersion: 1 } },
    });

    // The same key: the stored answer, not a second merge.
    expect(await merge('merge-acme', input)).toEqual({
      data: { mergeAccounts: { merge: { id: mergeId, ...expected }, userErrors: [], warnings: [], replayed: true } },
    });
    // Another duplicate at the version read before the merge: stale.
    expect(await merge('merge-acme-stale', { survivorId: ACME_SF, duplicateId: 'acc_00048', expectedVersion: 1 })).toEqual({
      data: {
        mergeAccounts: {
          merge: null,
          userErrors: [
            {
              code: 'VERSION_CONFLICT',
              message: 'The crosswalk of "acc_00001" is at version 2, not 1: it changed since you read it. Read it again, then decide.',
              field: 'expectedVersion',
            },
          ],
          warnings: [],
          replayed: false,
        },
      },
    });
    // The same pair again: a warning with the merge in force.
    expect(await merge('merge-acme-again', { ...input, expectedVersion: 2 })).toEqual({
      data: {
        mergeAccounts: {
          merge: { id: mergeId, ...expected },
          userErrors: [],
          warnings: [{ code: 'ALREADY_IN_STATE', message: `${ACME_HS} is already merged into ${ACME_SF} (${mergeId}).` }],
          replayed: false,
        },
      },
    });

    const audit = await tessera.query(
      '{ integrationAuditLog(filter: { capability: "integration.mergeAccounts" }) { nodes { capability version principal idempotencyKey outcome errorCode } } }',
      {},
      steward,
    );
    const entry = (idempotencyKey: string, outcome: string, errorCode: string | null = null) => ({
      capability: 'integration.mergeAccounts',
      version: 1,
      principal: 'sam.steward',
      idempotencyKey,
      outcome,
      errorCode,
    });
    expect(audit).toEqual({
      data: {
        integrationAuditLog: {
          nodes: [
            entry('merge-acme', 'SUCCEEDED'),
            entry('merge-acme', 'REPLAYED'),
            entry('merge-acme-stale', 'REJECTED', 'VERSION_CONFLICT'),
            entry('merge-acme-again', 'SUCCEEDED'),
          ],
        },
      },
    });
  });

  it('never absorbs an open deal: the two Acme deals at PROPOSAL are refused OPEN_OPPORTUNITY_NOT_MERGED', async () => {
    const body = await tessera.query(
      `mutation { mergeOpportunities(input: { idempotencyKey: "merge-open-deals", survivorId: "opp_00013", duplicateId: "opp_00014", expectedVersion: 1 }) {
        merge { id } userErrors { code message field } warnings { code } replayed } }`,
      {},
      steward,
    );
    expect(body).toEqual({
      data: {
        mergeOpportunities: {
          merge: null,
          userErrors: [
            {
              code: 'OPEN_OPPORTUNITY_NOT_MERGED',
              message:
                'opp_00013 and opp_00014 are both open: open opportunities are never merged. Keep both under the account, or close one in its CRM first.',
              field: 'duplicateId',
            },
          ],
          warnings: [],
          replayed: false,
        },
      },
    });
  });

  it('merges the closed HubSpot deal into the open Salesforce one of the merged account, and lists both references', async () => {
    const refsOf = async (id: string) =>
      (
        (await tessera.query(`{ opportunity(id: "${id}") { externalRefs { system objectType externalId } } }`, {}, steward)).data as {
          opportunity: { externalRefs: { system: string; objectType: string; externalId: string }[] };
        }
      ).opportunity.externalRefs;
    const [sfDeal] = await refsOf('opp_00013');
    const [hsDeal] = await refsOf('opp_00025');
    expect([sfDeal?.objectType, hsDeal?.objectType]).toEqual(['Opportunity', 'deal']);
    const body = await tessera.query(
      `mutation { mergeOpportunities(input: { idempotencyKey: "merge-closed-deal", survivorId: "opp_00013", duplicateId: "opp_00025", expectedVersion: 1 }) {
        merge { ${MERGE_FIELDS} } userErrors { code message field } warnings { code } replayed } }`,
      {},
      steward,
    );
    const dealMerge = (body.data as { mergeOpportunities: { merge: { id: string } } }).mergeOpportunities.merge;
    dealMergeId = dealMerge.id;
    expect(body).toEqual({
      data: {
        mergeOpportunities: {
          merge: {
            id: dealMergeId,
            entityType: 'OPPORTUNITY',
            survivorId: 'opp_00013',
            survivorRef: sfDeal,
            duplicateId: 'opp_00025',
            duplicateRef: hsDeal,
            status: 'MERGED',
            score: null,
            reason: null,
            survivorship: [],
            mergedBy: 'sam.steward',
            unmergedBy: null,
            unmergeReason: null,
            aggregateVersion: 1,
          },
          userErrors: [],
          warnings: [],
          replayed: false,
        },
      },
    });
    expect(await refsOf('opp_00013')).toEqual([sfDeal, hsDeal]);
  });

  it('lets one of two concurrent merges into one survivor through, the other VERSION_CONFLICT', async () => {
    const answers = await Promise.all(
      ['acc_00047', 'acc_00048'].map((duplicateId, i) => merge(`race-${i}`, { survivorId: 'acc_00035', duplicateId, expectedVersion: 1 })),
    );
    const codes = answers.map((body) => {
      const payload = (body.data as { mergeAccounts: { merge: { status: string } | null; userErrors: { code: string }[] } }).mergeAccounts;
      return payload.merge?.status ?? payload.userErrors[0]!.code;
    });
    expect(codes.sort()).toEqual(['MERGED', 'VERSION_CONFLICT']);
    expect(await tessera.query(REFS, { id: 'acc_00035' }, steward)).toMatchObject({ data: { account: { crosswalkVersion: 2 } } });
  });

  it('unmerges the deals first, then the accounts with the merge version, keeps the merge as UNMERGED, and warns on a second unmerge', async () => {
    const input = { mergeId, expectedVersion: 1, reason: 'Two subsidiaries after all' };
    expect(await tessera.query(UNMERGE, { input: { idempotencyKey: 'unmerge-acme-early', ...input } }, steward)).toEqual({
      data: {
        unmergeRecords: {
          merge: null,
          userErrors: [
            {
              code: 'PRECONDITION_FAILED',
              message: `Deal opp_00025 of ${ACME_HS} is merged into opp_00013 (${dealMergeId}): unmerge the deals first.`,
              field: 'mergeId',
            },
          ],
          warnings: [],
          replayed: false,
        },
      },
    });
    const deals = await tessera.query(
      UNMERGE,
      { input: { idempotencyKey: 'unmerge-deals', mergeId: dealMergeId, expectedVersion: 1 } },
      steward,
    );
    expect(deals).toMatchObject({ data: { unmergeRecords: { merge: { status: 'UNMERGED', aggregateVersion: 2 }, userErrors: [] } } });
    const undone = {
      id: mergeId,
      entityType: 'ACCOUNT',
      survivorId: ACME_SF,
      survivorRef: SF_REF,
      duplicateId: ACME_HS,
      duplicateRef: HS_REF,
      status: 'UNMERGED',
      score: 100,
      reason: 'Same customer after the acquisition',
      survivorship: ACME_RULES,
      mergedBy: 'sam.steward',
      unmergedBy: 'sam.steward',
      unmergeReason: 'Two subsidiaries after all',
      aggregateVersion: 2,
    };
    expect(await tessera.query(UNMERGE, { input: { idempotencyKey: 'unmerge-acme', ...input } }, steward)).toEqual({
      data: { unmergeRecords: { merge: undone, userErrors: [], warnings: [], replayed: false } },
    });
    expect(await tessera.query(REFS, { id: ACME_SF }, steward)).toEqual({
      data: { account: { id: ACME_SF, externalRefs: [SF_REF], crosswalkVersion: 3 } },
    });
    expect(await tessera.query(UNMERGE, { input: { idempotencyKey: 'unmerge-acme-2', ...input } }, steward)).toEqual({
      data: {
        unmergeRecords: {
          merge: undone,
          userErrors: [],
          warnings: [{ code: 'ALREADY_IN_STATE', message: `Merge ${mergeId} is already UNMERGED.` }],
          replayed: false,
        },
      },
    });
    expect(
      await tessera.query(
        `{ crosswalkMerges(filter: { recordId: "${ACME_SF}" }) { totalCount nodes { id status unmergedBy } } }`,
        {},
        steward,
      ),
    ).toEqual({ data: { crosswalkMerges: { totalCount: 1, nodes: [{ id: mergeId, status: 'UNMERGED', unmergedBy: 'sam.steward' }] } } });
  });

  it('shows a partner only the links of its own customers, and no candidates it cannot see both sides of', async () => {
    const partner = await tessera.token({
      sub: 'pat.partner',
      scope: 'crm:read crosswalk:read',
      legal_entities: '*',
      partner_accounts: ['acc_00035'],
    });
    const other = await tessera.token({
      sub: 'oli.other',
      scope: 'crm:read crosswalk:read',
      legal_entities: '*',
      partner_accounts: [ACME_HS],
    });
    expect(await tessera.query('{ crosswalkCandidates { score } crosswalkMerges { totalCount } }', {}, partner)).toEqual({
      data: { crosswalkCandidates: [], crosswalkMerges: { totalCount: 1 } },
    });
    expect(await tessera.query('{ crosswalkMerges { totalCount } }', {}, other)).toEqual({ data: { crosswalkMerges: { totalCount: 0 } } });
    // A hidden account answers NOT_FOUND before the crosswalk is asked: its references are no oracle.
    expect(await tessera.query(REFS, { id: ACME_SF }, other)).toEqual({
      data: { account: null },
      errors: [
        { message: `Account "${ACME_SF}" was not found.`, path: ['account'], extensions: { code: 'NOT_FOUND', serviceName: 'crm' } },
      ],
    });
  });
});
