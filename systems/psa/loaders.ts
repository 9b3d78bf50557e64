import { groupLoader, loaderFamily, priming, rowLoader, valueLoader } from '../kernel/loaders.ts';
import type { PsaReadPort } from './ports/readPort.ts';
import type { ProjectTimeTotals } from './ports/types.ts';

const NO_TIME: ProjectTimeTotals = { approvedHoursE2: 0, unbilledWipE4: 0 };

/**
 * The PSA's per-request loaders over its read port: one read per relation per request tick. The
 * port is bound to the caller's record scope, so every loader answers only records inside it.
 */
export function createPsaLoaders(read: PsaReadPort) {
  const timecard = rowLoader(
    (ids: readonly string[]) => read.timecardsByIds(ids),
    (record) => record.id,
  );
  const billingDraft = rowLoader(
    (ids: readonly string[]) => read.billingDraftsByIds(ids),
    (record) => record.id,
  );
  return {
    project: rowLoader(
      (ids: readonly string[]) => read.projectsByIds(ids),
      (record) => record.id,
    ),
    projectsByAccount: groupLoader(
      (ids: readonly string[]) => read.projectsByAccountIds(ids),
      (record) => record.accountId ?? '',
    ),
    projectsByContract: groupLoader(
      (ids: readonly string[]) => read.projectsByContractIds(ids),
      (record) => record.contractId ?? '',
    ),
    staffCount: valueLoader((ids: readonly string[]) => read.projectStaffCounts(ids), 0),
    timeTotals: valueLoader((ids: readonly string[]) => read.projectTimeTotals(ids), NO_TIME),
    contractLinesByContract: groupLoader(
      (ids: readonly string[]) => read.contractLinesByContractIds(ids),
      (record) => record.contractId,
    ),
    milestonesByProject: groupLoader(
      (ids: readonly string[]) => read.milestonesByProjectIds(ids),
      (record) => record.projectId,
    ),
    role: rowLoader(
      (ids: readonly string[]) => read.rolesByIds(ids),
      (record) => record.id,
    ),
    resource: rowLoader(
      (ids: readonly string[]) => read.visibleResourcesByIds(ids),
      (record) => record.id,
    ),
    assignment: rowLoader(
      (ids: readonly string[]) => read.assignmentsByIds(ids),
      (record) => record.id,
    ),
    assignmentsByProject: groupLoader(
      (ids: readonly string[]) => read.assignmentsByProjectIds(ids),
      (record) => record.projectId,
    ),
    assignmentsByResource: groupLoader(
      (ids: readonly string[]) => read.assignmentsByResourceIds(ids),
      (record) => record.resourceId,
    ),
    resourceRequestsByProject: groupLoader(
      (ids: readonly string[]) => read.resourceRequestsByProjectIds(ids),
      (record) => record.projectId,
    ),
    timecard,
    recentTimecardsByProject: loaderFamily((args: { statuses: readonly string[] | null; limit: number }) =>
      groupLoader(
        priming((ids: readonly string[]) => read.recentTimecardsByProjectIds(ids, args.statuses, args.limit), timecard),
        (record) => record.projectId,
      ),
    ),
    entriesByTimecard: groupLoader(
      (ids: readonly string[]) => read.timeEntriesByTimecardIds(ids),
      (record) => record.timecardId,
    ),
    billingDraft,
    billingDraftsByProject: groupLoader(
      priming((ids: readonly string[]) => read.billingDraftsByProjectIds(ids), billingDraft),
      (record) => record.projectId,
    ),
    billingHoldsByProject: groupLoader(
      (ids: readonly string[]) => read.billingHoldsByProjectIds(ids, false),
      (record) => record.projectId,
    ),
    sourceWriteOffsByProject: groupLoader(
      (ids: readonly string[]) => read.sourceWriteOffsByProjectIds(ids),
      (record) => record.projectId,
    ),
    releasedItemsByDraft: groupLoader(
      (ids: readonly string[]) => read.releasedDraftItemsByDraftIds(ids),
      (record) => record.draftId,
    ),
    expense: rowLoader(
      (ids: readonly string[]) => read.expensesByIds(ids),
      (record) => record.id,
    ),
    itemsByDraft: groupLoader(
      (ids: readonly string[]) => read.billingDraftItemsByDraftIds(ids),
      (record) => record.draftId,
    ),
  };
}

export type PsaLoaders = ReturnType<typeof createPsaLoaders>;
