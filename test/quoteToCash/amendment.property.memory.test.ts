/** Random contract amendment sequences on the in-memory CRM and PSA adapters (the suite: amendment.property.contract.ts). */
import { createMemoryCrmAdapter } from '../../systems/crm/adapters/memory/memoryAdapter.ts';
import { InMemoryVendor } from '../../systems/kernel/adapters/memory/vendor.ts';
import { openLedger } from '../../systems/kernel/systemOfRecord.ts';
import { createMemoryPsaAdapter } from '../../systems/psa/adapters/memory/memoryAdapter.ts';
import { loadIntoVendor as loadCrm } from '../systems/crm/ports/crmData.ts';
import { loadIntoVendor as loadPsa } from '../systems/psa/ports/psaData.ts';
import { amendmentPropertySuite } from './amendment.property.contract.ts';

amendmentPropertySuite('in-memory CRM and PSA', async (crmData) => {
  const crmVendor = new InMemoryVendor();
  const psaVendor = new InMemoryVendor();
  await loadCrm(crmVendor, crmData);
  const crmLedger = await openLedger('crm');
  const psaLedger = await openLedger('psa');
  return {
    crm: createMemoryCrmAdapter(crmVendor, crmLedger),
    psa: createMemoryPsaAdapter(psaVendor, psaLedger),
    async add(crm, psa) {
      await loadCrm(crmVendor, crm);
      await loadPsa(psaVendor, psa);
    },
    async close() {
      await crmLedger.destroy();
      await psaLedger.destroy();
    },
  };
});
