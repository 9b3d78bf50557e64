import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { hubspotCrmOn, loadIntoHubSpot } from '../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn } from '../../../harness/standIns/hubspot/server.ts';
import { crmReadPortContract } from './readPort.contract.ts';

crmReadPortContract('HubSpot (the stand-in over HTTP)', async (data) => {
  const standIn = await startHubSpotStandIn();
  loadIntoHubSpot(standIn, data);
  const ledger = await openLedger('crm');
  const { adapter } = hubspotCrmOn(standIn, ledger);
  return {
    reads: (scope) => adapter.reads(scope),
    async close() {
      await ledger.destroy();
      await standIn.close();
    },
  };
});
