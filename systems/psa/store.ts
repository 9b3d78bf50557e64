import type { RecordScope } from '../../policies/recordScope.ts';
import type { Page, PageRequest } from '../kernel/pagination.ts';
import type {
  AssignmentRow, BillingDraftItemRow, BillingDraftRow, ContractLineRow, MilestoneRow, ProjectRow, ResourceRequestRow,
  ResourceRow, RoleRow, TimecardRow, TimeEntryRow,
} from './tables.ts';

export interface ProjectFilter {
  readonly status?: readonly string[] | null;
  readonly type?: readonly string[] | null;
  readonly customerId?: string | null;
  readonly legalEntityId?: string | null;
}

export interface ResourceFilter {
  readonly roleId?: string | null;
  readonly homeLegalEntityId?: string | null;
}

/** Per-project time aggregates computed in SQL (never by loading every time entry). */
export interface ProjectTimeTotals {
  readonly approvedHoursE2: number;
  readonly unbilledWipE4: number;
}

/**
 * The port between the PSA subgraph and its system of record (Certinia, Kantata, ... or the
 * built-in SQL reference system). Every method answers a batch of keys.
 */
export interface PsaStore {
  projectsByIds(ids: readonly string[]): Promise<ProjectRow[]>;
  /** Filtered to the caller's scope in the query itself, so counts and cursors never see hidden rows. */
  projectsPage(filter: ProjectFilter, page: PageRequest, scope: RecordScope): Promise<Page<ProjectRow>>;
  projectsByAccountIds(accountIds: readonly string[]): Promise<ProjectRow[]>;
  projectsByContractIds(contractIds: readonly string[]): Promise<ProjectRow[]>;
  /** Distinct resources on confirmed or active assignments, per project (projects without any are absent). */
  projectStaffCounts(projectIds: readonly string[]): Promise<Map<string, number>>;
  /** Approved hours and unbilled WIP per project (projects without approved time are absent). */
  projectTimeTotals(projectIds: readonly string[]): Promise<Map<string, ProjectTimeTotals>>;
  contractLinesByContractIds(contractIds: readonly string[]): Promise<ContractLineRow[]>;
  milestonesByProjectIds(projectIds: readonly string[]): Promise<MilestoneRow[]>;
  rolesByIds(ids: readonly string[]): Promise<RoleRow[]>;
  allRoles(): Promise<RoleRow[]>;
  resourcesByIds(ids: readonly string[]): Promise<ResourceRow[]>;
  resourcesPage(filter: ResourceFilter, page: PageRequest): Promise<Page<ResourceRow>>;
  assignmentsByIds(ids: readonly string[]): Promise<AssignmentRow[]>;
  assignmentsByProjectIds(projectIds: readonly string[]): Promise<AssignmentRow[]>;
  assignmentsByResourceIds(resourceIds: readonly string[]): Promise<AssignmentRow[]>;
  resourceRequestsByProjectIds(projectIds: readonly string[]): Promise<ResourceRequestRow[]>;
  timecardsByIds(ids: readonly string[]): Promise<TimecardRow[]>;
  /** The latest `limit` timecards of each project (by week), optionally in some statuses. */
  recentTimecardsByProjectIds(projectIds: readonly string[], statuses: readonly string[] | null, limit: number): Promise<TimecardRow[]>;
  timeEntriesByTimecardIds(timecardIds: readonly string[]): Promise<TimeEntryRow[]>;
  billingDraftsByIds(ids: readonly string[]): Promise<BillingDraftRow[]>;
  billingDraftsByProjectIds(projectIds: readonly string[]): Promise<BillingDraftRow[]>;
  billingDraftItemsByDraftIds(draftIds: readonly string[]): Promise<BillingDraftItemRow[]>;
}
