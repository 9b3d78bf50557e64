/**
 * The PSA read port over the in-memory vendor: the same answers as the SQL adapter (same orders,
 * filters, aggregates and scope rules, through `isVisible`), computed from the vendor's query
 * results. Bound to a capability call it reads through the kernel's `beforeCallView` (callHistory.ts).
 */
import { restrictingRules, type RecordScope } from '../../../../policies/recordScope.ts';
import { currentView, viewed, type View } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import type { Page, PageRequest } from '../../../kernel/pagination.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { PsaReadPort } from '../../ports/readPort.ts';
import type { BillingDraft, Project } from '../../ports/types.ts';
import { createMemoryPsaMetricReads } from './memoryMetrics.ts';
import { OBJECT, type ObjectType, type PsaRecords } from './objects.ts';
import { createMemoryExpenseReads, readyExpenses } from './memoryExpenses.ts';
import { createMemoryBillingControlReads } from './memoryBillingControls.ts';
import { createMemoryLifecycleReads } from './memoryLifecycle.ts';
import { createMemorySourceCreditReads } from './memorySourceCredits.ts';
import { createMemoryTimeReads } from './timeReads.ts';

const STAFFED = ['CONFIRMED', 'ACTIVE'];
const UNBILLED = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT'];
const SCOPED = { legalEntity: (r: Project | BillingDraft) => r.legalEntityId, account: (r: Project | BillingDraft) => r.accountId };
/** The attribute whose rule restricts the people a caller sees (through the projects they work on). */
const PEOPLE = { account: SCOPED.account } as const;

