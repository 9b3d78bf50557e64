import type { RecordScope } from '../../policies/recordScope.ts';
import type { Page, PageRequest } from '../kernel/pagination.ts';
import type { AccountRow, ContactRow, ContractRow, OpportunityLineRow, OpportunityRow } from './tables.ts';

export interface AccountFilter {
  readonly type?: readonly string[] | null;
  readonly nameContains?: string | null;
}

export interface OpportunityFilter {
  readonly stage?: readonly string[] | null;
  readonly accountId?: string | null;
}

export interface ContractFilter {
  readonly status?: readonly string[] | null;
  readonly accountId?: string | null;
}

/**
 * The port between the CRM subgraph and its system of record. The built-in implementation is
 * SQL (sqlStore.ts); a Salesforce or HubSpot adapter implements the same interface. Every
 * method is a batch: one call answers many keys.
 */
export interface CrmStore {
  accountsByIds(ids: readonly string[]): Promise<AccountRow[]>;
  /** Pages are filtered to the caller's scope in the query itself, so counts and cursors never see hidden rows. */
  accountsPage(filter: AccountFilter, page: PageRequest, scope: RecordScope): Promise<Page<AccountRow>>;
  contactsByIds(ids: readonly string[]): Promise<ContactRow[]>;
  contactsByAccountIds(accountIds: readonly string[]): Promise<ContactRow[]>;
  opportunitiesByIds(ids: readonly string[]): Promise<OpportunityRow[]>;
  opportunitiesByAccountIds(accountIds: readonly string[]): Promise<OpportunityRow[]>;
  opportunitiesPage(filter: OpportunityFilter, page: PageRequest, scope: RecordScope): Promise<Page<OpportunityRow>>;
  opportunityLinesByOpportunityIds(opportunityIds: readonly string[]): Promise<OpportunityLineRow[]>;
  contractsByIds(ids: readonly string[]): Promise<ContractRow[]>;
  contractsByAccountIds(accountIds: readonly string[]): Promise<ContractRow[]>;
  contractsPage(filter: ContractFilter, page: PageRequest, scope: RecordScope): Promise<Page<ContractRow>>;
}
