/** The CRM and PSA SQL adapters for the amendment property suite, each in a fresh store `makeStore` gives. */
import type { TempStore } from '../harness/tempDatabase.ts';
import { loadIntoSql as loadCrm, type CrmData } from '../systems/crm/ports/crmData.ts';
import { openSqlCrmSystem } from '../systems/crm/ports/sqlSystem.ts';
import { openSqlPsa } from '../systems/psa/ports/openPsa.ts';
import { loadIntoSql as loadPsa } from '../systems/psa/ports/psaData.ts';
import { psaRecords, type AmendmentSystems } from './amendment.property.contract.ts';

export async function openSqlAmendmentSystems(makeStore: () => Promise<TempStore>, crmData: CrmData): Promise<AmendmentSystems> {
  const crm = await openSqlCrmSystem(await makeStore(), crmData);
  const psa = await openSqlPsa(await makeStore(), psaRecords({}));
  return {
    crm: crm.system,
    psa: psa.system,
    async add(crmRecords, psaRecords) {
      await loadCrm(crm.db, crmRecords);
      await loadPsa(psa.db, psaRecords);
    },
    async close() {
      await crm.close();
      await psa.close();
    },
  };
}
