/**
 * `TESSERA_CRM_SYSTEM=both` as the runtime wires it (systems/crm/crmVendor.ts, docs/crosswalk.md#reading-both-crms):
 * the configuration read from the variables an operator sets, the parent's Salesforce org and the acquired
 * firm's HubSpot portal (both stand-ins over HTTP) each holding the records of its own source system, under
 * the composite CRM. With no merge in force it answers the CRM read-port contract exactly as one system
 * holding every record does. The crosswalk's links come from an empty crosswalk here; reading them through
 * the integration subgraph is test/integration/crosswalk/peerLookup.test.ts.
 */
import { expect } from 'vitest';
import { readCrmSystemConfig } from '../../../../core/config/crmSystem.ts';
import { crmVendorOf } from '../../../../systems/crm/crmVendor.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import type { CrmReadPort } from '../../../../systems/crm/ports/readPort.ts';
import type { SystemOfRecord } from '../../../../systems/kernel/systemOfRecord.ts';
import type { CrmPorts } from '../../../../systems/crm/ports/ports.ts';
import { loadIntoHubSpot } from '../../../harness/standIns/hubspot/hubspotCrm.ts';
import { TEST_PIPELINES_VARIABLE } from '../../../harness/standIns/hubspot/hubspotEnv.ts';
import { startHubSpotStandIn } from '../../../harness/standIns/hubspot/server.ts';
import { loadIntoSalesforce, startTestOrg } from '../../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { crmReadPortContract } from './readPort.contract.ts';
import { splitBySystem } from './splitCrmData.ts';

crmReadPortContract('TESSERA_CRM_SYSTEM=both (Salesforce and HubSpot stand-ins under the composite)', async (data) => {
  const [salesforcePart, hubspotPart] = splitBySystem(data, ['salesforce', 'hubspot']);
  // Each system holds some of the accounts, so the contract's answers come from both.
  expect([salesforcePart!.accounts.length > 0, hubspotPart!.accounts.length > 0]).toEqual([true, true]);
  const org = await startTestOrg({ pageSize: 40 });
  loadIntoSalesforce(org, salesforcePart!);
  const portal = await startHubSpotStandIn();
  loadIntoHubSpot(portal, hubspotPart!);
  const config = readCrmSystemConfig(
    {
      TESSERA_CRM_SYSTEM: 'both',
      ...org.env,
      TESSERA_HUBSPOT_BASE_URL: portal.url,
      TESSERA_HUBSPOT_TOKEN: 'pat-na1-stand-in',
      TESSERA_HUBSPOT_PIPELINES: TEST_PIPELINES_VARIABLE,
    },
    false,
    process.cwd(),
  );
  const vendor = crmVendorOf(config, {
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    crosswalk: () => ({ links: () => Promise.resolve([]) }),
  });
  if (!vendor) throw new Error('TESSERA_CRM_SYSTEM=both runs the CRM on the two vendors');
  expect(vendor.changeStreams).toHaveLength(2);
  const ledger = await openLedger('crm');
  const noPeers = { fetcher: () => Promise.reject(new Error('no peer calls')), urlOf: (name: string) => name, internalSecret: 'unused' };
  const adapter = vendor.systemOfRecord(ledger, noPeers) as SystemOfRecord<CrmReadPort, CrmPorts>;
  return {
    reads: (scope) => adapter.reads(scope),
    async close() {
      await ledger.destroy();
      await portal.close();
      await org.standIn.stop();
    },
  };
});
