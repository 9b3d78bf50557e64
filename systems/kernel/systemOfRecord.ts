/**
 * What a system's adapter gives the kernel: reads for resolvers and loaders, the adapter its
 * capabilities run through, and the ledger (idempotency records, outbox, audit) they are recorded
 * in. The SQL reference systems keep the ledger in their own database, in the same transaction
 * as the effect; a remote adapter keeps it in a local database of its own (`openLedger`).
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type Migration } from 'kysely';
import type { RecordScope } from '../../policies/recordScope.ts';
import type { SystemAdapter } from './capability/adapter.ts';
import { appendOnlyAuditMigration } from './capability/appendOnlyAudit.ts';
import { capabilityTables, type CapabilityTables } from './capability/tables.ts';
import { changeCaptureTables } from './connectors/changeCaptureTables.ts';
import { migrateToLatest } from './migrate.ts';
import { createTablesMigration } from './tableSpec.ts';

export interface SystemOfRecord<ReadPort, Ports> {
  /** The read port within `scope`: a record the scope may not see reads as a missing one. */
  reads(scope: RecordScope): ReadPort;
  /** How capabilities reach the system (ports bound per call). */
  readonly capabilities: SystemAdapter<Ports>;
  /** Where capability calls are recorded; for a local adapter, the database its ports write to. */
  readonly ledger: Kysely<CapabilityTables>;
  /** Reads of the ledger outside transactions. */
  readonly ledgerReads: Kysely<CapabilityTables>;
}

/**
 * The migrations of the capability tables, named after `system` (`0002_<system>_capabilities`, ...):
 * the reference systems run them after their own first migration; a ledger runs them alone.
 */
export function capabilityMigrations(system: string): Readonly<Record<string, Migration>> {
  return {
    [`0002_${system}_capabilities`]: createTablesMigration(capabilityTables),
    [`0003_${system}_append_only_audit`]: appendOnlyAuditMigration,
    // Leases of remote attempts (runRemoteCapability.ts).
    [`0004_${system}_remote_intents`]: createTablesMigration(capabilityTables, 2),
    // The outbox's trace context (docs/events.md#trace-context).
    [`0005_${system}_event_trace`]: createTablesMigration(capabilityTables, 3),
    // A connector's change capture (docs/connectors.md#change-capture).
    [`0006_${system}_connector_change_capture`]: createTablesMigration(changeCaptureTables),
  };
}

/**
 * A ledger of its own for a remote system: a SQLite database (a file, or memory for tests) holding
 * only the capability tables.
 */
export async function openLedger(system: string, file = ':memory:'): Promise<Kysely<CapabilityTables>> {
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  const ledger = new Kysely<CapabilityTables>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(ledger as Kysely<unknown>, capabilityMigrations(system));
  return ledger;
}
