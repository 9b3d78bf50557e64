/**
 * The CRM read port over HubSpot (docs/connectors.md#hubspot): lookups by id are batch reads by the
 * unique `tessera_id`; lists are searches with the filters HubSpot evaluates exactly (account,
 * opportunity and contract ids, `IN` lists of 100), paged with `after`; the port's pages are read
 * at the portal instead (hubspotPages.ts). The record scope, the case-insensitive name match and the
 * orders are applied here, on the records HubSpot answered, exactly as the other adapters apply them
 * (`isVisible`, recordOrder.ts): its `CONTAINS_TOKEN` matches tokens, not substrings.
 */
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import type { Account, Contract, Opportunity } from '../../ports/types.ts';
import { createMemoryCrmMetricReads } from '../memory/memoryMetrics.ts';
import { byContractVersion, byId, latestFirst } from '../recordOrder.ts';
import { hubspotCall } from './failures.ts';
import { portalPages } from './hubspotPages.ts';
import { KEEPING, type HubSpotObject, type HubSpotObjectTypes } from './objects.ts';
import type { ObjectsApi, SearchFilter } from './objectsApi.ts';
import { AMENDMENT, CONTACT, CONTRACT, currentView, LINE, OPPORTUNITY, type CallView, type RecordKind } from './records.ts';
import type { StageMap } from './stageMap.ts';

/** What the reads and writes of one portal share. */
export interface HubSpotPortal {
  readonly api: ObjectsApi;
  readonly types: HubSpotObjectTypes;
  /** Companies as accounts, with the portal's tax id property (records.ts `accountKind`). */
  readonly account: RecordKind<Account>;
  /** The deal stages, read once from the portal's pipelines. */
  stages(): Promise<StageMap>;
}

const DEAL = {
  legalEntity: (deal: Opportunity | Contract) => deal.legalEntityId,
  account: (deal: Opportunity | Contract) => deal.accountId,
};

/** Where deals and contracts keep the attributes record policies read. */
const DEAL_SCOPE = { legalEntity: 'tessera_legal_entity_id', account: 'tessera_account_id' } as const;
const CONTRACT_SCOPE = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

const inList = (propertyName: string, values: readonly string[]): SearchFilter => ({ propertyName, operator: 'IN', values });
const equal = (propertyName: string, value: string): SearchFilter => ({ propertyName, operator: 'EQ', value });

export function createHubSpotCrmReads(portal: HubSpotPortal, scope: RecordScope, view: CallView = currentView): CrmReadPort {
  const mapped = async <T>(kind: RecordKind<T>, fetch: () => Promise<HubSpotObject[]>): Promise<T[]> => {
    // The stages first: a portal that cannot be read answers before any other request is sent.
    const stages = await portal.stages();
    return (await fetch()).flatMap((object) => {
      const record = view(object, () => kind.of(object, stages));
      return record === null ? [] : [record];
    });
  };
  const byIds = <T>(kind: RecordKind<T>, ids: readonly string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : hubspotCall(() => mapped(kind, () => portal.api.batchRead(portal.types[kind.type], ids, kind.properties)));
  const search = <T>(kind: RecordKind<T>, filters: readonly SearchFilter[]) =>
    hubspotCall(() => mapped(kind, () => portal.api.searchAll(portal.types[kind.type], filters, kind.properties)));
  const visibleAccount = isVisible(scope, { account: (account: { id: string }) => account.id });
  const visibleContact = isVisible(scope, { account: (contact: { accountId: string }) => contact.accountId });
  const visibleDeal = isVisible(scope, DEAL);
  const opportunities = async (filters: readonly SearchFilter[]) => (await search(OPPORTUNITY, filters)).filter(visibleDeal);
  const contracts = async (filters: readonly SearchFilter[]) => (await search(CONTRACT, filters)).filter(visibleDeal);
  const page = portalPages(portal, scope, view);
  const visibleOpportunityIds = async (ids: readonly string[]) =>
    (await byIds(OPPORTUNITY, ids)).filter(visibleDeal).map((opportunity) => opportunity.id);

  return {
    ...createMemoryCrmMetricReads(() => opportunities([])),
    accountsByIds: async (ids) => (await byIds(portal.account, ids)).filter(visibleAccount),
    accountsPage: (filter, request) => {
      const needle = filter.nameContains?.toLowerCase();
      const named = (account: Account) => visibleAccount(account) && (!needle || account.name.toLowerCase().includes(needle));
      const types = filter.type?.length ? [inList('tessera_account_type', filter.type)] : [];
      return page(portal.account, types, { account: KEEPING.id }, named, request, !needle);
    },
    contactsByIds: async (ids) => (await byIds(CONTACT, ids)).filter(visibleContact),
    contactsByAccountIds: async (ids) =>
      ids.length === 0 ? [] : byId((await search(CONTACT, [inList('tessera_account_id', ids)])).filter(visibleContact)),
    opportunitiesByIds: async (ids) => (await byIds(OPPORTUNITY, ids)).filter(visibleDeal),
    opportunitiesByAccountIds: async (ids) =>
      ids.length === 0 ? [] : latestFirst(await opportunities([inList('tessera_account_id', ids)]), (o) => o.closeDate),
    opportunitiesPage: async (filter, request) => {
      const stageIds = filter.stage?.length ? (await hubspotCall(() => portal.stages())).stageIdsOf(filter.stage) : [];
      if (filter.stage?.length && stageIds.length === 0) return { rows: [], total: request.countTotal === false ? null : 0 };
      const filters = [
        ...(filter.accountId ? [equal('tessera_account_id', filter.accountId)] : []),
        ...(stageIds.length ? [inList('dealstage', stageIds)] : []),
      ];
      return page(OPPORTUNITY, filters, DEAL_SCOPE, visibleDeal, request);
    },
    // A line is visible with its opportunity.
    opportunityLinesByOpportunityIds: async (ids) => {
      const visible = ids.length === 0 ? [] : await visibleOpportunityIds(ids);
      return visible.length === 0 ? [] : byId(await search(LINE, [inList('tessera_opportunity_id', visible)]));
    },
    contractsByIds: async (ids) => (await byIds(CONTRACT, ids)).filter(visibleDeal),
    contractsByAccountIds: async (ids) =>
      ids.length === 0 ? [] : latestFirst(await contracts([inList('account_id', ids)]), (c) => c.startDate),
    contractsByOpportunityIds: async (ids) => (ids.length === 0 ? [] : byId(await contracts([inList('opportunity_id', ids)]))),
    contractsPage: (filter, request) => {
      const filters = [
        ...(filter.accountId ? [equal('account_id', filter.accountId)] : []),
        ...(filter.status?.length ? [inList('status', filter.status)] : []),
      ];
      return page(CONTRACT, filters, CONTRACT_SCOPE, visibleDeal, request);
    },
    contractAmendmentsByContractIds: async (ids) => {
      const visible = ids.length === 0 ? [] : (await byIds(CONTRACT, ids)).filter(visibleDeal).map((c) => c.id);
      return visible.length === 0 ? [] : byContractVersion(await search(AMENDMENT, [inList('contract_id', visible)]));
    },
  };
}
