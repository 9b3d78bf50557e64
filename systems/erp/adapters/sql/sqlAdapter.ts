/**
 * The ERP's built-in system of record on SQL: reads on the read connection, capabilities inside
 * one local transaction of the ERP's own database (which also holds its ledger: idempotency
 * records, outbox, audit), so effect and record commit together.
 */
import type { Kysely, Transaction } from 'kysely';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { ErpPorts } from '../../ports/ports.ts';
import type { ErpReadPort } from '../../ports/readPort.ts';
import { sqlErpReads } from './readAdapter.ts';
import type { ErpTables } from './tables.ts';
import { sqlErpWrites } from './writeAdapter.ts';

export function sqlErpSystem(db: Kysely<ErpTables>, reads: Kysely<ErpTables> = db): SystemOfRecord<ErpReadPort, ErpPorts> {
  return {
    reads: (scope) => sqlErpReads(reads, scope),
    capabilities: {
      kind: 'local',
      bind(trx, scope) {
        const own = trx as unknown as Transaction<ErpTables>;
        return { read: sqlErpReads(own, scope), write: sqlErpWrites(own, db) };
      },
    },
    ledger: db as unknown as Kysely<CapabilityTables>,
    ledgerReads: reads as unknown as Kysely<CapabilityTables>,
  };
}
