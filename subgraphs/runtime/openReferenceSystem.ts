import type { Kysely, LogEvent } from 'kysely';
import type { StoreConfig } from '../../gateway/config.ts';
import { openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import type { ReferenceSystem } from './referenceSystem.ts';

export interface OpenSystem<DB> {
  readonly db: Kysely<DB>;
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
  const db = await openDatabase<DB>({ store, name: system.name, ...(onQuery ? { onQuery } : {}) });
  try {
    await migrateToLatest(db as Kysely<unknown>, system.migrations, store.kind === 'postgres' ? system.name : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, close: () => db.destroy() };
}
