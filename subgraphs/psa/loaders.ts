import { groupLoader, loaderFamily, priming, rowLoader, valueLoader } from '../runtime/loaders.ts';
import type { ProjectTimeTotals, PsaStore } from './store.ts';

const NO_TIME: ProjectTimeTotals = { approvedHoursE2: 0, unbilledWipE4: 0 };

/** The PSA's per-request loaders: one SQL statement per relation per request tick. */
export function createPsaLoaders(store: PsaStore) {
  const timecard = rowLoader((ids: readonly string[]) => store.timecardsByIds(ids), (row) => row.id);
  const billingDraft = rowLoader((ids: readonly string[]) => store.billingDraftsByIds(ids), (row) => row.id);
  return {
    project: rowLoader((ids: readonly string[]) => store.projectsByIds(ids), (row) => row.id),
    projectsByAccount: groupLoader((ids: readonly string[]) => store.projectsByAccountIds(ids), (row) => row.account_id ?? ''),
    projectsByContract: groupLoader((ids: readonly string[]) => store.projectsByContractIds(ids), (row) => row.contract_id ?? ''),
    staffCount: valueLoader((ids: readonly string[]) => store.projectStaffCounts(ids), 0),
    timeTotals: valueLoader((ids: readonly string[]) => store.projectTimeTotals(ids), NO_TIME),
    contractLinesByContract: groupLoader((ids: readonly string[]) => store.contractLinesByContractIds(ids), (row) => row.contract_id),
    milestonesByProject: groupLoader((ids: readonly string[]) => store.milestonesByProjectIds(ids), (row) => row.project_id),
    role: rowLoader((ids: readonly string[]) => store.rolesByIds(ids), (row) => row.id),
    resource: rowLoader((ids: readonly string[]) => store.resourcesByIds(ids), (row) => row.id),
    assignment: rowLoader((ids: readonly string[]) => store.assignmentsByIds(ids), (row) => row.id),
    assignmentsByProject: groupLoader((ids: readonly string[]) => store.assignmentsByProjectIds(ids), (row) => row.project_id),
    assignmentsByResource: groupLoader((ids: readonly string[]) => store.assignmentsByResourceIds(ids), (row) => row.resource_id),
    resourceRequestsByProject: groupLoader((ids: readonly string[]) => store.resourceRequestsByProjectIds(ids), (row) => row.project_id),
    timecard,
    recentTimecardsByProject: loaderFamily((args: { statuses: readonly string[] | null; limit: number }) =>
      groupLoader(priming((ids: readonly string[]) => store.recentTimecardsByProjectIds(ids, args.statuses, args.limit), timecard), (row) => row.project_id),
    ),
    entriesByTimecard: groupLoader((ids: readonly string[]) => store.timeEntriesByTimecardIds(ids), (row) => row.timecard_id),
    billingDraft,
    billingDraftsByProject: groupLoader(priming((ids: readonly string[]) => store.billingDraftsByProjectIds(ids), billingDraft), (row) => row.project_id),
    itemsByDraft: groupLoader((ids: readonly string[]) => store.billingDraftItemsByDraftIds(ids), (row) => row.draft_id),
  };
}

export type PsaLoaders = ReturnType<typeof createPsaLoaders>;
