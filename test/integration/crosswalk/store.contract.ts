/**
 * The crosswalk's store (docs/crosswalk.md#merge-and-unmerge), the same suite on SQLite and
 * PostgreSQL: versions move with every merge and unmerge, and of concurrent writes from one version
 * (merges into one survivor, merges of one duplicate into two survivors, two unmerges) exactly one
 * commits and the others are VERSION_CONFLICT, whatever the interleaving. Reads are scoped by the
 * survivor's account.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scopeAllowing } from '../../../policies/recordScope.ts';
import { CapabilityRejected } from '../../../systems/kernel/capability/rejection.ts';
import { closeDatabase, openDatabase } from '../../../systems/kernel/database.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import { createCrosswalkReads, createCrosswalkWrites, type NewMerge } from '../../../systems/integration/crosswalk/store.ts';
import { CROSSWALK_SINCE, crosswalkTables, type CrosswalkTables } from '../../../systems/integration/crosswalk/tables.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';

const ALL = scopeAllowing({ legalEntity: null, account: null });

const merge = (id: string, survivor: string, duplicate: string): NewMerge => ({
  id,
  entity_type: 'ACCOUNT',
  survivor_id: survivor,
  survivor_system: 'salesforce',
  survivor_external_id: `sf-${survivor}`,
  survivor_object_type: 'Account',
  duplicate_id: duplicate,
  duplicate_system: 'hubspot',
  duplicate_external_id: `hs-${duplicate}`,
  duplicate_object_type: 'company',
  account_id: survivor,
  duplicate_account_id: null,
  legal_entity_id: null,
  score: 90,
  reason: null,
  survivorship: '{}',
  merged_by: 'steward',
  merged_at: '2026-03-01T00:00:00.000Z',
});

/** The outcome of a write: 'ok', or the rejection's code. */
async function outcome(write: Promise<unknown>): Promise<string> {
  try {
    await write;
    return 'ok';
  } catch (error) {
    if (error instanceof CapabilityRejected) return error.rejection.code;
    throw error;
  }
}

export function crosswalkStoreSuite(makeStore: () => Promise<TempStore>): void {
  let temp: TempStore;
  let db: Kysely<CrosswalkTables>;
  beforeAll(async () => {
    temp = await makeStore();
    db = await openDatabase<CrosswalkTables>({ store: temp.store, name: 'integration' });
    await createTablesMigration(crosswalkTables, CROSSWALK_SINCE).up(db as Kysely<unknown>);
  });
  afterAll(async () => {
    await closeDatabase(db as Kysely<unknown>);
    await temp.remove();
  });

  const inTransaction = <T>(write: (writes: ReturnType<typeof createCrosswalkWrites>) => Promise<T>) =>
    db.transaction().execute((trx) => write(createCrosswalkWrites(trx)));
  const versionOf = async (id: string) => (await createCrosswalkReads(db, ALL).versions([id])).get(id);

  it('lets one of two merges into one survivor from one version commit, the other VERSION_CONFLICT', async () => {
    const outcomes = await Promise.all([
      outcome(inTransaction((w) => w.merge(merge('xwm_a1', 'acc_a', 'acc_a_hs1'), 1))),
      outcome(inTransaction((w) => w.merge(merge('xwm_a2', 'acc_a', 'acc_a_hs2'), 1))),
    ]);
    expect(outcomes.sort()).toEqual(['VERSION_CONFLICT', 'ok']);
    expect(await versionOf('acc_a')).toBe(2);
    expect((await createCrosswalkReads(db, ALL).activeMergesBySurvivorIds(['acc_a'])).length).toBe(1);
  });

  it('keeps a duplicate in one survivor when two merge it at once', async () => {
    const outcomes = await Promise.all([
      outcome(inTransaction((w) => w.merge(merge('xwm_b1', 'acc_b1', 'acc_b_hs'), 1))),
      outcome(inTransaction((w) => w.merge(merge('xwm_b2', 'acc_b2', 'acc_b_hs'), 1))),
    ]);
    expect(outcomes.sort()).toEqual(['VERSION_CONFLICT', 'ok']);
    const active = await createCrosswalkReads(db, ALL).activeMergesOf('ACCOUNT', ['acc_b_hs']);
    expect(active.map((row) => row.duplicate_id)).toEqual(['acc_b_hs']);
  });

  it('unmerges once from one version, moves the survivor on, and frees the duplicate for another merge', async () => {
    const row = await inTransaction((w) => w.merge(merge('xwm_c', 'acc_c', 'acc_c_hs'), 1));
    const closure = { by: 'steward', at: '2026-03-02T00:00:00.000Z', reason: 'not the same' };
    const outcomes = await Promise.all([
      outcome(inTransaction((w) => w.unmerge(row, 1, closure))),
      outcome(inTransaction((w) => w.unmerge(row, 1, closure))),
    ]);
    expect(outcomes.sort()).toEqual(['VERSION_CONFLICT', 'ok']);
    const [stored] = await createCrosswalkReads(db, ALL).mergesByIds(['xwm_c']);
    expect(stored).toMatchObject({
      status: 'UNMERGED',
      active_key: 'xwm_c',
      unmerged_by: 'steward',
      unmerge_reason: 'not the same',
      aggregate_version: 2,
    });
    expect(await versionOf('acc_c')).toBe(3);
    expect(await outcome(inTransaction((w) => w.merge(merge('xwm_c2', 'acc_c', 'acc_c_hs'), 3)))).toBe('ok');
  });

  it('reads a merge only within the survivor account’s scope', async () => {
    const partner = scopeAllowing({ legalEntity: null, account: ['acc_c'] });
    const page = await createCrosswalkReads(db, partner).mergesPage({}, { first: 50, afterId: null });
    expect([page.total, page.rows.map((row) => row.id)]).toEqual([2, ['xwm_c', 'xwm_c2']]);
    expect(await createCrosswalkReads(db, partner).mergesByIds(['xwm_a1', 'xwm_a2', 'xwm_b1', 'xwm_b2'])).toEqual([]);
  });

  it('reads an account merge whatever legal entities the scope allows (an account has none), a deal merge only in its own', async () => {
    const deal: NewMerge = {
      ...merge('xwm_d', 'opp_d', 'opp_d_hs'),
      entity_type: 'OPPORTUNITY',
      account_id: 'acc_c',
      duplicate_account_id: 'acc_c_hs',
      legal_entity_id: 'le_US01',
    };
    expect(await outcome(inTransaction((w) => w.merge(deal, 1)))).toBe('ok');
    const ids = async (legalEntity: string[]) =>
      (
        await createCrosswalkReads(db, scopeAllowing({ legalEntity, account: ['acc_c'] })).mergesPage({}, { first: 50, afterId: null })
      ).rows.map((row) => row.id);
    expect(await ids(['le_UK01'])).toEqual(['xwm_c', 'xwm_c2']);
    expect(await ids(['le_US01'])).toEqual(['xwm_c', 'xwm_c2', 'xwm_d']);
  });
}
