/**
 * Opens the registry's own database (docs/registry.md#store): `<dataDir>/registry.sqlite`, or the
 * PostgreSQL schema `registry`, brought to the latest migration.
 */
import { sql, type Kysely, type LogEvent } from 'kysely';
import type { StoreConfig } from '../../core/config/config.ts';
import { closeDatabase, openDatabase } from '../../systems/kernel/database.ts';
import { migrateToLatest } from '../../systems/kernel/migrate.ts';
import { registryMigrations, type RegistryDb, type RegistryTables } from './tables.ts';

export interface RegistryStore {
  readonly db: RegistryDb;
  close(): Promise<void>;
}

export const REGISTRY_STORE_NAME = 'registry';

export async function openRegistryStore(store: StoreConfig, onQuery?: (event: LogEvent) => void): Promise<RegistryStore> {
  const db = await openDatabase<RegistryTables>({ store, name: REGISTRY_STORE_NAME, ...(onQuery ? { onQuery } : {}) });
  try {
    await migrateToLatest(
      db as Kysely<unknown>,
      registryMigrations(store.kind),
      store.kind === 'postgres' ? REGISTRY_STORE_NAME : undefined,
    );
    // SQLite waits for a lock held by another connection by spinning synchronously: with two
    // registries in one process (the CLI beside the server in tests) the holder could never finish
    // its transaction. Writes fail fast instead and `withBusyRetry` waits asynchronously.
    if (store.kind === 'sqlite') await sql`pragma busy_timeout = 0`.execute(db);
  } catch (error) {
    await closeDatabase(db as Kysely<unknown>);
    throw error;
  }
  return { db, close: () => closeDatabase(db as Kysely<unknown>) };
}
