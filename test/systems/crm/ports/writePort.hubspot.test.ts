/**
 * The CRM write port on HubSpot (the stand-in over HTTP): the shared contract, through the kernel's
 * remote runner, with the same answers, records, events and rejections as every other adapter.
 */
import type { CrmPorts } from '../../../../systems/crm/ports/ports.ts';
import type { RemoteAdapter } from '../../../../systems/kernel/capability/adapter.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { hubspotCrmOn, loadIntoHubSpot } from '../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn } from '../../../harness/standIns/hubspot/server.ts';
import { crmWritePortContract } from './writePort.contract.ts';

crmWritePortContract('HubSpot (the stand-in over HTTP)', async (data) => {
  const standIn = await startHubSpotStandIn();
  loadIntoHubSpot(standIn, data);
  const ledger = await openLedger('crm');
  const { adapter: system } = hubspotCrmOn(standIn, ledger);
  const adapter = system.capabilities as RemoteAdapter<CrmPorts>;
  let call = 0;
  return {
    system,
    withPorts: (use) => use(adapter.bind({ externalKey: (operation) => `direct-${++call}:${operation}`, attempt: 1 }, ALL_RECORDS)),
    async close() {
      await ledger.destroy();
      await standIn.close();
    },
  };
});
