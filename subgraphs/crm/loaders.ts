import { groupLoader, rowLoader } from '../runtime/loaders.ts';
import type { CrmStore } from './store.ts';

/** The CRM's per-request loaders: one SQL statement per relation per request tick. */
export function createCrmLoaders(store: CrmStore) {
  return {
    account: rowLoader((ids: readonly string[]) => store.accountsByIds(ids), (row) => row.id),
    contact: rowLoader((ids: readonly string[]) => store.contactsByIds(ids), (row) => row.id),
    contactsByAccount: groupLoader((ids: readonly string[]) => store.contactsByAccountIds(ids), (row) => row.account_id),
    opportunity: rowLoader((ids: readonly string[]) => store.opportunitiesByIds(ids), (row) => row.id),
    opportunitiesByAccount: groupLoader((ids: readonly string[]) => store.opportunitiesByAccountIds(ids), (row) => row.account_id),
    linesByOpportunity: groupLoader((ids: readonly string[]) => store.opportunityLinesByOpportunityIds(ids), (row) => row.opportunity_id),
    contract: rowLoader((ids: readonly string[]) => store.contractsByIds(ids), (row) => row.id),
    contractsByAccount: groupLoader((ids: readonly string[]) => store.contractsByAccountIds(ids), (row) => row.account_id),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;
