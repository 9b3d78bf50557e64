/**
 * The CRM read-port contract on the composite CRM (docs/crosswalk.md#reading-both-crms): the demo
 * records split between two remote systems by where each account comes from (Salesforce accounts and
 * what belongs to them in one, HubSpot companies and theirs in the other), with no merge in force,
 * answer exactly what one system holding them all answers: orders, pages, counts, scopes.
 */
import { createCompositeCrmAdapter } from '../../../../systems/crm/adapters/composite/compositeAdapter.ts';
import { createMemoryCrmAdapter } from '../../../../systems/crm/adapters/memory/memoryAdapter.ts';
import { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { splitBySystem } from './splitCrmData.ts';
import { loadIntoVendor } from './crmData.ts';
import { crmReadPortContract } from './readPort.contract.ts';

crmReadPortContract('the composite of two remote systems', async (data) => {
  const ledger = await openLedger('crm');
  const [salesforce, hubspot] = await Promise.all(
    splitBySystem(data, ['salesforce', 'hubspot']).map(async (part) => {
      const vendor = new InMemoryVendor();
      await loadIntoVendor(vendor, part);
      return createMemoryCrmAdapter(vendor, ledger);
    }),
  );
  const adapter = createCompositeCrmAdapter({ primary: salesforce!, secondary: hubspot!, crosswalk: { links: () => Promise.resolve([]) } });
  return { reads: (scope) => adapter.reads(scope), close: () => ledger.destroy() };
});
