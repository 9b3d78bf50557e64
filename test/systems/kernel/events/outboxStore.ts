/** An outbox for the relay tests: a store with the kernel's capability tables, and rows written into it. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StoreConfig } from '../../../../core/config/config.ts';
import { capabilityMigrations } from '../../../../systems/kernel/systemOfRecord.ts';
import type { CapabilityTables, OutboxEventRow } from '../../../../systems/kernel/capability/tables.ts';
import { openDatabase } from '../../../../systems/kernel/database.ts';
import { migrateToLatest } from '../../../../systems/kernel/migrate.ts';

let outboxes = 0;

export async function openOutbox(store: StoreConfig, name = `outbox_${process.pid}_${++outboxes}`): Promise<Kysely<CapabilityTables>> {
  const db = await openDatabase<CapabilityTables>({ store, name });
  await migrateToLatest(db as Kysely<unknown>, capabilityMigrations(name), store.kind === 'postgres' ? name : undefined);
  return db;
}

/** Writes an unpublished outbox row of `aggregateId` at `version`, occurred at second `second`. */
export async function writeOutbox(
  db: Kysely<CapabilityTables>,
  aggregateId: string,
  version: number,
  second: number,
  overrides: Partial<OutboxEventRow> = {},
): Promise<OutboxEventRow> {
  const row: OutboxEventRow = {
    event_id: randomUUID(),
    type: 'OpportunityUpdated',
    aggregate_type: 'Opportunity',
    aggregate_id: aggregateId,
    aggregate_version: version,
    occurred_at: new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString(),
    correlation_id: 'corr-1',
    causation_id: null,
    legal_entity_id: 'le_US01',
    payload_json: JSON.stringify({ version }),
    published_at: null,
    trace_parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    ...overrides,
  };
  await db.insertInto('outbox_events').values(row).execute();
  return row;
}
