import type { Kysely, Transaction } from 'kysely';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { PsaPorts } from '../../ports/ports.ts';
import type { PsaReadPort } from '../../ports/readPort.ts';
import { holdingNewlyReadySources } from '../../ports/holdOnApproval.ts';
import { createSqlPsaReadPort } from './readPort.ts';
import { createSqlPsaWritePort } from './writePort.ts';
import type { PsaTables } from './tables.ts';

/**
 * The built-in PSA system of record on SQL: reads on `reads` (outside transactions), capabilities
 * bound to the transaction on `db`, which also holds the ledger (one local transaction per call).
 */
export function sqlPsaSystem(db: Kysely<PsaTables>, reads: Kysely<PsaTables> = db): SystemOfRecord<PsaReadPort, PsaPorts> {
  return {
    reads: (scope) => createSqlPsaReadPort(reads, scope),
    capabilities: {
      kind: 'local',
      bind: (trx, scope) => {
        const tables = trx as unknown as Transaction<PsaTables>;
        return { read: createSqlPsaReadPort(tables, scope), write: holdingNewlyReadySources(createSqlPsaWritePort(db, tables)) };
      },
    },
    ledger: db as unknown as Kysely<CapabilityTables>,
    ledgerReads: reads as unknown as Kysely<CapabilityTables>,
  };
}
