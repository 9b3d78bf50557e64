import { groupLoader, rowLoader } from '../kernel/loaders.ts';
import type { CrmReadPort } from './ports/readPort.ts';

/**
 * The CRM's per-request loaders over its scoped read port: one batch per relation per request tick,
 * and only records the caller's record scope allows (the port answers nothing else).
 */
export function createCrmLoaders(read: CrmReadPort) {
  return {
    account: rowLoader(
      (ids: readonly string[]) => read.accountsByIds(ids),
      (account) => account.id,
    ),
    contact: rowLoader(
      (ids: readonly string[]) => read.contactsByIds(ids),
      (contact) => contact.id,
    ),
    contactsByAccount: groupLoader(
      (ids: readonly string[]) => read.contactsByAccountIds(ids),
      (contact) => contact.accountId,
    ),
    opportunity: rowLoader(
      (ids: readonly string[]) => read.opportunitiesByIds(ids),
      (opportunity) => opportunity.id,
    ),
    opportunitiesByAccount: groupLoader(
      (ids: readonly string[]) => read.opportunitiesByAccountIds(ids),
      (opportunity) => opportunity.accountId,
    ),
    linesByOpportunity: groupLoader(
      (ids: readonly string[]) => read.opportunityLinesByOpportunityIds(ids),
      (line) => line.opportunityId,
    ),
    contract: rowLoader(
      (ids: readonly string[]) => read.contractsByIds(ids),
      (contract) => contract.id,
    ),
    contractsByAccount: groupLoader(
      (ids: readonly string[]) => read.contractsByAccountIds(ids),
      (contract) => contract.accountId,
    ),
    amendmentsByContract: groupLoader(
      (ids: readonly string[]) => read.contractAmendmentsByContractIds(ids),
      (amendment) => amendment.contractId,
    ),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;