export function createMemoryPsaReads(vendor: InMemoryVendor, scope: RecordScope, view: View = currentView): PsaReadPort {
  // In record-id order: the SQL adapter's order wherever it orders by id.
  const all = async <K extends ObjectType>(type: K): Promise<PsaRecords[K][]> =>
    (await viewed<PsaRecords[K]>(vendor, 'psa', type, view)).sort((a, b) => compare((a as { id: string }).id, (b as { id: string }).id));
  const projects = async () => (await all(OBJECT.project)).filter(isVisible(scope, SCOPED));
  const drafts = async () => (await all(OBJECT.draft)).filter(isVisible(scope, SCOPED));
  const visibleProjectIds = async () => new Set((await projects()).map((p) => p.id));
  /** The records of `type` on projects the scope sees. */
  const onVisibleProjects = async <K extends 'Milestone' | 'Assignment' | 'ResourceRequest' | 'Timecard' | 'TimeEntry' | 'Expense'>(
    type: K,
  ) => {
    const [records, visible] = await Promise.all([all(type), visibleProjectIds()]);
    return records.filter((record) => visible.has(record.projectId));
  };
  /** The people the scope sees: all, unless the customer-account rule restricts it (then those on visible projects). */
  const staff = async () => {
    const people = await all(OBJECT.resource);
    if (restrictingRules(scope, PEOPLE).length === 0) return people;
    const [assignments, timecards, visible] = await Promise.all([
      onVisibleProjects(OBJECT.assignment),
      onVisibleProjects(OBJECT.timecard),
      projects(),
    ]);
    const working = new Set([
      ...assignments.map((a) => a.resourceId),
      ...timecards.map((t) => t.resourceId),
      ...visible.flatMap((p) => (p.projectManagerId ? [p.projectManagerId] : [])),
    ]);
    return people.filter((r) => working.has(r.id));
  };
  const timecardsApproved = async () => new Set((await all(OBJECT.timecard)).filter((t) => t.status === 'APPROVED').map((t) => t.id));

  return {
    ...createMemoryExpenseReads(() => onVisibleProjects(OBJECT.expense)),
    ...createMemoryBillingControlReads(all, projects, drafts),
    ...createMemoryLifecycleReads(all, projects),
    ...createMemoryPsaMetricReads(all, projects, scope),
    ...createMemorySourceCreditReads(all, drafts),
    ...createMemoryTimeReads(
      () => all(OBJECT.timecard),
      () => all(OBJECT.entry),
    ),
    projectsByIds: async (ids) => (await projects()).filter(keyIn(ids, (p) => p.id)),
    projectsPage: async (filter, page) =>
      pageOf(
        (await projects()).filter(
          (p) =>
            (!filter.status?.length || filter.status.includes(p.status)) &&
            (!filter.type?.length || filter.type.includes(p.type)) &&
            (!filter.customerId || p.accountId === filter.customerId) &&
            (!filter.legalEntityId || p.legalEntityId === filter.legalEntityId),
        ),
        page,
      ),
    projectsByAccountIds: async (ids) => (await projects()).filter(keyIn(ids, (p) => p.accountId ?? '')),
    projectsByContractIds: async (ids) => (await projects()).filter(keyIn(ids, (p) => p.contractId ?? '')),
    projectStaffCounts: async (ids) => {
      const staff = new Map<string, Set<string>>();
      for (const a of (await onVisibleProjects(OBJECT.assignment)).filter(keyIn(ids, (a) => a.projectId))) {
        if (STAFFED.includes(a.status)) staff.set(a.projectId, (staff.get(a.projectId) ?? new Set()).add(a.resourceId));
      }
      return new Map([...staff].map(([id, resources]) => [id, resources.size]));
    },
    projectTimeTotals: async (ids) => {
      const approved = await timecardsApproved();
      const totals = new Map<string, { approvedHoursE2: number; unbilledWipE4: number }>();
      for (const e of (await onVisibleProjects(OBJECT.entry)).filter(keyIn(ids, (e) => e.projectId))) {
        if (!approved.has(e.timecardId)) continue;
        const t = totals.get(e.projectId) ?? { approvedHoursE2: 0, unbilledWipE4: 0 };
        totals.set(e.projectId, {
          approvedHoursE2: t.approvedHoursE2 + e.hoursE2,
          unbilledWipE4: t.unbilledWipE4 + (UNBILLED.includes(e.billingStatus) ? e.billableE4 : 0),
        });
      }
      return totals;
    },
    contractLinesByContractIds: async (ids) => (await all(OBJECT.line)).filter(keyIn(ids, (l) => l.contractId)),
    milestonesByIds: async (ids) => (await onVisibleProjects(OBJECT.milestone)).filter(keyIn(ids, (m) => m.id)),
    milestonesByProjectIds: async (ids) =>
      sorted((await onVisibleProjects(OBJECT.milestone)).filter(keyIn(ids, (m) => m.projectId)), (m) => m.targetDate),
    rolesByIds: async (ids) => (await all(OBJECT.role)).filter(keyIn(ids, (r) => r.id)),
    allRoles: () => all(OBJECT.role),
    resourcesByIds: async (ids) => (await all(OBJECT.resource)).filter(keyIn(ids, (r) => r.id)),
    visibleResourcesByIds: async (ids) => (await staff()).filter(keyIn(ids, (r) => r.id)),
    resourceOfSubject: async (subject) =>
      (await all(OBJECT.resource)).find((r) => r.id === subject || r.email.toLowerCase() === subject.toLowerCase()) ?? null,
    resourcesPage: async (filter, page) =>
      pageOf(
        (await staff()).filter(
          (r) =>
            (!filter.roleId || r.primaryRoleId === filter.roleId) &&
            (!filter.homeLegalEntityId || r.homeLegalEntityId === filter.homeLegalEntityId),
        ),
        page,
      ),
    hardBookings: async (resourceId, startDate, endDate) =>
      (await all(OBJECT.assignment))
        .filter((a) => a.resourceId === resourceId && STAFFED.includes(a.status) && a.startDate <= endDate && a.endDate >= startDate)
        .map((a) => ({ startDate: a.startDate, endDate: a.endDate, hoursE2: a.scheduledHoursE2 })),
    assignmentsByIds: async (ids) => (await onVisibleProjects(OBJECT.assignment)).filter(keyIn(ids, (a) => a.id)),
    assignmentsByProjectIds: async (ids) =>
      sorted((await onVisibleProjects(OBJECT.assignment)).filter(keyIn(ids, (a) => a.projectId)), (a) => a.startDate),
    assignmentsByResourceIds: async (ids) =>
      sorted((await onVisibleProjects(OBJECT.assignment)).filter(keyIn(ids, (a) => a.resourceId)), (a) => a.startDate),
    resourceRequestsByIds: async (ids) => (await onVisibleProjects(OBJECT.request)).filter(keyIn(ids, (r) => r.id)),
    resourceRequestsByProjectIds: async (ids) => (await onVisibleProjects(OBJECT.request)).filter(keyIn(ids, (r) => r.projectId)),
    timecardsByIds: async (ids) => (await onVisibleProjects(OBJECT.timecard)).filter(keyIn(ids, (t) => t.id)),
    timecardOfWeek: async (resourceId, projectId, weekStart) =>
      (await onVisibleProjects(OBJECT.timecard)).find(
        (t) => t.resourceId === resourceId && t.projectId === projectId && t.weekStart === weekStart,
      ) ?? null,
    recentTimecardsByProjectIds: async (ids, statuses, limit) => {
      const candidates = (await onVisibleProjects(OBJECT.timecard))
        .filter((t) => ids.includes(t.projectId) && (!statuses?.length || statuses.includes(t.status)))
        .sort((a, b) =>
          a.projectId !== b.projectId
            ? compare(a.projectId, b.projectId)
            : a.weekStart !== b.weekStart
              ? compare(b.weekStart, a.weekStart)
              : compare(a.id, b.id),
        );
      const taken = new Map<string, number>();
      return candidates.filter((t) => {
        const n = (taken.get(t.projectId) ?? 0) + 1;
        taken.set(t.projectId, n);
        return n <= limit;
      });
    },
    timeEntriesByTimecardIds: async (ids) =>
      sorted((await onVisibleProjects(OBJECT.entry)).filter(keyIn(ids, (e) => e.timecardId)), (e) => e.date),
    readySources: async (projectId, cutoffDate) => {
      const roles = new Map((await all(OBJECT.role)).map((r) => [r.id, r.name]));
      const ready = <R extends { projectId: string; billingStatus: string }>(r: R, date: string | null) =>
        r.projectId === projectId && r.billingStatus === 'READY_TO_BILL' && date !== null && date <= cutoffDate;
      const time = sorted(
        (await onVisibleProjects(OBJECT.entry)).filter((e) => ready(e, e.date)),
        (e) => e.date,
      );
      const milestones = sorted(
        (await onVisibleProjects(OBJECT.milestone)).filter((m) => ready(m, m.actualDate)),
        (m) => m.actualDate ?? '',
      );
      return {
        time: time.map((e) => ({
          id: e.id,
          date: e.date,
          hoursE2: e.hoursE2,
          billRateE4: e.billRateE4,
          billableE4: e.billableE4,
          roleName: roles.get(e.roleId) ?? '',
        })),
        milestones,
        expenses: readyExpenses(await onVisibleProjects(OBJECT.expense), projectId, cutoffDate),
      };
    },
    billingDraftsByIds: async (ids) => (await drafts()).filter(keyIn(ids, (d) => d.id)),
    billingDraftsByProjectIds: async (ids) =>
      (await drafts())
        .filter(keyIn(ids, (d) => d.projectId))
        .sort((a, b) => (a.cutoffDate !== b.cutoffDate ? compare(b.cutoffDate, a.cutoffDate) : compare(a.id, b.id))),
    billingDraftItemsByDraftIds: async (ids) => {
      const visible = new Set((await drafts()).map((d) => d.id));
      return (await all(OBJECT.item)).filter((i) => ids.includes(i.draftId) && visible.has(i.draftId)).sort((a, b) => compare(a.id, b.id));
    },
    billedOnContract: async (contractId) =>
      (await drafts()).filter((d) => d.contractId === contractId && d.status !== 'DISCARDED').reduce((sum, d) => sum + d.summaryE4, 0),
    billedOnContractBySource: async (contractId) => {
      const live = new Set((await drafts()).filter((d) => d.contractId === contractId && d.status !== 'DISCARDED').map((d) => d.id));
      const totals = new Map<string, number>();
      for (const item of await all(OBJECT.item)) {
        if (live.has(item.draftId)) totals.set(item.sourceType, (totals.get(item.sourceType) ?? 0) + item.amountE4);
      }
      return [...totals].sort(([a], [b]) => compare(a, b)).map(([sourceType, amountE4]) => ({ sourceType, amountE4 }));
    },
    plannedOnContract: async (contractId) => {
      const onContract = new Set((await projects()).filter((p) => p.contractId === contractId).map((p) => p.id));
      return (await all(OBJECT.milestone)).filter((m) => onContract.has(m.projectId)).reduce((sum, m) => sum + m.amountE4, 0);
    },
    projectCodeTaken: async (code) => (await all(OBJECT.project)).some((p) => p.code === code),
  };
}

function keyIn<R>(ids: readonly string[], key: (record: R) => string): (record: R) => boolean {
  const wanted = new Set(ids);
  return (record) => wanted.has(key(record));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** By `key`, then id (the SQL adapter's `order by key, id`). */
function sorted<R extends { id: string }>(records: R[], key: (record: R) => string): R[] {
  return records.sort((a, b) => compare(key(a), key(b)) || compare(a.id, b.id));
}

/** A keyset page in id order: `first + 1` records after the cursor, and the filtered count. */
function pageOf<R extends { id: string }>(records: R[], page: PageRequest): Page<R> {
  const ordered = records.sort((a, b) => compare(a.id, b.id));
  const after = page.afterId === null ? ordered : ordered.filter((r) => r.id > page.afterId!);
  return { rows: page.first === 0 ? [] : after.slice(0, page.first + 1), total: ordered.length };
}
