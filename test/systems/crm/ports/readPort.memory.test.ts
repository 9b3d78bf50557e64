import { createMemoryCrmAdapter } from '../../../../systems/crm/adapters/memory/memoryAdapter.ts';
import { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { loadIntoVendor } from './crmData.ts';
import { crmReadPortContract } from './readPort.contract.ts';

crmReadPortContract('the in-memory remote adapter', async (data) => {
  const vendor = new InMemoryVendor();
  await loadIntoVendor(vendor, data);
  const ledger = await openLedger('crm');
  const adapter = createMemoryCrmAdapter(vendor, ledger);
  return { reads: (scope) => adapter.reads(scope), close: () => ledger.destroy() };
});
