/**
 * The CRM's built-in system of record on SQL: reads on the read connection, capabilities inside one
 * local transaction of the CRM's own database, which also holds the ledger (idempotency records,
 * outbox, audit), so the record, the change, the events and the audit entry commit together.
 */
import type { Kysely, Transaction } from 'kysely';
import type { LocalAdapter } from '../../../kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { CrmPorts } from '../../ports/ports.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import { createSqlCrmReads } from './sqlReads.ts';
import { createSqlCrmWrites } from './sqlWrites.ts';
import type { CrmTables } from './tables.ts';

export function createSqlCrmAdapter(db: Kysely<CrmTables>, reads: Kysely<CrmTables> = db): SystemOfRecord<CrmReadPort, CrmPorts> {
  const capabilities: LocalAdapter<CrmPorts> = {
    kind: 'local',
    bind(trx, scope) {
      const own = trx as unknown as Transaction<CrmTables>;
      return { read: createSqlCrmReads(own, scope), write: createSqlCrmWrites(own) };
    },
  };
  return {
    reads: (scope) => createSqlCrmReads(reads, scope),
    capabilities,
    ledger: db as unknown as Kysely<CapabilityTables>,
    ledgerReads: reads as unknown as Kysely<CapabilityTables>,
  };
}
