/**
 * Timecard capabilities (docs/state-machines.md#timecard-and-billing-status,
 * docs/capabilities.md#time-to-billing): a resource submits a week of time on an assignment;
 * someone else approves it (rates frozen, billable time ready to bill) or rejects it with a reason.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { hoursInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { extend, formatHours, HOURS_SCALE, money } from '../../kernel/decimal.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PricedEntry } from '../ports/writePort.ts';
import type { Timecard, TimeEntry } from '../ports/types.ts';
import { timecardMachine, type TimecardStatus } from '../machines.ts';
import { addDays, isoWeekday } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { assignmentFor, resourceFor, timecardFor } from './records.ts';

type Handler<Input> = CapabilityHandler<PsaPorts, PsaContext, Input, { timecard: Timecard }>;

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
  async effect({ input, ports, emit, principal, now }) {
    const { record: assignment, project } = await assignmentFor(ports.read, input.assignmentId);
    if (isoWeekday(input.weekStart) !== 1)
      throw rejected('PRECONDITION_FAILED', `A timecard week starts on a Monday; ${input.weekStart} is not one.`, 'weekStart');
    const existing = await ports.read.timecardOfWeek(assignment.resourceId, assignment.projectId, input.weekStart);
    if (existing) {
      checkVersion('Timecard', existing.aggregateVersion, input.expectedVersion, { required: true });
      const warning = guardTransition('Timecard', timecardMachine, existing.status as TimecardStatus, 'SUBMITTED', 'submitTimecard');
      if (warning) return { timecard: existing, warnings: [warning] };
    } else if (input.expectedVersion !== null && input.expectedVersion !== undefined) {
      throw rejected(
        'VERSION_CONFLICT',
        `There is no timecard for week ${input.weekStart} yet: leave expectedVersion out to create it.`,
        'expectedVersion',
      );
    }
    if (CLOSED_PROJECTS.includes(project.status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: it takes no more time.`, 'assignmentId');
    }
    if (!TIMEABLE_ASSIGNMENTS.includes(assignment.status)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Assignment ${assignment.id} is ${assignment.status}: time is booked on a CONFIRMED or ACTIVE assignment.`,
        'assignmentId',
      );
    }
    const weekEnd = addDays(input.weekStart, 6);
    const timecardId = existing?.id ?? newId('tc');
    const version = existing ? existing.aggregateVersion + 1 : 1;
    const entries = entryRecords(
      input.entries,
      { timecardId, version, projectId: project.id, roleId: assignment.roleId, billable: assignment.isBillable },
      {
        weekStart: input.weekStart,
        weekEnd,
        assignmentStart: assignment.startDate,
        assignmentEnd: assignment.endDate,
      },
    );
    const totalHours = entries.reduce((sum, entry) => sum + entry.hoursE2, 0);
    const timecard = await ports.write.submitTimecard({
      existing,
      entries,
      timecard: {
        id: timecardId,
        resourceId: assignment.resourceId,
        projectId: project.id,
        weekStart: input.weekStart,
        weekEnd,
        currency: existing?.currency ?? project.currency,
        aggregateVersion: version,
        status: 'SUBMITTED',
        assignmentId: assignment.id,
        submittedAt: now.toISOString(),
        submittedBy: principal.sub,
        approvedAt: null,
        approverId: null,
        decidedBy: null,
        rejectionReason: null,
        totalHoursE2: totalHours,
        totalBillableE4: 0,
      },
    });
    emit(
      aggregateEvent('TimecardSubmitted', 'Timecard', timecard, project.legalEntityId, {
        timecardId,
        resourceId: timecard.resourceId,
        projectId: project.id,
        assignmentId: assignment.id,
        weekStart: timecard.weekStart,
        totalHours: formatHours(totalHours),
        entryCount: entries.length,
        submittedBy: principal.sub,
        resubmission: existing !== null,
      }),
    );
    return { timecard };
  },
};

/** The entries of a submission, checked: each within the week and the assignment, each day 0 < hours ≤ 24. */
function entryRecords(
  inputs: readonly EntryInput[],
  owner: { timecardId: string; version: number; projectId: string; roleId: string; billable: boolean },
  bounds: { weekStart: string; weekEnd: string; assignmentStart: string; assignmentEnd: string },
): TimeEntry[] {
  if (inputs.length === 0) throw rejected('PRECONDITION_FAILED', 'A timecard needs at least one entry.', 'entries');
  const perDay = new Map<string, number>();
  return inputs.map((entry, index) => {
    const field = `entries.${index}`;
    if (entry.date < bounds.weekStart || entry.date > bounds.weekEnd) {
      throw rejected('PRECONDITION_FAILED', `${entry.date} is outside the week ${bounds.weekStart} to ${bounds.weekEnd}.`, `${field}.date`);
    }
    if (entry.date < bounds.assignmentStart || entry.date > bounds.assignmentEnd) {
      throw rejected(
        'PRECONDITION_FAILED',
        `${entry.date} is outside the assignment (${bounds.assignmentStart} to ${bounds.assignmentEnd}).`,
        `${field}.date`,
      );
    }
    const hours = hoursInput(entry.hours, `${field}.hours`);
    if (hours <= 0) throw rejected('PRECONDITION_FAILED', 'An entry books a positive number of hours.', `${field}.hours`);
    const day = (perDay.get(entry.date) ?? 0) + hours;
    if (day > MAX_DAY_E2)
      throw rejected('PRECONDITION_FAILED', `${formatHours(day)} hours on ${entry.date}: a day has 24.`, `${field}.hours`);
    perDay.set(entry.date, day);
    return {
      // Entry ids sort in the order given, and differ from one submission of the week to the next.
      id: `te_${owner.timecardId.slice(3)}_${String(owner.version).padStart(3, '0')}_${String(index).padStart(3, '0')}`,
      timecardId: owner.timecardId,
      projectId: owner.projectId,
      date: entry.date,
      hoursE2: hours,
      hourClass: entry.billable !== false && owner.billable ? 'BILLABLE' : 'NON_BILLABLE',
      roleId: owner.roleId,
      billRateE4: null,
      billableE4: 0,
      billingStatus: 'UNAPPROVED',
      notes: entry.notes?.trim() || null,
      costRateE4: null,
      costCurrency: null,
    };
  });
}

