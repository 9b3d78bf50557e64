/**
 * A store as the previous release left it: the systems' migrations up to 0003, the s data set, and
 * idempotency records holding answers in that release's form (its capabilities answered with the
 * rows they read back from their tables, snake_case columns and all).
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreConfig } from '../../../core/config/config.ts';
import { seedSystems, type SeedDatabases } from '../../../seed/seedSystems.ts';
import type { CrmTables } from '../../../systems/crm/adapters/sql/tables.ts';
import type { ErpTables } from '../../../systems/erp/adapters/sql/tables.ts';
import type { CapabilityTables, IdempotencyRecordRow } from '../../../systems/kernel/capability/tables.ts';
import { requestHash } from '../../../systems/kernel/capability/requestHash.ts';
import { closeDatabase, openDatabase } from '../../../systems/kernel/database.ts';
import { migrateToLatest } from '../../../systems/kernel/migrate.ts';
import type { PsaTables } from '../../../systems/psa/adapters/sql/tables.ts';
import { SYSTEMS } from '../../../systems/systems.ts';

/** The systems the previous release had (the integration system came later). */
export const PREVIOUS_SYSTEMS = ['crm', 'psa', 'erp'] as const;
type SystemName = (typeof PREVIOUS_SYSTEMS)[number];
import { DEFAULT_SUB } from '../../harness/capabilities.ts';

/** The name of the migration that converts the stored answers. */
export const UPGRADE = (system: SystemName) => `0004_${system}_canonical_answers`;

/** A system's migrations as the previous release had them. */
export function previousMigrations(system: SystemName): Record<string, Migration> {
  return Object.fromEntries(Object.entries(SYSTEMS[system].migrations).filter(([name]) => name < '0004'));
}

/** The systems' databases at 0003 (the seed's view of them). */
export type PreviousDatabases = SeedDatabases;

/** An answer stored under an idempotency key of the default (full-access) principal. */
export interface StoredAnswer {
  readonly system: SystemName;
  /** The capability's name (`crm.closeWinOpportunity`). */
  readonly capability: string;
  readonly version: number;
  readonly key: string;
  /** The input as the capability received it (without the key, defaults filled in). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly outcome: unknown;
}

/**
 * Builds the store at 0003, seeds it, lets `answers` read the seeded rows and name the answers to store,
 * stores them and closes the databases again. Returns the answers and each one's stored JSON.
 */
export async function previousRelease(
  store: StoreConfig,
  answers: (dbs: PreviousDatabases) => Promise<readonly StoredAnswer[]>,
): Promise<readonly (StoredAnswer & { readonly json: string })[]> {
  const open = async <DB>(system: SystemName) => {
    const db = await openDatabase<DB>({ store, name: system });
    await migrateToLatest(db as Kysely<unknown>, previousMigrations(system), store.kind === 'postgres' ? system : undefined);
    return db;
  };
  const dbs: PreviousDatabases = {
    crm: await open<CrmTables>('crm'),
    psa: await open<PsaTables>('psa'),
    erp: await open<ErpTables>('erp'),
  };
  try {
    // As that release seeded it: no expenses nor EXPENSES lines (the PSA's migration 4 added them), no
    // contact sources nor tax ids (the CRM's migrations 0009 and 0010 added them).
    await seedSystems(dbs, { scale: 's', withExpenses: false, withCrmReferences: false });
    const stored = (await answers(dbs)).map((answer) => ({ ...answer, json: JSON.stringify(answer.outcome) }));
    const now = new Date();
    for (const answer of stored) {
      await (dbs[answer.system] as unknown as Kysely<CapabilityTables>)
        .insertInto('idempotency_records')
        .values({
          id: `old-${answer.key}`,
          principal_sub: DEFAULT_SUB,
          client_id: '',
          capability: answer.capability,
          idempotency_key: answer.key,
          request_hash: requestHash(answer.capability, answer.version, answer.input),
          status: 'COMPLETED',
          response_json: answer.json,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 400 * 86_400_000).toISOString(),
          // A local system's table has no lease columns (runRemoteCapability.ts has them).
        } as IdempotencyRecordRow)
        .execute();
    }
    return stored;
  } finally {
    for (const db of Object.values(dbs)) await closeDatabase(db as Kysely<unknown>);
  }
}

/** Every stored answer of a system, by record id. */
export async function storedAnswers(db: Kysely<unknown>): Promise<Record<string, string>> {
  const rows = await (db as Kysely<CapabilityTables>)
    .selectFrom('idempotency_records')
    .select(['id', 'response_json'])
    .orderBy('id')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.id, row.response_json]));
}
