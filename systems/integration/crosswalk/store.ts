/**
 * The crosswalk's reads and writes on the integration store (docs/crosswalk.md). Reads are within
 * the caller's record scope: a merge is its survivor's customer account's record (and, for a deal,
 * its legal entity's), so a hidden record's links read as none. The system lookup (`activeLinks`)
 * is the CRM's, signed as a system: it sees every link.
 */
import type { Kysely } from 'kysely';
import { rejected } from '../../kernel/capability/rejection.ts';
import { inScope, keysetPage, noKeys, type ScopedColumnNames } from '../../kernel/sqlPage.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import type { RecordScope } from '../../../policies/recordScope.ts';
import type { CrosswalkMergeRow, CrosswalkTables } from './tables.ts';

const SCOPED: ScopedColumnNames = { account: 'account_id', legalEntity: 'legal_entity_id' };

export type CrosswalkEntity = 'ACCOUNT' | 'OPPORTUNITY';

export interface MergeFilter {
  readonly entityType?: CrosswalkEntity | null;
  readonly status?: 'MERGED' | 'UNMERGED' | null;
  /** Merges whose survivor or duplicate is this record. */
  readonly recordId?: string | null;
}

export interface CrosswalkReads {
  mergesByIds(ids: readonly string[]): Promise<CrosswalkMergeRow[]>;
  /** In id order, with the filtered count. */
  mergesPage(filter: MergeFilter, page: PageRequest): Promise<Page<CrosswalkMergeRow>>;
  /** The MERGED rows whose survivor is one of `survivorIds`, by survivor then merge time. */
  activeMergesBySurvivorIds(survivorIds: readonly string[]): Promise<CrosswalkMergeRow[]>;
  /** The MERGED rows of `entityType` whose survivor or duplicate is one of `ids`. */
  activeMergesOf(entityType: CrosswalkEntity, ids: readonly string[]): Promise<CrosswalkMergeRow[]>;
  /** The MERGED deal merges of deals of `duplicateAccountId` into deals of `accountId`. */
  activeDealMergesBetween(accountId: string, duplicateAccountId: string): Promise<CrosswalkMergeRow[]>;
  /** Each record's crosswalk version (a record with no row is at 1). */
  versions(ids: readonly string[]): Promise<Map<string, number>>;
  /** Every MERGED row in id order (the CRM's lookup, as a system: docs/crosswalk.md#reading-both-crms). */
  activeMerges(): Promise<CrosswalkMergeRow[]>;
}

export function createCrosswalkReads(db: Kysely<CrosswalkTables>, scope: RecordScope): CrosswalkReads {
  // An account belongs to no legal entity (the CRM scopes accounts by account alone), so an account
  // merge is read by the account rule only; a deal merge is also its legal entity's record.
  const merges = () =>
    inScope(db.selectFrom('crosswalk_merges'), scope, { account: SCOPED.account }).where((eb) =>
      eb.or([
        eb('entity_type', '=', 'ACCOUNT'),
        eb('id', 'in', inScope(db.selectFrom('crosswalk_merges').select('id'), scope, { legalEntity: SCOPED.legalEntity })),
      ]),
    );
  return {
    async mergesByIds(ids) {
      if (noKeys(ids)) return [];
      return merges().selectAll().where('id', 'in', ids).orderBy('id').execute();
    },
    async mergesPage(filter, page) {
      let base = merges();
      if (filter.entityType) base = base.where('entity_type', '=', filter.entityType);
      if (filter.status) base = base.where('status', '=', filter.status);
      if (filter.recordId) {
        const id = filter.recordId;
        base = base.where((eb) => eb.or([eb('survivor_id', '=', id), eb('duplicate_id', '=', id)]));
      }
      return keysetPage(base, page);
    },
    async activeMergesBySurvivorIds(survivorIds) {
      if (noKeys(survivorIds)) return [];
      return merges()
        .selectAll()
        .where('status', '=', 'MERGED')
        .where('survivor_id', 'in', survivorIds)
        .orderBy('survivor_id')
        .orderBy('merged_at')
        .orderBy('id')
        .execute();
    },
    async activeMergesOf(entityType, ids) {
      if (noKeys(ids)) return [];
      return merges()
        .selectAll()
        .where('status', '=', 'MERGED')
        .where('entity_type', '=', entityType)
        .where((eb) => eb.or([eb('survivor_id', 'in', ids), eb('duplicate_id', 'in', ids)]))
        .orderBy('id')
        .execute();
    },
    activeDealMergesBetween: (accountId, duplicateAccountId) =>
      merges()
        .selectAll()
        .where('status', '=', 'MERGED')
        .where('entity_type', '=', 'OPPORTUNITY')
        .where('account_id', '=', accountId)
        .where('duplicate_account_id', '=', duplicateAccountId)
        .orderBy('id')
        .execute(),
    async versions(ids) {
      const out = new Map(ids.map((id) => [id, 1]));
      if (noKeys(ids)) return out;
      for (const row of await db.selectFrom('crosswalk_identities').select(['id', 'aggregate_version']).where('id', 'in', ids).execute())
        out.set(row.id, row.aggregate_version);
      return out;
    },
    activeMerges: () => merges().selectAll().where('status', '=', 'MERGED').orderBy('id').execute(),
  };
}

