import DataLoader from 'dataloader';
import { groupLoader, MAX_BATCH, rowLoader } from '../kernel/loaders.ts';
import type { CrmReadPort } from './ports/readPort.ts';

/**
 * The CRM's per-request loaders over its scoped read port: one batch per relation per request tick,
 * and only records the caller's record scope allows (the port answers nothing else).
 */
export function createCrmLoaders(read: CrmReadPort) {
  return {
    account: mergedRowLoader((ids: readonly string[]) => read.accountsByIds(ids)),
    contact: rowLoader(
      (ids: readonly string[]) => read.contactsByIds(ids),
      (contact) => contact.id,
    ),
    contactsByAccount: groupLoader(
      (ids: readonly string[]) => read.contactsByAccountIds(ids),
      (contact) => contact.accountId,
    ),
    opportunity: mergedRowLoader((ids: readonly string[]) => read.opportunitiesByIds(ids)),
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

/**
 * A row loader that also finds a record by the ids merged into it: with two CRMs, the id of a
 * merged duplicate answers its survivor (docs/crosswalk.md#reading-both-crms).
 */
function mergedRowLoader<V extends { readonly id: string; readonly mergedIds?: readonly string[] }>(
  fetch: (ids: readonly string[]) => Promise<readonly V[]>,
): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(
    async (ids) => {
      const byId = new Map<string, V>();
      for (const row of await fetch(ids)) for (const id of [row.id, ...(row.mergedIds ?? [])]) byId.set(id, row);
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;
