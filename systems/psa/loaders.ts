import type { RecordScope } from '../../policies/recordScope.ts';
import { groupLoader, loaderFamily, priming, rowLoader, valueLoader } from '../kernel/loaders.ts';
import { visibleRows, visibleThroughParent } from '../kernel/visibleRows.ts';
import type { ProjectTimeTotals, PsaStore } from './store.ts';
import type { BillingDraftRow, ProjectRow } from './tables.ts';

const NO_TIME: ProjectTimeTotals = { approvedHoursE2: 0, unbilledWipE4: 0 };

/**
 * The PSA's per-request loaders: one SQL statement per relation per request tick, and only rows in
 * the caller's record scope. Projects and billing drafts carry their legal entity and customer;
 * assignments and timecards are visible through their project.
 */
export function createPsaLoaders(store: PsaStore, scope: RecordScope) {
  const scoped = { legalEntity: (row: ProjectRow | BillingDraftRow) => row.legal_entity_id, account: (row: ProjectRow | BillingDraftRow) => row.account_id };
  const project = rowLoader(visibleRows((ids: readonly string[]) => store.projectsByIds(ids), scope, scoped), (row) => row.id);
  const timecard = rowLoader(visibleThroughParent((ids: readonly string[]) => store.timecardsByIds(ids), project, (row) => row.project_id), (row) => row.id);
  const billingDraft = rowLoader(visibleRows((ids: readonly string[]) => store.billingDraftsByIds(ids), scope, scoped), (row) => row.id);
  return {
    project,
    projectsByAccount: groupLoader(visibleRows((ids: readonly string[]) => store.projectsByAccountIds(ids), scope, scoped), (row) => row.account_id ?? ''),
    projectsByContract: groupLoader(visibleRows((ids: readonly string[]) => store.projectsByContractIds(ids), scope, scoped), (row) => row.contract_id ?? ''),
    staffCount: valueLoader((ids: readonly string[]) => store.projectStaffCounts(ids), 0),
    timeTotals: valueLoader((ids: readonly string[]) => store.projectTimeTotals(ids), NO_TIME),
    contractLinesByContract: groupLoader((ids: readonly string[]) => store.contractLinesByContractIds(ids), (row) => row.contract_id),
    milestonesByProject: groupLoader((ids: readonly string[]) => store.milestonesByProjectIds(ids), (row) => row.project_id),
    role: rowLoader((ids: readonly string[]) => store.rolesByIds(ids), (row) => row.id),
    resource: rowLoader((ids: readonly string[]) => store.resourcesByIds(ids), (row) => row.id),
    assignment: rowLoader(visibleThroughParent((ids: readonly string[]) => store.assignmentsByIds(ids), project, (row) => row.project_id), (row) => row.id),
    assignmentsByProject: groupLoader((ids: readonly string[]) => store.assignmentsByProjectIds(ids), (row) => row.project_id),
    assignmentsByResource: groupLoader(visibleThroughParent((ids: readonly string[]) => store.assignmentsByResourceIds(ids), project, (row) => row.project_id), (row) => row.resource_id),
    resourceRequestsByProject: groupLoader((ids: readonly string[]) => store.resourceRequestsByProjectIds(ids), (row) => row.project_id),
    timecard,
    recentTimecardsByProject: loaderFamily((args: { statuses: readonly string[] | null; limit: number }) =>
      groupLoader(priming((ids: readonly string[]) => store.recentTimecardsByProjectIds(ids, args.statuses, args.limit), timecard), (row) => row.project_id),
    ),
    entriesByTimecard: groupLoader((ids: readonly string[]) => store.timeEntriesByTimecardIds(ids), (row) => row.timecard_id),
    billingDraft,
    billingDraftsByProject: groupLoader(priming(visibleRows((ids: readonly string[]) => store.billingDraftsByProjectIds(ids), scope, scoped), billingDraft), (row) => row.project_id),
    itemsByDraft: groupLoader((ids: readonly string[]) => store.billingDraftItemsByDraftIds(ids), (row) => row.draft_id),
  };
}

export type PsaLoaders = ReturnType<typeof createPsaLoaders>;
