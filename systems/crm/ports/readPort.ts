/**
 * How the CRM subgraph and its capabilities read the system of record. A port is bound to one
 * caller's record scope when it is made (docs/model.md#record-policies): every method answers only
 * records that scope may see, so a hidden record reads exactly like a missing one. Every method is
 * a batch or a page: one call answers many keys.
 */
import type { CrmMetricsReads } from './metricsPort.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import type { Account, Contact, Contract, ContractAmendment, Opportunity, OpportunityLine } from './types.ts';

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

/** With the metric aggregates of docs/metrics.md (metricsPort.ts). */
export interface CrmReadPort extends CrmMetricsReads {
  accountsByIds(ids: readonly string[]): Promise<Account[]>;
  /** In id order (`first + 1` rows after the cursor) with the filtered count; hidden records are not counted. */
  accountsPage(filter: AccountFilter, page: PageRequest): Promise<Page<Account>>;
  contactsByIds(ids: readonly string[]): Promise<Contact[]>;
  /** In id order. */
  contactsByAccountIds(accountIds: readonly string[]): Promise<Contact[]>;
  opportunitiesByIds(ids: readonly string[]): Promise<Opportunity[]>;
  /** Latest close date first, then id. */
  opportunitiesByAccountIds(accountIds: readonly string[]): Promise<Opportunity[]>;
  opportunitiesPage(filter: OpportunityFilter, page: PageRequest): Promise<Page<Opportunity>>;
  /** In id order; only lines of opportunities the scope sees. */
  opportunityLinesByOpportunityIds(opportunityIds: readonly string[]): Promise<OpportunityLine[]>;
  contractsByIds(ids: readonly string[]): Promise<Contract[]>;
  /** Latest start date first, then id. */
  contractsByAccountIds(accountIds: readonly string[]): Promise<Contract[]>;
  /** In id order, every status. */
  contractsByOpportunityIds(opportunityIds: readonly string[]): Promise<Contract[]>;
  contractsPage(filter: ContractFilter, page: PageRequest): Promise<Page<Contract>>;
  /** Amendments of the contracts the scope sees, by contract id then version (docs/model.md#contractamendment). */
  contractAmendmentsByContractIds(contractIds: readonly string[]): Promise<ContractAmendment[]>;
}
