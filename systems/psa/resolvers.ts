import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { formatHours, formatScaled, money } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { found, ref, whereIn } from '../kernel/refs.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import { badUserInput } from '../../core/errors.ts';
import { internalOnly } from '../../policies/named/internalOnly.ts';
import { seesAccount } from '../../policies/recordScope.ts';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { psaCapabilities } from './capabilities/index.ts';
import { psaMetricProjectFields, psaMetricQueries, psaMetricResourceFields, psaMetricRowTypes } from './metricResolvers.ts';
import type { PsaContext } from './context.ts';
import { billingControlResolvers, draftBillingControlFields, projectBillingControlFields } from './billingControlResolvers.ts';
import type { PsaPorts } from './ports/ports.ts';
import type { ProjectFilter, ResourceFilter } from './ports/readPort.ts';
import type {
  Assignment,
  BillingDraft,
  BillingDraftItem,
  ContractLine,
  Milestone,
  Project,
  Resource,
  ResourceRequest,
  Timecard,
  TimeEntry,
} from './ports/types.ts';
import type { SourceCredit } from './ports/sourceCredits.ts';
import { expenseBillableSources, expenseQuery, expenseResolvers, projectExpenses, resourceExpenses } from './expenseResolvers.ts';

type Ctx = PsaContext;

const MAX_TIMECARDS = 200;

