/**
 * The integration system's store on SQL: its own database (SQLite file or PostgreSQL schema) holds
 * the process state, the consumers' tables and the ledger (idempotency records, outbox, audit) of
 * its capabilities, so an operation, its record and its audit entry commit together.
 */
import type { Kysely, Transaction } from 'kysely';
import type { LocalAdapter } from '../../kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../kernel/systemOfRecord.ts';
import type { IntegrationPorts } from '../ports/ports.ts';
import { createIntegrationReads, type IntegrationReadPort } from '../ports/readPort.ts';
import { createIntegrationWrites } from '../ports/writePort.ts';
import type { IntegrationTables } from './tables.ts';
import type { WebhookSettings } from '../webhooks/webhookPorts.ts';

export function createIntegrationStore(
  db: Kysely<IntegrationTables>,
  reads: Kysely<IntegrationTables> = db,
  /** What the webhooks need of the deployment (their sealing key, their target rules). */
  settings: WebhookSettings,
): SystemOfRecord<IntegrationReadPort, IntegrationPorts> {
  const capabilities: LocalAdapter<IntegrationPorts> = {
    kind: 'local',
    bind(trx, scope) {
      const own = trx as unknown as Transaction<IntegrationTables>;
      return { read: createIntegrationReads(own, scope, settings), write: createIntegrationWrites(own, scope, settings) };
    },
  };
  return {
    reads: (scope) => createIntegrationReads(reads, scope, settings),
    capabilities,
    ledger: db as unknown as Kysely<CapabilityTables>,
    ledgerReads: reads as unknown as Kysely<CapabilityTables>,
  };
}
