import type { Kysely } from 'kysely';
import { createSqlCrmAdapter } from '../../../../systems/crm/adapters/sql/sqlAdapter.ts';
import type { CrmTables } from '../../../../systems/crm/adapters/sql/tables.ts';
import { crmSystem } from '../../../../systems/crm/system.ts';
import { openReferenceSystem } from '../../../../systems/kernel/openReferenceSystem.ts';
import type { TempStore } from '../../../harness/tempDatabase.ts';
import { loadIntoSql, type CrmData } from './crmData.ts';
import type { OpenCrmReads } from './readPort.contract.ts';

/** The SQL adapter over a fresh CRM database in `temp`, holding `data`. */
export async function openSqlCrmReads(temp: TempStore, data: CrmData): Promise<OpenCrmReads> {
  const system = await openReferenceSystem(crmSystem, temp.store);
  const db = system.db as Kysely<CrmTables>;
  await loadIntoSql(db, data);
  const adapter = createSqlCrmAdapter(db, system.reads as Kysely<CrmTables>);
  return {
    reads: (scope) => adapter.reads(scope),
    async close() {
      await system.close();
      await temp.remove();
    },
  };
}
