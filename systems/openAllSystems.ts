import type { StoreConfig } from '../core/config/config.ts';
import type { CrmTables } from './crm/adapters/sql/tables.ts';
import type { ErpTables } from './erp/adapters/sql/tables.ts';
import type { PsaTables } from './psa/tables.ts';
import { SYSTEMS } from './systems.ts';
import { openReferenceSystem, type OpenSystem } from './kernel/openReferenceSystem.ts';

export interface AllSystems {
  readonly crm: OpenSystem<CrmTables>;
  readonly psa: OpenSystem<PsaTables>;
  readonly erp: OpenSystem<ErpTables>;
  close(): Promise<void>;
}

/** Opens and migrates the three reference systems (the seed command and tests). */
export async function openAllSystems(store: StoreConfig): Promise<AllSystems> {
  const crm = await openReferenceSystem(SYSTEMS.crm, store);
  const psa = await openReferenceSystem(SYSTEMS.psa, store).catch(async (error: unknown) => { await crm.close(); throw error; });
  const erp = await openReferenceSystem(SYSTEMS.erp, store).catch(async (error: unknown) => {
    await Promise.all([crm.close(), psa.close()]);
    throw error;
  });
  return { crm, psa, erp, close: async () => { await Promise.all([crm.close(), psa.close(), erp.close()]); } };
}
