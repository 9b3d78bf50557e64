import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { loadIntoSalesforce, startTestOrg } from '../../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { crmReadPortContract } from './readPort.contract.ts';

// A small page size: every list read walks queryMore's nextRecordsUrl.
crmReadPortContract('the Salesforce adapter (stand-in org)', async (data) => {
  const test = await startTestOrg({ pageSize: 40 });
  loadIntoSalesforce(test, data);
  const ledger = await openLedger('crm');
  const adapter = createSalesforceCrmAdapter(test.org, ledger);
  return {
    reads: (scope) => adapter.reads(scope),
    async close() {
      await ledger.destroy();
      await test.standIn.stop();
    },
  };
});