/** The PSA subgraph over canonical records: fields whose name and value are the record's resolve by default. */
export const psaResolvers: GraphQLResolverMap<PsaContext> = {
  ...scalarResolvers,
  Mutation: capabilityResolvers<PsaPorts, PsaContext>('psa', psaCapabilities),
  Query: {
    project: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.project.load(args.id), 'Project', args.id),
    projects: (_: unknown, args: PageArgs & { filter?: ProjectFilter | null }, ctx: Ctx) =>
      connectionOf(args, (page) => ctx.read.projectsPage(args.filter ?? {}, page)),
    resource: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.resource.load(args.id), 'Resource', args.id),
    resources: (_: unknown, args: PageArgs & { filter?: ResourceFilter | null }, ctx: Ctx) =>
      connectionOf(args, (page) => ctx.read.resourcesPage(args.filter ?? {}, page)),
    roles: (_: unknown, __: unknown, ctx: Ctx) => ctx.read.allRoles(),
    timecard: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.timecard.load(args.id), 'Timecard', args.id),
    billingDraft: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.billingDraft.load(args.id), 'BillingDraft', args.id),
    ...expenseQuery,
    psaAuditLog: auditLog,
    ...psaMetricQueries,
  },
  AuditEntry: auditEntryResolvers,
  ...psaMetricRowTypes,
  Account: {
    // A partner's view: another customer's account does not exist here either.
    __resolveReference: (reference: { id: string }, ctx: Ctx) => (seesAccount(ctx.scope, reference.id) ? { id: reference.id } : null),
    projects: async (account: { id: string }, args: { status?: string[] | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.projectsByAccount.load(account.id), args.status, (project) => project.status),
  },
  Contract: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    lines: (contract: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.contractLinesByContract.load(contract.id),
    projects: (contract: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.projectsByContract.load(contract.id),
  },
  ContractLine: {
    amount: (line: ContractLine) => (line.amountE4 === null ? null : money(line.amountE4, line.currency)),
    notToExceed: (line: ContractLine) => (line.notToExceedE4 === null ? null : money(line.notToExceedE4, line.currency)),
    rateCard: (line: ContractLine) => ref(line.rateCardId),
    markupPercent: (line: ContractLine) => (line.markupPercentE4 == null ? null : formatScaled(line.markupPercentE4, 10_000, 4)),
    contractVersion: (line: ContractLine) => line.contractVersion ?? 1,
  },
  Project: {
    ...psaMetricProjectFields,
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.project.load(reference.id),
    customer: (project: Project) => ref(project.accountId),
    contract: (project: Project) => ref(project.contractId),
    legalEntity: (project: Project) => ref(project.legalEntityId),
    projectManager: (project: Project, _: unknown, ctx: Ctx) =>
      project.projectManagerId ? ctx.loaders.resource.load(project.projectManagerId) : null,
    budgetHours: (project: Project) => (project.budgetHoursE2 === null ? null : formatHours(project.budgetHoursE2)),
    plannedRevenue: (project: Project) => (project.plannedRevenueE4 === null ? null : money(project.plannedRevenueE4, project.currency)),
    milestones: (project: Project, _: unknown, ctx: Ctx) => ctx.loaders.milestonesByProject.load(project.id),
    assignments: async (project: Project, args: { status?: string[] | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.assignmentsByProject.load(project.id), args.status, (a) => a.status),
    resourceRequests: (project: Project, _: unknown, ctx: Ctx) => ctx.loaders.resourceRequestsByProject.load(project.id),
    staffCount: (project: Project, _: unknown, ctx: Ctx) => ctx.loaders.staffCount.load(project.id),
    approvedHours: async (project: Project, _: unknown, ctx: Ctx) =>
      formatHours((await ctx.loaders.timeTotals.load(project.id)).approvedHoursE2),
    unbilledWip: async (project: Project, _: unknown, ctx: Ctx) =>
      money((await ctx.loaders.timeTotals.load(project.id)).unbilledWipE4, project.currency),
    timecards: (project: Project, args: { status?: string[] | null; first?: number | null }, ctx: Ctx) => {
      const limit = args.first ?? 20;
      if (!Number.isInteger(limit) || limit < 0 || limit > MAX_TIMECARDS) {
        throw badUserInput(`first must be between 0 and ${MAX_TIMECARDS}; got ${limit}.`, 'first');
      }
      const statuses = args.status?.length ? [...args.status].sort() : null;
      return ctx.loaders.recentTimecardsByProject({ statuses, limit }).load(project.id);
    },
    billingDrafts: (project: Project, _: unknown, ctx: Ctx) => ctx.loaders.billingDraftsByProject.load(project.id),
    billableSources: (project: Project, _: unknown, ctx: Ctx) => billableSources(project, ctx),
    ...projectBillingControlFields,
    expenses: projectExpenses,
  },
  Milestone: {
    amount: (milestone: Milestone) => money(milestone.amountE4, milestone.currency),
  },
  Role: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.role.load(reference.id),
  },
  Resource: {
    ...psaMetricResourceFields,
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.resource.load(reference.id),
    // The gateway denies it to partners before planning; where the data is, a partner gets null all the same.
    email: (resource: Resource, _: unknown, ctx: Ctx) => (internalOnly.admits(ctx.request.principal) ? resource.email : null),
    homeLegalEntity: (resource: Resource) => ref(resource.homeLegalEntityId),
    primaryRole: (resource: Resource, _: unknown, ctx: Ctx) => ctx.loaders.role.load(resource.primaryRoleId),
    utilizationTarget: (resource: Resource) => formatScaled(resource.utilizationTargetE4, 10_000, 2),
    assignments: async (resource: Resource, args: { status?: string[] | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.assignmentsByResource.load(resource.id), args.status, (a) => a.status),
    expenses: resourceExpenses,
  },
  Expense: expenseResolvers,
  ResourceRequest: {
    project: (request: ResourceRequest, _: unknown, ctx: Ctx) => ctx.loaders.project.load(request.projectId),
    role: (request: ResourceRequest, _: unknown, ctx: Ctx) => ctx.loaders.role.load(request.roleId),
    hours: (request: ResourceRequest) => formatHours(request.hoursE2),
    assignment: (request: ResourceRequest, _: unknown, ctx: Ctx) =>
      request.assignmentId ? ctx.loaders.assignment.load(request.assignmentId) : null,
  },
  Assignment: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.assignment.load(reference.id),
    project: (assignment: Assignment, _: unknown, ctx: Ctx) => ctx.loaders.project.load(assignment.projectId),
    resource: (assignment: Assignment, _: unknown, ctx: Ctx) => ctx.loaders.resource.load(assignment.resourceId),
    role: (assignment: Assignment, _: unknown, ctx: Ctx) => ctx.loaders.role.load(assignment.roleId),
    scheduledHours: (assignment: Assignment) => formatHours(assignment.scheduledHoursE2),
    billRate: (assignment: Assignment) => (assignment.billRateE4 === null ? null : money(assignment.billRateE4, assignment.currency)),
    costRate: (assignment: Assignment) => money(assignment.costRateE4, assignment.costCurrency ?? assignment.currency),
  },
  Timecard: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.timecard.load(reference.id),
    resource: (timecard: Timecard, _: unknown, ctx: Ctx) => ctx.loaders.resource.load(timecard.resourceId),
    project: (timecard: Timecard, _: unknown, ctx: Ctx) => ctx.loaders.project.load(timecard.projectId),
    assignment: (timecard: Timecard, _: unknown, ctx: Ctx) =>
      timecard.assignmentId ? ctx.loaders.assignment.load(timecard.assignmentId) : null,
    approver: (timecard: Timecard, _: unknown, ctx: Ctx) => (timecard.approverId ? ctx.loaders.resource.load(timecard.approverId) : null),
    totalHours: (timecard: Timecard) => formatHours(timecard.totalHoursE2),
    totalBillableAmount: (timecard: Timecard) => money(timecard.totalBillableE4, timecard.currency),
    entries: (timecard: Timecard, _: unknown, ctx: Ctx) => ctx.loaders.entriesByTimecard.load(timecard.id),
  },
  TimeEntry: {
    hours: (entry: TimeEntry) => formatHours(entry.hoursE2),
    role: (entry: TimeEntry, _: unknown, ctx: Ctx) => ctx.loaders.role.load(entry.roleId),
    billRate: async (entry: TimeEntry, _: unknown, ctx: Ctx) =>
      entry.billRateE4 === null ? null : money(entry.billRateE4, (await ctx.loaders.timecard.load(entry.timecardId))?.currency ?? 'USD'),
    billableAmount: async (entry: TimeEntry, _: unknown, ctx: Ctx) =>
      money(entry.billableE4, (await ctx.loaders.timecard.load(entry.timecardId))?.currency ?? 'USD'),
    costRate: (entry: TimeEntry) =>
      entry.costRateE4 === null || entry.costCurrency === null ? null : money(entry.costRateE4, entry.costCurrency),
  },
  BillingDraft: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.billingDraft.load(reference.id),
    project: (draft: BillingDraft, _: unknown, ctx: Ctx) => ctx.loaders.project.load(draft.projectId),
    contract: (draft: BillingDraft) => ref(draft.contractId),
    legalEntity: (draft: BillingDraft) => ref(draft.legalEntityId),
    customer: (draft: BillingDraft) => ref(draft.accountId),
    summaryAmount: (draft: BillingDraft) => money(draft.summaryE4, draft.currency),
    items: (draft: BillingDraft, _: unknown, ctx: Ctx) => ctx.loaders.itemsByDraft.load(draft.id),
    ...draftBillingControlFields,
    invoice: (draft: BillingDraft) => ref(draft.invoiceId),
    sourceCredits: (draft: BillingDraft, _: unknown, ctx: Ctx) => ctx.read.sourceCreditsByDraftIds([draft.id]),
  },
  BillingSourceCredit: {
    amount: (credit: SourceCredit) => money(credit.amountE4, credit.currency),
    invoice: (credit: SourceCredit) => ref(credit.invoiceId),
    creditMemo: (credit: SourceCredit) => ref(credit.creditMemoId),
  },
  ...billingControlResolvers,
  BillingDraftItem: {
    quantity: (item: BillingDraftItem) => formatHours(item.quantityE2),
    unitPrice: async (item: BillingDraftItem, _: unknown, ctx: Ctx) =>
      money(item.unitPriceE4, (await ctx.loaders.billingDraft.load(item.draftId))?.currency ?? 'USD'),
    amount: async (item: BillingDraftItem, _: unknown, ctx: Ctx) =>
      money(item.amountE4, (await ctx.loaders.billingDraft.load(item.draftId))?.currency ?? 'USD'),
  },
};

