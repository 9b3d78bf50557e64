/**
 * The CRM on the HubSpot stand-in, for tests: a stand-in holding canonical records (mapped as the
 * adapter maps them), and the adapter over it through the real client (token, budget, time-out).
 */
import type { Kysely } from 'kysely';
import { Secret } from '../../../../core/config/secret.ts';
import { companyProperties, contactProperties } from '../../../../systems/crm/adapters/hubspot/accountMapping.ts';
import { amendmentProperties, contractProperties } from '../../../../systems/crm/adapters/hubspot/contractMapping.ts';
import { dealProperties, lineItemProperties } from '../../../../systems/crm/adapters/hubspot/dealMapping.ts';
import { createHubSpotCrmAdapter, hubspotPortal } from '../../../../systems/crm/adapters/hubspot/hubspotAdapter.ts';
import { createHubSpotHttp } from '../../../../systems/crm/adapters/hubspot/hubspotClient.ts';
import { StageMap, type PipelineStages } from '../../../../systems/crm/adapters/hubspot/stageMap.ts';
import { SOURCE_STAGES } from '../../../../systems/crm/stages.ts';
import { HUBSPOT_CUSTOM_STAGES } from '../../../../seed/catalog.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { createRequestBudget } from '../../../../systems/kernel/connectors/requestBudget.ts';
import type { SourceRef } from '../../../../systems/crm/ports/types.ts';
import type { CrmData } from '../../../systems/crm/ports/crmData.ts';
import { DEAL_PIPELINES } from './fixtures.ts';
import type { HubSpotStandIn } from './server.ts';

/** HubSpot's default pipeline and the acquired firm's services pipeline (fixtures.ts). */
export const TEST_PIPELINES: PipelineStages = { default: SOURCE_STAGES.hubspot!, '1187261': HUBSPOT_CUSTOM_STAGES };

/** Creates `data` in the stand-in's portal as records no capability call created, with their associations. */
export function loadIntoHubSpot(standIn: HubSpotStandIn, data: CrmData): void {
  const portal = standIn.portal;
  const stages = new StageMap(TEST_PIPELINES, DEAL_PIPELINES);
  const companies = new Map(
    data.accounts.map((account) => [account.id, portal.create('companies', companyProperties(account), hubspotId(account.source)).id]),
  );
  for (const contact of data.contacts) {
    const created = portal.create('contacts', contactProperties(contact), hubspotId(contact.source));
    const company = companies.get(contact.accountId);
    if (company) portal.associate('contacts', created.id, 'companies', company);
  }
  const deals = new Map<string, string>();
  for (const opportunity of data.opportunities) {
    const created = portal.create('deals', dealProperties(stages, opportunity), hubspotId(opportunity.source));
    deals.set(opportunity.id, created.id);
    const company = companies.get(opportunity.accountId);
    if (company) portal.associate('deals', created.id, 'companies', company);
  }
  for (const line of data.lines) {
    const created = portal.create('line_items', lineItemProperties(line));
    const deal = deals.get(line.opportunityId);
    if (deal) portal.associate('line_items', created.id, 'deals', deal);
  }
  for (const contract of data.contracts) portal.create('p_tessera_contracts', contractProperties(contract));
  for (const amendment of data.amendments) portal.create('p_tessera_contract_amendments', amendmentProperties(amendment));
}

/** A record HubSpot holds keeps its HubSpot id. */
const hubspotId = (source: SourceRef) => (source.system === 'hubspot' ? source.id : undefined);

/** The HubSpot CRM adapter over `standIn`, its client retrying without waiting. */
export function hubspotCrmOn(
  standIn: HubSpotStandIn,
  ledger: Kysely<CapabilityTables>,
  options: { timeoutMs?: number; token?: () => string } = {},
) {
  const delays: number[] = [];
  const http = createHubSpotHttp({
    baseUrl: standIn.url,
    token: () => new Secret(options.token?.() ?? 'pat-na1-stand-in'),
    budget: createRequestBudget({ perDay: 1_000_000 }),
    timeoutMs: options.timeoutMs ?? 5_000,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  const portal = hubspotPortal({ http, pipelines: TEST_PIPELINES });
  return { adapter: createHubSpotCrmAdapter(portal, ledger), portal, delays };
}