/** A new merge as the capability decided it. */
export type NewMerge = Omit<
  CrosswalkMergeRow,
  'status' | 'active_key' | 'unmerged_by' | 'unmerged_at' | 'unmerge_reason' | 'aggregate_version'
>;

export interface CrosswalkWrites {
  /**
   * Records the merge and moves the survivor's crosswalk version from `expectedVersion`; a survivor
   * that moved meanwhile, or a duplicate another merge absorbed meanwhile, is VERSION_CONFLICT.
   */
  merge(merge: NewMerge, expectedVersion: number): Promise<CrosswalkMergeRow>;
  /** Closes a MERGED row at `expectedVersion` (VERSION_CONFLICT otherwise) and moves its survivor's version. */
  unmerge(
    merge: CrosswalkMergeRow,
    expectedVersion: number,
    closure: { readonly by: string; readonly at: string; readonly reason: string | null },
  ): Promise<CrosswalkMergeRow>;
}

export function createCrosswalkWrites(trx: Kysely<CrosswalkTables>): CrosswalkWrites {
  const conflict = (what: string) =>
    rejected('VERSION_CONFLICT', `${what} changed while this call ran. Read it again, then decide.`, 'expectedVersion');

  /** Moves a record's crosswalk version from `expected` (1: the record has no row yet). */
  async function bump(id: string, entityType: CrosswalkEntity, expected: number, at: string): Promise<void> {
    if (expected === 1) {
      const inserted = await trx
        .insertInto('crosswalk_identities')
        .values({ id, entity_type: entityType, aggregate_version: 2, updated_at: at })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return;
    } else {
      const updated = await trx
        .updateTable('crosswalk_identities')
        .set({ aggregate_version: expected + 1, updated_at: at })
        .where('id', '=', id)
        .where('aggregate_version', '=', expected)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return;
    }
    throw conflict(`The crosswalk of ${JSON.stringify(id)}`);
  }

  return {
    async merge(merge, expectedVersion) {
      await bump(merge.survivor_id, merge.entity_type as CrosswalkEntity, expectedVersion, merge.merged_at);
      const row: CrosswalkMergeRow = {
        ...merge,
        status: 'MERGED',
        active_key: `${merge.entity_type}|${merge.duplicate_id}`,
        unmerged_by: null,
        unmerged_at: null,
        unmerge_reason: null,
        aggregate_version: 1,
      };
      const inserted = await trx
        .insertInto('crosswalk_merges')
        .values(row)
        .onConflict((oc) => oc.column('active_key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw conflict(`The crosswalk of ${JSON.stringify(merge.duplicate_id)}`);
      return row;
    },
    async unmerge(merge, expectedVersion, closure) {
      const updated = await trx
        .updateTable('crosswalk_merges')
        .set({
          status: 'UNMERGED',
          active_key: merge.id,
          unmerged_by: closure.by,
          unmerged_at: closure.at,
          unmerge_reason: closure.reason,
          aggregate_version: expectedVersion + 1,
        })
        .where('id', '=', merge.id)
        .where('status', '=', 'MERGED')
        .where('aggregate_version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw conflict(`Merge ${JSON.stringify(merge.id)}`);
      const survivor = await trx
        .selectFrom('crosswalk_identities')
        .select('aggregate_version')
        .where('id', '=', merge.survivor_id)
        .executeTakeFirst();
      await bump(merge.survivor_id, merge.entity_type as CrosswalkEntity, survivor?.aggregate_version ?? 1, closure.at);
      return (await trx
        .selectFrom('crosswalk_merges')
        .selectAll()
        .where('id', '=', merge.id)
        .executeTakeFirstOrThrow()) as CrosswalkMergeRow;
    },
  };
}
