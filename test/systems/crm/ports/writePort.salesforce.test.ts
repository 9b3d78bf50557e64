/**
 * The CRM write port on the Salesforce adapter, against the local Salesforce REST stand-in: the
 * shared contract (writes through the kernel's remote runner, the same records read back, the same
 * outbox events, the same typed rejections), then what only a vendor does to us: an expired token,
 * rate limits and 503s, a write that commits and then times out or loses its answer.
 */
import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { loadIntoSalesforce, startTestOrg } from '../../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { SALESFORCE_SOURCE } from './writeFixture.ts';
import { crmWritePortContract, openRemoteCrm } from './writePort.contract.ts';

crmWritePortContract(
  'the Salesforce adapter (stand-in org)',
  async (data) => {
    const test = await startTestOrg({ pageSize: 40 });
    loadIntoSalesforce(test, data);
    const ledger = await openLedger('crm');
    const system = createSalesforceCrmAdapter(test.org, ledger);
    return openRemoteCrm(system, async () => {
      await ledger.destroy();
      await test.standIn.stop();
    });
  },
  SALESFORCE_SOURCE,
);
