/**
 * Timecard capabilities (docs/state-machines.md#timecard-and-billing-status, docs/capabilities.md#time-to-billing): a resource submits a week of time on an assignment;
 * someone else approves it (rates frozen, billable time ready to bill) or rejects it with a reason.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { hoursInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { extend, formatHours, HOURS_SCALE, money } from '../../kernel/decimal.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { PsaContext } from '../resolvers.ts';
import type { PsaTables, TimecardRow, TimeEntryRow } from '../tables.ts';
import { timecardMachine, type TimecardStatus } from '../machines.ts';
import { addDays, isoWeekday } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { assignmentFor, reload, timecardFor, type PsaTrx } from './records.ts';
import { isUniqueViolation } from '../../kernel/capability/engine.ts';

type Handler<Input> = CapabilityHandler<PsaTables, PsaContext, Input, { timecard: TimecardRow }>;

/** Assignment states time may be booked on. */
const TIMEABLE_ASSIGNMENTS: readonly string[] = ['CONFIRMED', 'ACTIVE'];
/** Project states that take no more time. */
const CLOSED_PROJECTS: readonly string[] = ['CLOSED', 'CANCELLED'];
const MAX_DAY_E2 = 24 * HOURS_SCALE;

interface EntryInput {
  readonly date: string;
  readonly hours: string;
  readonly notes?: string | null;
  readonly billable?: boolean | null;
}

interface SubmitInput {
  readonly assignmentId: string;
  readonly weekStart: string;
  readonly entries: readonly EntryInput[];
  readonly expectedVersion?: number | null;
}

