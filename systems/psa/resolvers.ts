import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { formatHours, formatScaled, money } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { bool, found, ref, whereIn } from '../kernel/refs.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import { badUserInput } from '../../core/errors.ts';
import { seesAccount } from '../../policies/recordScope.ts';
import type { PsaLoaders } from './loaders.ts';
import type { ProjectFilter, PsaStore, ResourceFilter } from './store.ts';
import type {
  AssignmentRow, BillingDraftItemRow, BillingDraftRow, ContractLineRow, MilestoneRow, ProjectRow, ResourceRequestRow,
  PsaTables, ResourceRow, TimecardRow, TimeEntryRow,
} from './tables.ts';
import type { SystemContext } from '../kernel/referenceSystem.ts';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { psaCapabilities } from './capabilities/index.ts';

export type PsaContext = SystemContext<PsaStore, PsaLoaders, PsaTables>;

type Ctx = PsaContext;

const MAX_TIMECARDS = 200;

export const psaResolvers: GraphQLResolverMap<PsaContext> = {
  ...scalarResolvers,
  Mutation: capabilityResolvers<PsaTables, PsaContext>('psa', psaCapabilities),
  Query: {
    project: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.project.load(args.id), 'Project', args.id),
    projects: (_: unknown, args: PageArgs & { filter?: ProjectFilter | null }, ctx: Ctx) =>
      connectionOf(args, (page) => ctx.store.projectsPage(args.filter ?? {}, page, ctx.scope)),
    resource: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.resource.load(args.id), 'Resource', args.id),
    resources: (_: unknown, args: PageArgs & { filter?: ResourceFilter | null }, ctx: Ctx) =>
      connectionOf(args, (page) => ctx.store.resourcesPage(args.filter ?? {}, page)),
    roles: (_: unknown, __: unknown, ctx: Ctx) => ctx.store.allRoles(),
    timecard: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.timecard.load(args.id), 'Timecard', args.id),
    billingDraft: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.billingDraft.load(args.id), 'BillingDraft', args.id),
    psaAuditLog: auditLog,
  },
  AuditEntry: auditEntryResolvers,
  Account: {
    // A partner's view: another customer's account does not exist here either.
    __resolveReference: (reference: { id: string }, ctx: Ctx) => (seesAccount(ctx.scope, reference.id) ? { id: reference.id } : null),
    projects: async (account: { id: string }, args: { status?: string[] | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.projectsByAccount.load(account.id), args.status, (row) => row.status),
  },
  Contract: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    lines: (contract: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.contractLinesByContract.load(contract.id),
    projects: (contract: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.projectsByContract.load(contract.id),
  },
  ContractLine: {
    billingMethod: (row: ContractLineRow) => row.billing_method,
    amount: (row: ContractLineRow) => (row.amount_e4 === null ? null : money(row.amount_e4, row.currency)),
    notToExceed: (row: ContractLineRow) => (row.nte_e4 === null ? null : money(row.nte_e4, row.currency)),
    rateCard: (row: ContractLineRow) => ref(row.rate_card_id),
  },
  Project: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.project.load(reference.id),
    billingMethod: (row: ProjectRow) => row.billing_method,
    customer: (row: ProjectRow) => ref(row.account_id),
    contract: (row: ProjectRow) => ref(row.contract_id),
    legalEntity: (row: ProjectRow) => ref(row.legal_entity_id),
    startDate: (row: ProjectRow) => row.start_date,
    endDate: (row: ProjectRow) => row.end_date,
    projectManager: (row: ProjectRow, _: unknown, ctx: Ctx) => (row.project_manager_id ? ctx.loaders.resource.load(row.project_manager_id) : null),
    budgetHours: (row: ProjectRow) => (row.budget_hours_e2 === null ? null : formatHours(row.budget_hours_e2)),
    plannedRevenue: (row: ProjectRow) => (row.planned_revenue_e4 === null ? null : money(row.planned_revenue_e4, row.currency)),
    milestones: (row: ProjectRow, _: unknown, ctx: Ctx) => ctx.loaders.milestonesByProject.load(row.id),
    assignments: async (row: ProjectRow, args: { status?: string[] | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.assignmentsByProject.load(row.id), args.status, (a) => a.status),
    resourceRequests: (row: ProjectRow, _: unknown, ctx: Ctx) => ctx.loaders.resourceRequestsByProject.load(row.id),
    staffCount: (row: ProjectRow, _: unknown, ctx: Ctx) => ctx.loaders.staffCount.load(row.id),
    approvedHours: async (row: ProjectRow, _: unknown, ctx: Ctx) => formatHours((await ctx.loaders.timeTotals.load(row.id)).approvedHoursE2),
    unbilledWip: async (row: ProjectRow, _: unknown, ctx: Ctx) => money((await ctx.loaders.timeTotals.load(row.id)).unbilledWipE4, row.currency),
    timecards: (row: ProjectRow, args: { status?: string[] | null; first?: number | null }, ctx: Ctx) => {
      const limit = args.first ?? 20;
      if (!Number.isInteger(limit) || limit < 0 || limit > MAX_TIMECARDS) {
        throw badUserInput(`first must be between 0 and ${MAX_TIMECARDS}; got ${limit}.`, 'first');
      }
      const statuses = args.status?.length ? [...args.status].sort() : null;
      return ctx.loaders.recentTimecardsByProject({ statuses, limit }).load(row.id);
    },
    billingDrafts: (row: ProjectRow, _: unknown, ctx: Ctx) => ctx.loaders.billingDraftsByProject.load(row.id),
    aggregateVersion: (row: ProjectRow) => row.aggregate_version,
  },
  Milestone: {
    targetDate: (row: MilestoneRow) => row.target_date,
    actualDate: (row: MilestoneRow) => row.actual_date,
    amount: (row: MilestoneRow) => money(row.amount_e4, row.currency),
    requiresCustomerSignOff: (row: MilestoneRow) => bool(row.requires_sign_off),
    approvedForBilling: (row: MilestoneRow) => bool(row.approved_for_billing),
    billingStatus: (row: MilestoneRow) => row.billing_status,
    aggregateVersion: (row: MilestoneRow) => row.aggregate_version,
  },
  Role: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.role.load(reference.id),
  },
  Resource: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.resource.load(reference.id),
    employmentType: (row: ResourceRow) => row.employment_type,
    homeLegalEntity: (row: ResourceRow) => ref(row.home_legal_entity_id),
    primaryRole: (row: ResourceRow, _: unknown, ctx: Ctx) => ctx.loaders.role.load(row.primary_role_id),
    utilizationTarget: (row: ResourceRow) => formatScaled(row.utilization_target_e4, 10_000, 2),
    isBookable: (row: ResourceRow) => bool(row.is_bookable),
    assignments: async (row: ResourceRow, args: { status?: string[] | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.assignmentsByResource.load(row.id), args.status, (a) => a.status),
  },
  ResourceRequest: {
    project: (row: ResourceRequestRow, _: unknown, ctx: Ctx) => ctx.loaders.project.load(row.project_id),
    role: (row: ResourceRequestRow, _: unknown, ctx: Ctx) => ctx.loaders.role.load(row.role_id),
    startDate: (row: ResourceRequestRow) => row.start_date,
    endDate: (row: ResourceRequestRow) => row.end_date,
    hours: (row: ResourceRequestRow) => formatHours(row.hours_e2),
    assignment: (row: ResourceRequestRow, _: unknown, ctx: Ctx) => (row.assignment_id ? ctx.loaders.assignment.load(row.assignment_id) : null),
    aggregateVersion: (row: ResourceRequestRow) => row.aggregate_version,
  },
  Assignment: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.assignment.load(reference.id),
    project: (row: AssignmentRow, _: unknown, ctx: Ctx) => ctx.loaders.project.load(row.project_id),
    resource: (row: AssignmentRow, _: unknown, ctx: Ctx) => ctx.loaders.resource.load(row.resource_id),
    role: (row: AssignmentRow, _: unknown, ctx: Ctx) => ctx.loaders.role.load(row.role_id),
    startDate: (row: AssignmentRow) => row.start_date,
    endDate: (row: AssignmentRow) => row.end_date,
    scheduledHours: (row: AssignmentRow) => formatHours(row.scheduled_hours_e2),
    billRate: (row: AssignmentRow) => (row.bill_rate_e4 === null ? null : money(row.bill_rate_e4, row.currency)),
    costRate: (row: AssignmentRow) => money(row.cost_rate_e4, row.cost_currency ?? row.currency),
    isBillable: (row: AssignmentRow) => bool(row.is_billable),
    aggregateVersion: (row: AssignmentRow) => row.aggregate_version,
  },
  Timecard: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.timecard.load(reference.id),
    resource: (row: TimecardRow, _: unknown, ctx: Ctx) => ctx.loaders.resource.load(row.resource_id),
    project: (row: TimecardRow, _: unknown, ctx: Ctx) => ctx.loaders.project.load(row.project_id),
    assignment: (row: TimecardRow, _: unknown, ctx: Ctx) => (row.assignment_id ? ctx.loaders.assignment.load(row.assignment_id) : null),
    weekStart: (row: TimecardRow) => row.week_start,
    weekEnd: (row: TimecardRow) => row.week_end,
    submittedAt: (row: TimecardRow) => row.submitted_at,
    approvedAt: (row: TimecardRow) => row.approved_at,
    approver: (row: TimecardRow, _: unknown, ctx: Ctx) => (row.approver_id ? ctx.loaders.resource.load(row.approver_id) : null),
    totalHours: (row: TimecardRow) => formatHours(row.total_hours_e2),
    totalBillableAmount: (row: TimecardRow) => money(row.total_billable_e4, row.currency),
    entries: (row: TimecardRow, _: unknown, ctx: Ctx) => ctx.loaders.entriesByTimecard.load(row.id),
    rejectionReason: (row: TimecardRow) => row.rejection_reason,
    aggregateVersion: (row: TimecardRow) => row.aggregate_version,
  },
  TimeEntry: {
    date: (row: TimeEntryRow) => row.entry_date,
    hours: (row: TimeEntryRow) => formatHours(row.hours_e2),
    hourClass: (row: TimeEntryRow) => row.hour_class,
    role: (row: TimeEntryRow, _: unknown, ctx: Ctx) => ctx.loaders.role.load(row.role_id),
    billRate: async (row: TimeEntryRow, _: unknown, ctx: Ctx) =>
      row.bill_rate_e4 === null ? null : money(row.bill_rate_e4, (await ctx.loaders.timecard.load(row.timecard_id))?.currency ?? 'USD'),
    billableAmount: async (row: TimeEntryRow, _: unknown, ctx: Ctx) =>
      money(row.billable_e4, (await ctx.loaders.timecard.load(row.timecard_id))?.currency ?? 'USD'),
    billingStatus: (row: TimeEntryRow) => row.billing_status,
    costRate: (row: TimeEntryRow) => (row.cost_rate_e4 === null || row.cost_currency === null ? null : money(row.cost_rate_e4, row.cost_currency)),
  },
  BillingDraft: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.billingDraft.load(reference.id),
    project: (row: BillingDraftRow, _: unknown, ctx: Ctx) => ctx.loaders.project.load(row.project_id),
    contract: (row: BillingDraftRow) => ref(row.contract_id),
    legalEntity: (row: BillingDraftRow) => ref(row.legal_entity_id),
    customer: (row: BillingDraftRow) => ref(row.account_id),
    cutoffDate: (row: BillingDraftRow) => row.cutoff_date,
    summaryAmount: (row: BillingDraftRow) => money(row.summary_e4, row.currency),
    items: (row: BillingDraftRow, _: unknown, ctx: Ctx) => ctx.loaders.itemsByDraft.load(row.id),
    invoice: (row: BillingDraftRow) => ref(row.invoice_id),
    invoiceNumber: (row: BillingDraftRow) => row.invoice_number,
    aggregateVersion: (row: BillingDraftRow) => row.aggregate_version,
  },
  BillingDraftItem: {
    sourceType: (row: BillingDraftItemRow) => row.source_type,
    sourceId: (row: BillingDraftItemRow) => row.source_id,
    quantity: (row: BillingDraftItemRow) => formatHours(row.quantity_e2),
    unitPrice: async (row: BillingDraftItemRow, _: unknown, ctx: Ctx) =>
      money(row.unit_price_e4, (await ctx.loaders.billingDraft.load(row.draft_id))?.currency ?? 'USD'),
    amount: async (row: BillingDraftItemRow, _: unknown, ctx: Ctx) =>
      money(row.amount_e4, (await ctx.loaders.billingDraft.load(row.draft_id))?.currency ?? 'USD'),
  },
};
