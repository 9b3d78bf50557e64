/**
 * Step 7: time. For every delivery resource and every week of the history, one timecard per
 * project worked, with one entry per weekday: customer work per assignment (its share of an 8-hour
 * day, at the assignment's locked bill rate), the unbooked rest of the day on the bench (or in
 * training), leave on the time-off project and some presales. Approval follows docs/demo-data.md#tiers:
 * most within three days, all within MAX_APPROVAL_LAG_DAYS, the last week mostly still submitted,
 * the current week in draft, about 1% rejected.
 */
import { extend } from '../systems/kernel/decimal.ts';
import type { TimecardSeedRow as TimecardRow, TimeEntrySeedRow as TimeEntryRow } from '../systems/psa/adapters/sql/tables.ts';
import { isoInstant, MAX_APPROVAL_LAG_DAYS, mondayOf, type Day } from './calendar.ts';
import { NOTES } from './catalog.ts';
import type { People } from './generatePeople.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import type { Staffing } from './generateStaffing.ts';
import { must, type AssignmentPlan, type ProjectPlan, type ResourcePlan, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';
import type { InternalKind } from './scales.ts';

/** What billing needs to know about the time written: days, approvals, billable entries. */
export interface TimeResult {
  /** Per timecard (in row order): the day it was approved, or -1. */
  readonly timecardApprovedDay: readonly number[];
  /** Per time entry (in row order): its day number and its timecard's index. */
  readonly entryDay: readonly number[];
  readonly entryTimecard: readonly number[];
  /** Per project index: its approved BILLABLE time entries (row indices), when it bills time. */
  readonly billableByProject: ReadonlyMap<number, number[]>;
}

interface PendingEntry {
  readonly day: Day;
  readonly row: TimeEntryRow;
}

const SHARE_NON_BILLABLE = 0.05;
/** Customer work one person logs on a day at most, across projects (ten hours): realistic, far below 24. */
const MAX_DAY_E2 = 1000;

/** Writes every timecard and time entry of the history window. */
export function generateTime(ctx: SeedContext, ref: Reference, people: People, portfolio: Portfolio, staffing: Staffing): TimeResult {
  const rng = ctx.rng.fork('time');
  const approvals = ctx.rng.fork('approvals');
  const { asOf, windowStart, currentWeekStart } = ctx.cal;
  const { projects } = portfolio;
  const { assignments } = staffing;
  const timecards = ctx.data.psa.timecards;
  const entries = ctx.data.psa.time_entries;
  const result = {
    timecardApprovedDay: [] as number[],
    entryDay: [] as number[],
    entryTimecard: [] as number[],
    billableByProject: new Map<number, number[]>(),
  };

  const delivery = people.resources.filter((r) => r.bookable && r.kind !== 'NON_BILLABLE');
  const leave = new Map<number, Uint8Array>();
  for (const resource of delivery) if (resource.kind === 'BILLABLE') leave.set(resource.index, leaveDays(rng, ctx));
  // Only assignments that can carry time: staffed, on projects that have started.
  const timeable = (a: AssignmentPlan) => a.status === 'ACTIVE' || a.status === 'COMPLETED';
  const customerOf = new Map<number, AssignmentPlan[]>();
  const internalOf = new Map<number, Partial<Record<InternalKind, AssignmentPlan>>>();
  for (const resource of delivery) {
    const own = resource.assignments.map((i) => must(assignments[i], 'assignment')).filter(timeable);
    // Bigger shares first: they take every day, the part-time ones fill the quieter days.
    customerOf.set(
      resource.index,
      own.filter((a) => must(projects[a.project], 'project').kind === 'CUSTOMER').sort((a, b) => b.alloc - a.alloc),
    );
    const internal: Partial<Record<InternalKind, AssignmentPlan>> = {};
    for (const a of own) {
      const kind = must(projects[a.project], 'project').kind;
      if (kind !== 'CUSTOMER') internal[kind] = a;
    }
    internalOf.set(resource.index, internal);
  }

  const flush = (resource: ResourcePlan, project: ProjectPlan, assignment: AssignmentPlan, monday: Day, pending: PendingEntry[]) => {
    if (pending.length === 0) return;
    const index = timecards.length;
    const id = ctx.nextId('tc');
    const approval = decideApproval(approvals, ctx, project, monday);
    const approver = project.pm >= 0 && project.pm !== resource.index ? project.pm : must(people.directorOf[project.le], 'director');
    let hours = 0;
    let billable = 0;
    const billsTime = project.billingMethod === 'TIME_AND_MATERIALS';
    const approved = approval.status === 'APPROVED';
    for (const { day, row } of pending) {
      row.id = ctx.nextId('te');
      row.timecard_id = id;
      // Approval freezes the rates (the bill rate, and the resource's cost rate in its home currency)
      // and the billable amount, as approveTimecard does; time not approved has neither yet.
      row.cost_rate_e4 = approved ? assignment.costE4 : null;
      row.cost_currency = approved ? assignment.costCurrency : null;
      if (!approved) {
        row.bill_rate_e4 = null;
        row.billable_e4 = 0;
      }
      hours += row.hours_e2;
      billable += row.billable_e4;
      if (row.hour_class === 'BILLABLE') {
        // Provisional: the billing step turns approved T&M time into BILLED, ON_DRAFT or ON_HOLD.
        row.billing_status = approval.status !== 'APPROVED' ? 'UNAPPROVED' : billsTime ? 'READY_TO_BILL' : 'NOT_BILLABLE';
        if (approval.status === 'APPROVED' && billsTime) {
          let list = result.billableByProject.get(project.index);
          if (!list) result.billableByProject.set(project.index, (list = []));
          list.push(entries.length);
        }
      }
      result.entryDay.push(day);
      result.entryTimecard.push(index);
      entries.push(row);
    }
    const row: TimecardRow = {
      id,
      resource_id: resource.id,
      project_id: project.id,
      assignment_id: assignment.id,
      week_start: ctx.iso(monday),
      week_end: ctx.iso(monday + 6),
      status: approval.status,
      submitted_at: approval.submittedAt,
      approved_at: approval.approvedAt,
      approver_id:
        approval.status === 'APPROVED' || approval.status === 'REJECTED' ? must(people.resources[approver], 'approver').id : null,
      total_hours_e2: hours,
      total_billable_e4: billable,
      currency: must(ref.les[project.le], 'le').currency,
    };
    timecards.push(row);
    result.timecardApprovedDay.push(approval.approvedDay);
  };

  for (let monday = mondayOf(windowStart); monday <= currentWeekStart; monday += 7) {
    const first = Math.max(monday, windowStart);
    const last = Math.min(monday + 4, asOf);
    if (first > last) continue;
    for (const resource of delivery) {
      const pto = leave.get(resource.index);
      const dayLoad = [0, 0, 0, 0, 0];
      for (const assignment of must(customerOf.get(resource.index), 'assignments')) {
        const project = must(projects[assignment.project], 'project');
        const from = Math.max(first, assignment.start, project.start);
        let to = Math.min(last, assignment.end, project.end);
        if (project.holdDay !== null) to = Math.min(to, project.holdDay - 1);
        if (from > to) continue;
        const currency = must(ref.les[project.le], 'le').currency;
        const rate = assignment.billRateE4 ?? 0;
        const days: Day[] = [];
        for (let day = from; day <= to; day++) if (!(pto && pto[day - windowStart] === 1)) days.push(day);
        if (days.length === 0) continue;
        // Full-time work is logged every day; part-time work in blocks on the
        // least busy days of the week (four to five hours a day), not a sliver every day.
        const weekE2 = 800 * assignment.alloc * days.length;
        let chosen = days;
        let dailyE2 = 800 * assignment.alloc;
        if (assignment.alloc < 0.75) {
          const count = Math.min(days.length, Math.max(1, Math.round(weekE2 / 450)));
          const tie = days.map(() => rng.next());
          chosen = days
            .map((day, i) => ({ day, load: dayLoad[day - monday] ?? 0, tie: tie[i] ?? 0 }))
            .sort((a, b) => a.load - b.load || a.tie - b.tie)
            .slice(0, count)
            .map((d) => d.day)
            .sort((a, b) => a - b);
          dailyE2 = weekE2 / count;
        }
        const pending: PendingEntry[] = [];
        const billsTime = project.billingMethod === 'TIME_AND_MATERIALS';
        for (const day of chosen) {
          // Nobody logs more than MAX_DAY_E2 of customer work on a day, across projects.
          const used = Math.round((dayLoad[day - monday] ?? 0) * 800);
          const hoursE2 = Math.min(quarterHours(rng, dailyE2), Math.floor((MAX_DAY_E2 - used) / 25) * 25);
          const billableClass = !rng.chance(SHARE_NON_BILLABLE);
          if (hoursE2 < 25) continue;
          pending.push({
            day,
            row: entryRow(
              ctx,
              project,
              day,
              hoursE2,
              billableClass ? 'BILLABLE' : 'NON_BILLABLE',
              must(ref.roles[assignment.role], 'role').id,
              rate,
              // Only time-and-materials time bills; elsewhere it is delivery effort (billed by milestone or fee).
              billableClass && billsTime ? extend(hoursE2, rate, currency) : 0,
              rng,
            ),
          });
          dayLoad[day - monday] = (dayLoad[day - monday] ?? 0) + hoursE2 / 800;
        }
        flush(resource, project, assignment, monday, pending);
      }
      const internal = internalOf.get(resource.index);
      if (!internal?.BENCH) continue;
      // Internal time, grouped per internal project (leave shares the bench project in tier S).
      const buckets = new Map<number, { assignment: AssignmentPlan; pending: PendingEntry[] }>();
      const add = (assignment: AssignmentPlan, day: Day, hoursE2: number, hourClass: string) => {
        const project = must(projects[assignment.project], 'project');
        let bucket = buckets.get(project.index);
        if (!bucket) buckets.set(project.index, (bucket = { assignment, pending: [] }));
        bucket.pending.push({
          day,
          row: entryRow(ctx, project, day, hoursE2, hourClass, must(ref.roles[assignment.role], 'role').id, null, 0, rng),
        });
      };
      for (let day = first; day <= last; day++) {
        if (pto && pto[day - windowStart] === 1) {
          add(internal.ABSENCE ?? internal.BENCH, day, 800, 'EXCLUDED');
          continue;
        }
        let free = 1 - (dayLoad[day - monday] ?? 0);
        if (internal.PRESALES && free > 0.25 && rng.chance(0.15)) {
          const hoursE2 = rng.int(4, 12) * 25;
          add(internal.PRESALES, day, hoursE2, 'CREDITED');
          free -= hoursE2 / 800;
        }
        // Nobody books a spare hour or two to the bench; half a day or more is logged.
        if (free >= 0.5) add(internal.BENCH, day, quarterHours(rng, 800 * free), rng.chance(0.25) ? 'EXCLUDED' : 'NON_BILLABLE');
      }
      for (const [projectIndex, bucket] of buckets)
        flush(resource, must(projects[projectIndex], 'project'), bucket.assignment, monday, bucket.pending);
    }
  }
  return result;
}

function entryRow(
  ctx: SeedContext,
  project: ProjectPlan,
  day: Day,
  hoursE2: number,
  hourClass: string,
  roleId: string,
  rateE4: number | null,
  billableE4: number,
  rng: Rng,
): TimeEntryRow {
  return {
    id: '',
    timecard_id: '',
    project_id: project.id,
    entry_date: ctx.iso(day),
    hours_e2: hoursE2,
    hour_class: hourClass,
    role_id: roleId,
    bill_rate_e4: rateE4,
    billable_e4: billableE4,
    billing_status: 'NOT_BILLABLE',
    notes: rng.chance(0.1) ? rng.pick(NOTES) : null,
  };
}

/** Hours around `targetE2` (±15%), in whole quarter hours, at least a quarter and at most 12 hours. */
function quarterHours(rng: Rng, targetE2: number): number {
  return Math.min(1200, Math.max(25, Math.round((targetE2 * (0.85 + 0.3 * rng.next())) / 25) * 25));
}

/** Leave: about three blocks of one to five days a year, as a 0/1 flag per day of the window. */
function leaveDays(rng: Rng, ctx: SeedContext): Uint8Array {
  const { windowStart, asOf } = ctx.cal;
  const days = new Uint8Array(asOf - windowStart + 1);
  const blocks = Math.round((ctx.profile.historyMonths / 12) * 3 * rng.float(0.5, 1.5));
  for (let b = 0; b < blocks; b++) {
    const start = rng.int(0, days.length - 1);
    const length = rng.int(1, 7);
    for (let d = start; d < Math.min(days.length, start + length); d++) days[d] = 1;
  }
  return days;
}

interface Approval {
  readonly status: string;
  readonly submittedAt: string | null;
  readonly approvedAt: string | null;
  readonly approvedDay: number;
}

/** The approval state of a timecard for the week starting `monday`, as seen on asOf. */
function decideApproval(rng: Rng, ctx: SeedContext, project: ProjectPlan, monday: Day): Approval {
  const { asOf, currentWeekStart } = ctx.cal;
  const weeksAgo = (currentWeekStart - monday) / 7;
  if (weeksAgo <= 0) return { status: 'DRAFT', submittedAt: null, approvedAt: null, approvedDay: -1 };
  const weekEnd = monday + 6;
  // Submitted on Friday afternoon, or first thing on Monday.
  const submittedAt = rng.chance(0.7)
    ? isoInstant(weekEnd - 2, rng.int(15 * 60, 19 * 60))
    : isoInstant(weekEnd + 1, rng.int(7 * 60, 10 * 60));
  const lag = rng.weighted([
    [rng.int(1, 3), 70],
    [rng.int(4, 7), 25],
    [rng.int(8, MAX_APPROVAL_LAG_DAYS), 5],
  ] as const);
  const approvedDay = weekEnd + lag;
  const approved: Approval = {
    status: 'APPROVED',
    submittedAt,
    approvedAt: isoInstant(approvedDay, rng.int(10 * 60, 18 * 60)),
    approvedDay,
  };
  const submitted: Approval = { status: 'SUBMITTED', submittedAt, approvedAt: null, approvedDay: -1 };
  // A closed project was fully approved (and billed) before it closed.
  if (project.status === 'CLOSED') return approved;
  if (weeksAgo === 1) {
    const roll = rng.next();
    if (roll < 0.05) return { status: 'DRAFT', submittedAt: null, approvedAt: null, approvedDay: -1 };
    if (roll < 0.85 || approvedDay > asOf) return submitted;
    return approved;
  }
  if (approvedDay > asOf || (weeksAgo === 2 && rng.chance(0.3))) return submitted;
  if (rng.chance(0.01)) return { status: 'REJECTED', submittedAt, approvedAt: null, approvedDay: -1 };
  return approved;
}