interface DecisionInput {
  readonly timecardId: string;
  readonly expectedVersion: number;
}

export const approveTimecard: Handler<DecisionInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const { record: row, project } = await timecardFor(ports.read, input.timecardId);
    checkVersion('Timecard', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('Timecard', timecardMachine, row.status as TimecardStatus, 'APPROVED', 'approveTimecard');
    if (warning) return { timecard: row, warnings: [warning] };
    const resource = await resourceFor(ports.read, row.resourceId, 'timecardId');
    if (!isIndependentApprover(principal.sub, row.submittedBy, [resource.id, resource.email])) {
      throw rejected(
        'SEGREGATION_OF_DUTIES',
        'You submitted this timecard, or it is your own time: another person must approve it.',
        'timecardId',
      );
    }
    if (project.status === 'CLOSED')
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is CLOSED: its time is no longer approved.`, 'timecardId');
    const assignment = row.assignmentId ? ((await ports.read.assignmentsByIds([row.assignmentId]))[0] ?? null) : null;
    if (!assignment) throw rejected('PRECONDITION_FAILED', 'The timecard has no assignment to take its rates from.', 'timecardId');

    // Rates are frozen now: later rate changes never reprice approved time. Only a time-and-
    // materials project bills time; elsewhere time is delivery effort (billed by milestone or fee).
    const billRate = assignment.billRateE4;
    const billsTime = project.billingMethod === 'TIME_AND_MATERIALS' && assignment.isBillable && billRate !== null;
    const costCurrency = assignment.costCurrency ?? assignment.currency;
    const entries = await ports.read.timeEntriesByTimecardIds([row.id]);
    // An entry not yet approved becomes READY_TO_BILL or NOT_BILLABLE; one already NOT_BILLABLE
    // (non-billable time as some sources record it) stays so; none is in another state here.
    const priced = entries
      .filter((entry) => entry.billingStatus === 'UNAPPROVED' || entry.billingStatus === 'NOT_BILLABLE')
      .map((entry) => {
        const ready = billsTime && entry.hourClass === 'BILLABLE' && entry.billingStatus === 'UNAPPROVED';
        return { entry, ready, amount: ready ? extend(entry.hoursE2, billRate, row.currency) : 0 };
      });
    const billable = priced.reduce((sum, p) => sum + p.amount, 0);
    const readyHours = priced.reduce((sum, p) => sum + (p.ready ? p.entry.hoursE2 : 0), 0);
    const cost = entries.reduce((sum, entry) => sum + extend(entry.hoursE2, assignment.costRateE4, costCurrency), 0);
    const totalHours = entries.reduce((sum, entry) => sum + entry.hoursE2, 0);
    const approver = await ports.read.resourceOfSubject(principal.sub);
    const timecard = await ports.write.approveTimecard(row, {
      approvedAt: now.toISOString(),
      approverId: approver?.id ?? null,
      decidedBy: principal.sub,
      totalHoursE2: totalHours,
      totalBillableE4: billable,
      entries: priced.map(({ entry, ready, amount }): PricedEntry => ({
        id: entry.id,
        billRateE4: billRate,
        billableE4: amount,
        billingStatus: ready ? 'READY_TO_BILL' : 'NOT_BILLABLE',
        costRateE4: assignment.costRateE4,
        costCurrency,
      })),
    });
    emit(
      aggregateEvent('TimecardApproved', 'Timecard', timecard, project.legalEntityId, {
        timecardId: row.id,
        resourceId: row.resourceId,
        projectId: project.id,
        weekStart: row.weekStart,
        approvedBy: principal.sub,
        totalHours: formatHours(totalHours),
        readyToBillHours: formatHours(readyHours),
        approvedBillableValue: money(billable, row.currency),
        costValue: money(cost, costCurrency),
      }),
    );
    return { timecard };
  },
};

interface RejectInput extends DecisionInput {
  readonly reason: string;
}

export const rejectTimecard: Handler<RejectInput> = {
  async effect({ input, ports, emit, principal }) {
    const { record: row, project } = await timecardFor(ports.read, input.timecardId);
    checkVersion('Timecard', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('Timecard', timecardMachine, row.status as TimecardStatus, 'REJECTED', 'rejectTimecard');
    if (warning) return { timecard: row, warnings: [warning] };
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the timecard is rejected: the resource has to fix it.', 'reason');
    const approver = await ports.read.resourceOfSubject(principal.sub);
    const timecard = await ports.write.rejectTimecard(row, { reason, approverId: approver?.id ?? null, decidedBy: principal.sub });
    emit(
      aggregateEvent('TimecardRejected', 'Timecard', timecard, project.legalEntityId, {
        timecardId: row.id,
        resourceId: row.resourceId,
        projectId: project.id,
        weekStart: row.weekStart,
        rejectedBy: principal.sub,
        reason,
      }),
    );
    return { timecard };
  },
};