export const submitTimecard: Handler<SubmitInput> = {
  async effect({ input, trx, emit, ctx, principal, now }) {
    const { row: assignment, project } = await assignmentFor(trx, ctx.scope, input.assignmentId);
    if (isoWeekday(input.weekStart) !== 1) throw rejected('PRECONDITION_FAILED', `A timecard week starts on a Monday; ${input.weekStart} is not one.`, 'weekStart');
    const existing = await trx
      .selectFrom('timecards')
      .selectAll()
      .where('resource_id', '=', assignment.resource_id)
      .where('project_id', '=', assignment.project_id)
      .where('week_start', '=', input.weekStart)
      .executeTakeFirst();
    if (existing) {
      checkVersion('Timecard', existing.aggregate_version, input.expectedVersion, { required: true });
      const warning = guardTransition('Timecard', timecardMachine, existing.status as TimecardStatus, 'SUBMITTED', 'submitTimecard');
      if (warning) return { timecard: existing, warnings: [warning] };
    } else if (input.expectedVersion !== null && input.expectedVersion !== undefined) {
      throw rejected('VERSION_CONFLICT', `There is no timecard for week ${input.weekStart} yet: leave expectedVersion out to create it.`, 'expectedVersion');
    }
    if (CLOSED_PROJECTS.includes(project.status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: it takes no more time.`, 'assignmentId');
    }
    if (!TIMEABLE_ASSIGNMENTS.includes(assignment.status)) {
      throw rejected('PRECONDITION_FAILED', `Assignment ${assignment.id} is ${assignment.status}: time is booked on a CONFIRMED or ACTIVE assignment.`, 'assignmentId');
    }
    const weekEnd = addDays(input.weekStart, 6);
    const timecardId = existing?.id ?? newId('tc');
    const version = existing ? existing.aggregate_version + 1 : 1;
    const entries = entryRows(input.entries, { timecardId, version, projectId: project.id, roleId: assignment.role_id, billable: assignment.is_billable === 1 }, {
      weekStart: input.weekStart, weekEnd, assignmentStart: assignment.start_date, assignmentEnd: assignment.end_date,
    });
    const totalHours = entries.reduce((sum, entry) => sum + entry.hours_e2, 0);
    const submitted = {
      status: 'SUBMITTED', assignment_id: assignment.id, submitted_at: now.toISOString(), submitted_by: principal.sub,
      approved_at: null, approver_id: null, decided_by: null, rejection_reason: null, total_hours_e2: totalHours, total_billable_e4: 0,
    };
    if (existing) {
      // The versioned update first: a concurrent decision on the week loses here, before any entry changes.
      await updateAggregate(trx, 'timecards', 'Timecard', existing, submitted);
      // A draft or rejected week is replaced whole: its entries were never approved, so never billed.
      await trx.deleteFrom('time_entries').where('timecard_id', '=', existing.id).execute();
    } else {
      await insertTimecard(trx, {
        id: timecardId, resource_id: assignment.resource_id, project_id: project.id, week_start: input.weekStart, week_end: weekEnd,
        currency: project.currency, aggregate_version: 1, ...submitted,
      });
    }
    await trx.insertInto('time_entries').values(entries).execute();
    const timecard = await reload.timecard(trx, timecardId);
    emit(aggregateEvent('TimecardSubmitted', 'Timecard', timecard, project.legal_entity_id, {
      timecardId, resourceId: timecard.resource_id, projectId: project.id, assignmentId: assignment.id, weekStart: timecard.week_start,
      totalHours: formatHours(totalHours), entryCount: entries.length, submittedBy: principal.sub, resubmission: existing !== undefined,
    }));
    return { timecard };
  },
};

/** The week's first submission; the unique (resource, project, week) turns a concurrent first one into a conflict. */
async function insertTimecard(trx: PsaTrx, row: TimecardRow): Promise<void> {
  try {
    await trx.insertInto('timecards').values(row).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw rejected('VERSION_CONFLICT', `The timecard of week ${row.week_start} was created meanwhile: read it, then submit with its version.`, 'expectedVersion');
  }
}

/** The entry rows of a submission, checked: each within the week and the assignment, each day 0 < hours ≤ 24. */
function entryRows(
  inputs: readonly EntryInput[],
  owner: { timecardId: string; version: number; projectId: string; roleId: string; billable: boolean },
  bounds: { weekStart: string; weekEnd: string; assignmentStart: string; assignmentEnd: string },
): TimeEntryRow[] {
  if (inputs.length === 0) throw rejected('PRECONDITION_FAILED', 'A timecard needs at least one entry.', 'entries');
  const perDay = new Map<string, number>();
  return inputs.map((entry, index) => {
    const field = `entries.${index}`;
    if (entry.date < bounds.weekStart || entry.date > bounds.weekEnd) {
      throw rejected('PRECONDITION_FAILED', `${entry.date} is outside the week ${bounds.weekStart} to ${bounds.weekEnd}.`, `${field}.date`);
    }
    if (entry.date < bounds.assignmentStart || entry.date > bounds.assignmentEnd) {
      throw rejected('PRECONDITION_FAILED', `${entry.date} is outside the assignment (${bounds.assignmentStart} to ${bounds.assignmentEnd}).`, `${field}.date`);
    }
    const hours = hoursInput(entry.hours, `${field}.hours`);
    if (hours <= 0) throw rejected('PRECONDITION_FAILED', 'An entry books a positive number of hours.', `${field}.hours`);
    const day = (perDay.get(entry.date) ?? 0) + hours;
    if (day > MAX_DAY_E2) throw rejected('PRECONDITION_FAILED', `${formatHours(day)} hours on ${entry.date}: a day has 24.`, `${field}.hours`);
    perDay.set(entry.date, day);
    return {
      // Entry ids sort in the order given, and differ from one submission of the week to the next.
      id: `te_${owner.timecardId.slice(3)}_${String(owner.version).padStart(3, '0')}_${String(index).padStart(3, '0')}`, timecard_id: owner.timecardId, project_id: owner.projectId, entry_date: entry.date, hours_e2: hours,
      hour_class: entry.billable !== false && owner.billable ? 'BILLABLE' : 'NON_BILLABLE', role_id: owner.roleId,
      bill_rate_e4: null, billable_e4: 0, billing_status: 'UNAPPROVED', notes: entry.notes?.trim() || null, cost_rate_e4: null, cost_currency: null,
    };
  });
}

interface DecisionInput {
  readonly timecardId: string;
  readonly expectedVersion: number;
}

export const approveTimecard: Handler<DecisionInput> = {
  async effect({ input, trx, emit, ctx, principal, now }) {
    const { row, project } = await timecardFor(trx, ctx.scope, input.timecardId);
    checkVersion('Timecard', row.aggregate_version, input.expectedVersion, { required: true });
    const warning = guardTransition('Timecard', timecardMachine, row.status as TimecardStatus, 'APPROVED', 'approveTimecard');
    if (warning) return { timecard: row, warnings: [warning] };
    const resource = await trx.selectFrom('resources').select(['id', 'email']).where('id', '=', row.resource_id).executeTakeFirstOrThrow();
    if (!isIndependentApprover(principal.sub, row.submitted_by, [resource.id, resource.email])) {
      throw rejected('SEGREGATION_OF_DUTIES', 'You submitted this timecard, or it is your own time: another person must approve it.', 'timecardId');
    }
    if (project.status === 'CLOSED') throw rejected('PRECONDITION_FAILED', `Project ${project.id} is CLOSED: its time is no longer approved.`, 'timecardId');
    const assignment = row.assignment_id
      ? await trx.selectFrom('assignments').selectAll().where('id', '=', row.assignment_id).executeTakeFirstOrThrow()
      : null;
    if (!assignment) throw rejected('PRECONDITION_FAILED', 'The timecard has no assignment to take its rates from.', 'timecardId');

    // Rates are frozen now: later rate changes never reprice approved time. Only a time-and-
    // materials project bills time; elsewhere time is delivery effort (billed by milestone or fee).
    const billRate = assignment.bill_rate_e4;
    const billsTime = project.billing_method === 'TIME_AND_MATERIALS' && assignment.is_billable === 1 && billRate !== null;
    const costCurrency = assignment.cost_currency ?? assignment.currency;
    const entries = await trx.selectFrom('time_entries').selectAll().where('timecard_id', '=', row.id).orderBy('entry_date').orderBy('id').execute();
    // An entry not yet approved becomes READY_TO_BILL or NOT_BILLABLE; one already NOT_BILLABLE
    // (non-billable time as some sources record it) stays so; none is in another state here.
    const priced = entries.filter((entry) => entry.billing_status === 'UNAPPROVED' || entry.billing_status === 'NOT_BILLABLE').map((entry) => {
      const ready = billsTime && entry.hour_class === 'BILLABLE' && entry.billing_status === 'UNAPPROVED';
      return { entry, ready, amount: ready ? extend(entry.hours_e2, billRate, row.currency) : 0 };
    });
    const billable = priced.reduce((sum, p) => sum + p.amount, 0);
    const readyHours = priced.reduce((sum, p) => sum + (p.ready ? p.entry.hours_e2 : 0), 0);
    const cost = entries.reduce((sum, entry) => sum + extend(entry.hours_e2, assignment.cost_rate_e4, costCurrency), 0);
    const totalHours = entries.reduce((sum, entry) => sum + entry.hours_e2, 0);
    // The versioned update first: a concurrent decision loses here, before any entry changes.
    await updateAggregate(trx, 'timecards', 'Timecard', row, {
      status: 'APPROVED', approved_at: now.toISOString(), approver_id: await resourceOf(trx, principal.sub), decided_by: principal.sub,
      total_hours_e2: totalHours, total_billable_e4: billable,
    });
    for (const { entry, ready, amount } of priced) {
      await trx
        .updateTable('time_entries')
        .set({
          bill_rate_e4: billRate, billable_e4: amount, billing_status: ready ? 'READY_TO_BILL' : 'NOT_BILLABLE',
          cost_rate_e4: assignment.cost_rate_e4, cost_currency: costCurrency,
        })
        .where('id', '=', entry.id)
        .execute();
    }
    const timecard = await reload.timecard(trx, row.id);
    emit(aggregateEvent('TimecardApproved', 'Timecard', timecard, project.legal_entity_id, {
      timecardId: row.id, resourceId: row.resource_id, projectId: project.id, weekStart: row.week_start, approvedBy: principal.sub,
      totalHours: formatHours(totalHours), readyToBillHours: formatHours(readyHours),
      approvedBillableValue: money(billable, row.currency), costValue: money(cost, costCurrency),
    }));
    return { timecard };
  },
};

interface RejectInput extends DecisionInput {
  readonly reason: string;
}

export const rejectTimecard: Handler<RejectInput> = {
  async effect({ input, trx, emit, ctx, principal }) {
    const { row, project } = await timecardFor(trx, ctx.scope, input.timecardId);
    checkVersion('Timecard', row.aggregate_version, input.expectedVersion, { required: true });
    const warning = guardTransition('Timecard', timecardMachine, row.status as TimecardStatus, 'REJECTED', 'rejectTimecard');
    if (warning) return { timecard: row, warnings: [warning] };
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the timecard is rejected: the resource has to fix it.', 'reason');
    await updateAggregate(trx, 'timecards', 'Timecard', row, {
      status: 'REJECTED', rejection_reason: reason, approver_id: await resourceOf(trx, principal.sub), decided_by: principal.sub, approved_at: null,
    });
    const timecard = await reload.timecard(trx, row.id);
    emit(aggregateEvent('TimecardRejected', 'Timecard', timecard, project.legal_entity_id, {
      timecardId: row.id, resourceId: row.resource_id, projectId: project.id, weekStart: row.week_start, rejectedBy: principal.sub, reason,
    }));
    return { timecard };
  },
};

/** The resource a principal is (its subject is the resource id or e-mail), or null. */
async function resourceOf(trx: PsaTrx, sub: string): Promise<string | null> {
  const found = await trx
    .selectFrom('resources')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', sub), eb(eb.fn('lower', ['email']), '=', sub.toLowerCase())]))
    .orderBy('id')
    .executeTakeFirst();
  return found?.id ?? null;
}