/** Billing statuses of approved billable value (docs/reconciliation.md#conservation); the others are not billable (yet). */
const APPROVED_BILLABLE: ReadonlySet<string> = new Set(['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'BILLED', 'CREDITED', 'WRITTEN_OFF']);

/** The project's approved billable time entries (date order) and milestones (target date order), as BillableSource. */
async function billableSources(project: Project, ctx: Ctx) {
  const timecards = await ctx.read.recentTimecardsByProjectIds([project.id], null, Number.MAX_SAFE_INTEGER);
  const [entries, milestones, expenses] = await Promise.all([
    ctx.read.timeEntriesByTimecardIds(timecards.map((timecard) => timecard.id)),
    ctx.loaders.milestonesByProject.load(project.id),
    expenseBillableSources(project, ctx),
  ]);
  return [
    ...entries
      .filter((entry) => APPROVED_BILLABLE.has(entry.billingStatus))
      .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
      .map((entry) => ({
        sourceType: 'TIME_SPLIT',
        sourceId: entry.id,
        date: entry.date,
        amount: money(entry.billableE4, project.currency),
        billingStatus: entry.billingStatus,
      })),
    ...milestones
      .filter((milestone) => APPROVED_BILLABLE.has(milestone.billingStatus))
      .map((milestone) => ({
        sourceType: 'MILESTONE',
        sourceId: milestone.id,
        date: milestone.actualDate ?? milestone.targetDate,
        amount: money(milestone.amountE4, milestone.currency),
        billingStatus: milestone.billingStatus,
      })),
    ...expenses,
  ];
}
