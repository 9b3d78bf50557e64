/**
 * Tessera after an acquisition, for the end-to-end crosswalk suites (docs/crosswalk.md#reading-both-crms):
 * the parent's accounts in the Salesforce stand-in, the acquired firm's in the HubSpot stand-in, and
 * the embedded Tessera started with `TESSERA_CRM_SYSTEM=both`, configured from the variables an
 * operator sets. Both CRMs poll an hour apart: only a test moves their change capture.
 */
import { readCrmSystemConfig } from '../../../core/config/crmSystem.ts';
import { loadIntoHubSpot } from '../../harness/standIns/hubspot/hubspotCrm.ts';
import { hubspotEnvOf } from '../../harness/standIns/hubspot/hubspotEnv.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../harness/standIns/hubspot/server.ts';
import { loadIntoSalesforce, startTestOrg, type TestOrg } from '../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { crmData } from '../../systems/crm/ports/crmData.ts';
import { splitBySystem } from '../../systems/crm/ports/splitCrmData.ts';
import { ACME_HS, ACME_SF } from './acmeFixture.ts';

export interface BothCrms {
  readonly org: TestOrg;
  readonly hubspot: HubSpotStandIn;
  readonly tessera: TestTessera;
  stop(): Promise<void>;
}

/** `token`: the HubSpot private app's token the portal accepts. */
export async function startBothCrms(token: string): Promise<BothCrms> {
  const [parent, acquired] = splitBySystem(crmData(), ['salesforce', 'hubspot']);
  const org = await startTestOrg({ pageSize: 100 });
  loadIntoSalesforce(org, parent!);
  const hubspot = await startHubSpotStandIn({ token });
  loadIntoHubSpot(hubspot, acquired!);
  const crm = readCrmSystemConfig(
    { TESSERA_CRM_SYSTEM: 'both', ...org.env, TESSERA_SALESFORCE_POLL_MS: '3600000', ...hubspotEnvOf(hubspot, token) },
    false,
    process.cwd(),
  );
  const tessera = await startTestTessera({ scale: 's', config: { crm } });
  return {
    org,
    hubspot,
    tessera,
    async stop() {
      await tessera.stop();
      await hubspot.close();
      await org.standIn.stop();
    },
  };
}

/** A data steward: reads the CRM, merges and unmerges records. */
export const STEWARD = { sub: 'sam.steward', scope: 'crm:read crosswalk:read crosswalk:write', legal_entities: '*' as const };

/** `startBothCrms`, then the acquired firm's HubSpot Acme merged into the parent's Salesforce Acme (the survivor). */
export async function startBothCrmsAcmeMerged(token: string): Promise<BothCrms> {
  const both = await startBothCrms(token);
  const { tessera } = both;
  const merged = await tessera.query(
    `mutation ($input: MergeAccountsInput!) { mergeAccounts(input: $input) { merge { status } userErrors { code } } }`,
    { input: { idempotencyKey: 'merge-acme', survivorId: ACME_SF, duplicateId: ACME_HS, expectedVersion: 1, reason: 'Acquired customer' } },
    await tessera.token(STEWARD),
  );
  const status = (merged.data as { mergeAccounts?: { merge?: { status?: string } } } | null)?.mergeAccounts?.merge?.status;
  if (status !== 'MERGED') {
    await both.stop();
    throw new Error(`merging Acme answered ${JSON.stringify(merged)}`);
  }
  return both;
}
