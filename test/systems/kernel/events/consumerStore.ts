/**
 * A consumer store for the event tests: the kernel's event tables plus one table the test
 * consumers write to (`contract_effects`), so a test can see what a handler left behind, and that
 * a handler that threw left nothing.
 */
import type { Kysely } from 'kysely';
import type { StoreConfig } from '../../../../core/config/config.ts';
import { openDatabase } from '../../../../systems/kernel/database.ts';
import { eventTables, type EventTables } from '../../../../systems/kernel/events/tables.ts';
import { migrateToLatest } from '../../../../systems/kernel/migrate.ts';
import { column, createTablesMigration, type TablesOf } from '../../../../systems/kernel/tableSpec.ts';

export const contractTables = {
  contract_effects: {
    columns: {
      id: column.id,
      consumer: column.text,
      event_id: column.text,
      aggregate_id: column.text,
      version: column.int,
    },
  },
} as const;

export type ConsumerStoreTables = EventTables & TablesOf<typeof contractTables>;

let stores = 0;

/** Opens a fresh consumer store (a new SQLite file, or a new PostgreSQL schema) with its tables. */
export async function openConsumerStore(
  store: StoreConfig,
  name = `consumer_${process.pid}_${++stores}`,
): Promise<Kysely<ConsumerStoreTables>> {
  const db = await openDatabase<ConsumerStoreTables>({ store, name });
  await migrateToLatest(
    db as Kysely<unknown>,
    { '0001_events': createTablesMigration({ ...eventTables, ...contractTables }) },
    store.kind === 'postgres' ? name : undefined,
  );
  return db;
}

/** The effects rows of `consumer`, in a stable order. */
export function effectsOf(db: Kysely<ConsumerStoreTables>, consumer: string) {
  return db.selectFrom('contract_effects').selectAll().where('consumer', '=', consumer).orderBy('id').execute();
}
