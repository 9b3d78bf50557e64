/**
 * The CRM read port over the in-memory vendor: the same answers as the SQL adapter (same orders,
 * same filters, same scope rules through `isVisible`), computed from the vendor's query results.
 * Bound to a capability call, it reads through the kernel's `beforeCallView` (callHistory.ts): the
 * records as they were before that call's own writes.
 */
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { currentView, viewed, type View } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import type { Contract, Opportunity } from '../../ports/types.ts';
import { byContractVersion, byId, keyIn, latestFirst, pageOf } from '../recordOrder.ts';
import { createMemoryCrmMetricReads } from './memoryMetrics.ts';
import { OBJECT, type CrmRecords, type ObjectType } from './objects.ts';

const DEAL = {
  legalEntity: (deal: Opportunity | Contract) => deal.legalEntityId,
  account: (deal: Opportunity | Contract) => deal.accountId,
};

export function createMemoryCrmReads(vendor: InMemoryVendor, scope: RecordScope, view: View = currentView): CrmReadPort {
  const all = <K extends ObjectType>(type: K): Promise<CrmRecords[K][]> => viewed<CrmRecords[K]>(vendor, 'crm', type, view);
  const accounts = async () => (await all(OBJECT.account)).filter(isVisible(scope, { account: (account) => account.id }));
  const contacts = async () => (await all(OBJECT.contact)).filter(isVisible(scope, { account: (contact) => contact.accountId }));
  const opportunities = async () => (await all(OBJECT.opportunity)).filter(isVisible(scope, DEAL));
  const contracts = async () => (await all(OBJECT.contract)).filter(isVisible(scope, DEAL));
  return {
    ...createMemoryCrmMetricReads(opportunities),
    accountsByIds: async (ids) => (ids.length === 0 ? [] : (await accounts()).filter(keyIn(ids, (a) => a.id))),
    accountsPage: async (filter, page) => {
      const needle = filter.nameContains?.toLowerCase();
      return pageOf(
        (await accounts()).filter(
          (account) =>
            (!filter.type?.length || filter.type.includes(account.type)) && (!needle || account.name.toLowerCase().includes(needle)),
        ),
        page,
      );
    },
    contactsByIds: async (ids) => (ids.length === 0 ? [] : (await contacts()).filter(keyIn(ids, (c) => c.id))),
    contactsByAccountIds: async (ids) => (ids.length === 0 ? [] : byId((await contacts()).filter(keyIn(ids, (c) => c.accountId)))),
    opportunitiesByIds: async (ids) => (ids.length === 0 ? [] : (await opportunities()).filter(keyIn(ids, (o) => o.id))),
    opportunitiesByAccountIds: async (ids) =>
      ids.length === 0 ? [] : latestFirst((await opportunities()).filter(keyIn(ids, (o) => o.accountId)), (o) => o.closeDate),
    opportunitiesPage: async (filter, page) =>
      pageOf(
        (await opportunities()).filter(
          (o) => (!filter.stage?.length || filter.stage.includes(o.stage)) && (!filter.accountId || o.accountId === filter.accountId),
        ),
        page,
      ),
    // A line is visible with its opportunity.
    opportunityLinesByOpportunityIds: async (ids) => {
      if (ids.length === 0) return [];
      const visible = new Set((await opportunities()).filter(keyIn(ids, (o) => o.id)).map((o) => o.id));
      return byId((await all(OBJECT.line)).filter((line) => visible.has(line.opportunityId)));
    },
    contractsByIds: async (ids) => (ids.length === 0 ? [] : (await contracts()).filter(keyIn(ids, (c) => c.id))),
    contractsByAccountIds: async (ids) =>
      ids.length === 0 ? [] : latestFirst((await contracts()).filter(keyIn(ids, (c) => c.accountId)), (c) => c.startDate),
    contractsByOpportunityIds: async (ids) =>
      ids.length === 0 ? [] : byId((await contracts()).filter((c) => c.opportunityId !== null && ids.includes(c.opportunityId))),
    contractsPage: async (filter, page) =>
      pageOf(
        (await contracts()).filter(
          (c) => (!filter.status?.length || filter.status.includes(c.status)) && (!filter.accountId || c.accountId === filter.accountId),
        ),
        page,
      ),
    contractAmendmentsByContractIds: async (ids) => {
      const visible = new Set((await contracts()).map((c) => c.id));
      return byContractVersion((await all(OBJECT.amendment)).filter((a) => ids.includes(a.contractId) && visible.has(a.contractId)));
    },
  };
}
