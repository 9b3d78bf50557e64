/**
 * How the PSA reads its system of record: batch reads for resolvers, loaders and capabilities,
 * bound to one record scope when the port is made. Every method answers only what the scope may
 * see (a project outside the caller's legal entities or customers, and everything that belongs to
 * it, reads as missing), except the methods marked "not scoped": reference data (roles, people)
 * and facts about a resource or a contract that no record policy restricts.
 */
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import type { PsaMetricsReads } from './metricsPort.ts';
import type {
  Assignment,
  BillingDraft,
  BillingDraftItem,
  Booking,
  ContractLine,
  Milestone,
  Project,
  ProjectTimeTotals,
  ReadySources,
  Resource,
  ResourceRequest,
  Role,
  Timecard,
  TimeEntry,
} from './types.ts';
import type { ExpenseReads } from './expensePorts.ts';
import type { BillingControlReads } from './billingControls.ts';
import type { SourceCreditReads } from './sourceCredits.ts';
import type { ProjectLifecycleReads } from './lifecyclePorts.ts';
import type { TimeControlReads } from './timePorts.ts';

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

export interface PsaReadPort
  extends ExpenseReads, BillingControlReads, SourceCreditReads, ProjectLifecycleReads, TimeControlReads, PsaMetricsReads {
  projectsByIds(ids: readonly string[]): Promise<Project[]>;
  /** The scope is applied before counting and paging: counts and cursors never see a hidden project. */
  projectsPage(filter: ProjectFilter, page: PageRequest): Promise<Page<Project>>;
  projectsByAccountIds(accountIds: readonly string[]): Promise<Project[]>;
  projectsByContractIds(contractIds: readonly string[]): Promise<Project[]>;
  /** Distinct resources on confirmed or active assignments, per project (projects without any are absent). */
  projectStaffCounts(projectIds: readonly string[]): Promise<Map<string, number>>;
  /** Approved hours and unbilled WIP per project (projects without approved time are absent). */
  projectTimeTotals(projectIds: readonly string[]): Promise<Map<string, ProjectTimeTotals>>;
  /** Not scoped: a line is the PSA's part of a CRM contract, readable wherever the contract is. In id order. */
  contractLinesByContractIds(contractIds: readonly string[]): Promise<ContractLine[]>;
  milestonesByIds(ids: readonly string[]): Promise<Milestone[]>;
  /** By target date. */
  milestonesByProjectIds(projectIds: readonly string[]): Promise<Milestone[]>;
  /** Not scoped (reference data). */
  rolesByIds(ids: readonly string[]): Promise<Role[]>;
  /** Not scoped (reference data). */
  allRoles(): Promise<Role[]>;
  /** Not scoped: a resource of another legal entity is staffable (intercompany); for capabilities, never for answers to a caller. */
  resourcesByIds(ids: readonly string[]): Promise<Resource[]>;
  /**
   * The people the scope may see: every one for a caller the customer-account rule does not
   * restrict (a resource of another legal entity is an intercompany colleague), else only those
   * working on a project the scope sees (assigned, with time on it, or its project manager);
   * docs/ownership.md#what-partners-see.
   */
  visibleResourcesByIds(ids: readonly string[]): Promise<Resource[]>;
  /** Not scoped: the resource whose id or e-mail (any case) is a principal's subject, if any. */
  resourceOfSubject(subject: string): Promise<Resource | null>;
  /** The people `visibleResourcesByIds` answers, counted and paged after the scope is applied. */
  resourcesPage(filter: ResourceFilter, page: PageRequest): Promise<Page<Resource>>;
  /**
   * Not scoped: the hard bookings (confirmed or active) of a resource overlapping the dates, on any
   * project, since every one of them takes the resource's hours. Dates and hours only.
   */
  hardBookings(resourceId: string, startDate: string, endDate: string): Promise<Booking[]>;
  assignmentsByIds(ids: readonly string[]): Promise<Assignment[]>;
  /** By start date. */
  assignmentsByProjectIds(projectIds: readonly string[]): Promise<Assignment[]>;
  /** By start date; only those on projects the scope sees. */
  assignmentsByResourceIds(resourceIds: readonly string[]): Promise<Assignment[]>;
  resourceRequestsByIds(ids: readonly string[]): Promise<ResourceRequest[]>;
  resourceRequestsByProjectIds(projectIds: readonly string[]): Promise<ResourceRequest[]>;
  timecardsByIds(ids: readonly string[]): Promise<Timecard[]>;
  /** The resource's timecard of the week on the project, or null. */
  timecardOfWeek(resourceId: string, projectId: string, weekStart: string): Promise<Timecard | null>;
  /** The latest `limit` timecards of each project (newest week first), optionally in some statuses. */
  recentTimecardsByProjectIds(projectIds: readonly string[], statuses: readonly string[] | null, limit: number): Promise<Timecard[]>;
  /** By date. */
  timeEntriesByTimecardIds(timecardIds: readonly string[]): Promise<TimeEntry[]>;
  /** Approved time, milestones and expenses of the project ready to bill on or before the cut-off. */
  readySources(projectId: string, cutoffDate: string): Promise<ReadySources>;
  billingDraftsByIds(ids: readonly string[]): Promise<BillingDraft[]>;
  /** Newest cut-off first. */
  billingDraftsByProjectIds(projectIds: readonly string[]): Promise<BillingDraft[]>;
  billingDraftItemsByDraftIds(draftIds: readonly string[]): Promise<BillingDraftItem[]>;
  /** Billed to date on a contract: the summaries of its drafts not discarded (e4, the drafts' currency). */
  billedOnContract(contractId: string): Promise<number>;
  /** The same, per billing draft item source type (each bills against its contract line: docs/model.md#contractline), by source type. */
  billedOnContractBySource(contractId: string): Promise<{ readonly sourceType: string; readonly amountE4: number }[]>;
  /** What the milestones of every project of the contract already plan (e4, the contract's currency). */
  plannedOnContract(contractId: string): Promise<number>;
  /** Whether a project already has the code (not scoped: codes are unique across every project). */
  projectCodeTaken(code: string): Promise<boolean>;
}
