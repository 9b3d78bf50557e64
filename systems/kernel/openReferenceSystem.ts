import type { Kysely, LogEvent } from 'kysely';
import type { StoreConfig } from '../../core/config/config.ts';
import { closeDatabase, openDatabase, openReadDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import type { ReferenceSystem } from './referenceSystem.ts';

export interface OpenSystem<DB> {
  /** Writes (capability transactions, seeding), and reads on PostgreSQL. */
  readonly db: Kysely<DB>;
  /** Reads outside transactions: a read-only connection on SQLite (see `openReadDatabase`), `db` on PostgreSQL. */
  readonly reads: Kysely<DB>;
  close(): Promise<void>;
}

/**
 * Opens a reference system's database (its own SQLite file, or its own PostgreSQL schema) and
 * brings it to the latest migration. Nothing is served yet: seeding may run first.
 */
export async function openReferenceSystem<DB, Context extends object>(
  system: ReferenceSystem<DB, Context>,
  store: StoreConfig,
  onQuery?: (event: LogEvent) => void,
): Promise<OpenSystem<DB>> {
  const options = { store, name: system.name, ...(onQuery ? { onQuery } : {}) };
  const db = await openDatabase<DB>(options);
  try {
    await migrateToLatest(db as Kysely<unknown>, system.migrations, store.kind === 'postgres' ? system.name : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const reader = openReadDatabase<DB>(options);
  return {
    db,
    reads: reader ?? db,
    async close() {
      await reader?.destroy();
      await closeDatabase(db as Kysely<unknown>);
    },
  };
}
