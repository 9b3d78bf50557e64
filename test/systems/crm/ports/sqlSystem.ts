import type { Kysely, Transaction } from 'kysely';
import { createSqlCrmAdapter } from '../../../../systems/crm/adapters/sql/sqlAdapter.ts';
import type { CrmTables } from '../../../../systems/crm/adapters/sql/tables.ts';
import { crmSystem } from '../../../../systems/crm/system.ts';
import type { LocalAdapter } from '../../../../systems/kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openReferenceSystem } from '../../../../systems/kernel/openReferenceSystem.ts';
import type { CrmPorts } from '../../../../systems/crm/ports/ports.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import type { TempStore } from '../../../harness/tempDatabase.ts';
import { loadIntoSql, type CrmData } from './crmData.ts';
import type { OpenCrmSystem } from './writePort.contract.ts';

/** The SQL adapter over a fresh CRM database in `temp`, holding `data`; `db` loads more. */
export async function openSqlCrmSystem(temp: TempStore, data: CrmData): Promise<OpenCrmSystem & { readonly db: Kysely<CrmTables> }> {
  const opened = await openReferenceSystem(crmSystem, temp.store);
  const db = opened.db as Kysely<CrmTables>;
  await loadIntoSql(db, data);
  const system = createSqlCrmAdapter(db, opened.reads as Kysely<CrmTables>);
  return {
    db,
    system,
    withPorts: (use) =>
      (db as unknown as Kysely<CapabilityTables>)
        .transaction()
        .execute((trx: Transaction<CapabilityTables>) => use((system.capabilities as LocalAdapter<CrmPorts>).bind(trx, ALL_RECORDS))),
    async close() {
      await opened.close();
      await temp.remove();
    },
  };
}
