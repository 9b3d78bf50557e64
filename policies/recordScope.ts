import { legalEntityId } from '../core/legalEntityId.ts';
import type { Principal } from '../auth/principal.ts';

/**
 * The record-level half of the named policies, as data a store can put in a WHERE clause:
 * `null` means unrestricted. A hidden row is treated exactly like a missing one (NOT_FOUND, or
 * absent from a list), so the answer is no existence oracle.
 */
export interface RecordScope {
  /** legalEntityScoped: canonical ids of the legal entities the caller may see. */
  readonly legalEntityIds: readonly string[] | null;
  /** partnerAccountScoped: the customer accounts a partner may see. */
  readonly accountIds: readonly string[] | null;
}

/** Nothing is visible: an anonymous caller reaching a subgraph sees no scoped record. */
export const NO_RECORDS: RecordScope = Object.freeze({ legalEntityIds: [], accountIds: [] });

export function recordScope(principal: Principal | null): RecordScope {
  if (principal === null) return NO_RECORDS;
  return Object.freeze({
    legalEntityIds: principal.legalEntities === '*' ? null : principal.legalEntities.map(legalEntityId),
    accountIds: principal.partnerAccounts,
  });
}

/** Whether a record of `legalEntity` is visible (`null` legal entity: not scoped by it). */
export function seesLegalEntity(scope: RecordScope, legalEntity: string | null): boolean {
  return scope.legalEntityIds === null || legalEntity === null || scope.legalEntityIds.includes(legalEntity);
}

/** Whether a record of customer `account` is visible (`null` account: internal record, hidden from partners). */
export function seesAccount(scope: RecordScope, account: string | null): boolean {
  return scope.accountIds === null || (account !== null && scope.accountIds.includes(account));
}
