/**
 * The CRM write port on HubSpot (the stand-in over HTTP): the shared contract, through the kernel's
 * remote runner, with the same answers, records, events and rejections as every other adapter.
 */
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { hubspotCrmOn, loadIntoHubSpot } from '../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn } from '../../../harness/standIns/hubspot/server.ts';
import { HUBSPOT_SOURCE } from './writeFixture.ts';
import { crmWritePortContract, openRemoteCrm } from './writePort.contract.ts';

crmWritePortContract(
  'HubSpot (the stand-in over HTTP)',
  async (data) => {
    const standIn = await startHubSpotStandIn();
    loadIntoHubSpot(standIn, data);
    const ledger = await openLedger('crm');
    const { adapter: system } = hubspotCrmOn(standIn, ledger);
    return openRemoteCrm(system, async () => {
      await ledger.destroy();
      await standIn.close();
    });
  },
  HUBSPOT_SOURCE,
);
