import type { RecordScope } from '../../policies/recordScope.ts';
import { groupLoader, rowLoader } from '../kernel/loaders.ts';
import { visibleRows } from '../kernel/visibleRows.ts';
import type { CrmStore } from './store.ts';
import type { AccountRow, ContactRow, ContractRow, OpportunityRow } from './tables.ts';

/**
 * The CRM's per-request loaders: one SQL statement per relation per request tick, and only rows
 * the caller's record scope allows (partners: their own accounts; legal entities: deals and contracts).
 */
export function createCrmLoaders(store: CrmStore, scope: RecordScope) {
  const account = { account: (row: AccountRow) => row.id };
  const contact = { account: (row: ContactRow) => row.account_id };
  const deal = { legalEntity: (row: OpportunityRow | ContractRow) => row.legal_entity_id, account: (row: OpportunityRow | ContractRow) => row.account_id };
  return {
    account: rowLoader(visibleRows((ids: readonly string[]) => store.accountsByIds(ids), scope, account), (row) => row.id),
    contact: rowLoader(visibleRows((ids: readonly string[]) => store.contactsByIds(ids), scope, contact), (row) => row.id),
    contactsByAccount: groupLoader(visibleRows((ids: readonly string[]) => store.contactsByAccountIds(ids), scope, contact), (row) => row.account_id),
    opportunity: rowLoader(visibleRows((ids: readonly string[]) => store.opportunitiesByIds(ids), scope, deal), (row) => row.id),
    opportunitiesByAccount: groupLoader(visibleRows((ids: readonly string[]) => store.opportunitiesByAccountIds(ids), scope, deal), (row) => row.account_id),
    linesByOpportunity: groupLoader((ids: readonly string[]) => store.opportunityLinesByOpportunityIds(ids), (row) => row.opportunity_id),
    contract: rowLoader(visibleRows((ids: readonly string[]) => store.contractsByIds(ids), scope, deal), (row) => row.id),
    contractsByAccount: groupLoader(visibleRows((ids: readonly string[]) => store.contractsByAccountIds(ids), scope, deal), (row) => row.account_id),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;
