/**
 * Timecard capabilities (docs/state-machines.md#timecard-and-billing-status,
 * docs/capabilities.md#time-to-billing): a resource submits a week of time on an assignment, within
 * the time controls (docs/invariants.md#time-controls: 24 hours a day and the weekly maximum across
 * every project, no time too far in the future, an hour class per entry); someone else approves it
 * (approveTimecard.ts: rates resolved on each work date and frozen) or rejects it with a reason.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { hoursInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { formatHours, HOURS_SCALE } from '../../kernel/decimal.ts';
import { TIME_CONTROL_DEFAULTS, type TimeControlsConfig } from '../../../core/config/timeControls.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { Timecard, TimeEntry } from '../ports/types.ts';
import { timecardMachine, type TimecardStatus } from '../machines.ts';
import { addDays, dateOf, isoWeekday } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { assignmentFor, timecardFor } from './records.ts';
import { firstLimitViolation, hourClassOf, latestWorkDate } from './timeRules.ts';

export { approveTimecard } from './approveTimecard.ts';
import type { DecisionInput } from './approveTimecard.ts';

type Handler<Input> = CapabilityHandler<PsaPorts, PsaContext, Input, { timecard: Timecard }>;

/** Assignment states time may be booked on. */
const TIMEABLE_ASSIGNMENTS: readonly string[] = ['CONFIRMED', 'ACTIVE'];
/** Project states that take no more time. */
const CLOSED_PROJECTS: readonly string[] = ['CLOSED', 'CANCELLED'];

interface EntryInput {
  readonly date: string;
  readonly hours: string;
  readonly notes?: string | null;
  /** Deprecated: `hourClass` says it (true: BILLABLE, false: NON_BILLABLE). */
  readonly billable?: boolean | null;
  readonly hourClass?: string | null;
}

interface SubmitInput {
  readonly assignmentId: string;
  readonly weekStart: string;
  readonly entries: readonly EntryInput[];
  readonly expectedVersion?: number | null;
}

export const submitTimecard: Handler<SubmitInput> = {
  async effect({ input, ports, emit, principal, now, ctx }) {
    const controls = ctx.timeControls ?? TIME_CONTROL_DEFAULTS;
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
    // The project as it is now, held against a concurrent close or cancel until this call commits (docs/invariants.md#inv-22).
    const { status } = (await ports.write.projectForWork(project.id)) ?? project;
    if (CLOSED_PROJECTS.includes(status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${status}: it takes no more time.`, 'assignmentId');
    }
    if (status === 'ON_HOLD') {
      throw rejected(
        'PRECONDITION_FAILED',
        `Project ${project.id} is ON_HOLD: no time is recorded while it is on hold (resumeProject first).`,
        'assignmentId',
      );
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
        latest: latestWorkDate(dateOf(now), controls.futureDays),
      },
    );
    const totalHours = entries.reduce((sum, entry) => sum + entry.hoursE2, 0);
    const timecard = await ports.write.submitTimecard(
      {
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
      },
      () =>
        checkLimits(
          ports.read,
          { resourceId: assignment.resourceId, projectId: project.id, weekStart: input.weekStart, weekEnd },
          entries,
          controls,
        ),
    );
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

/**
 * The entries of a submission, checked one by one: within the week and the assignment, a positive
 * number of hours, no later than the future-time window allows, and an hour class the input and
 * the assignment agree on. The day's and the week's limits are checked against the person's other
 * time by `checkLimits`, under the write port's lock.
 */
function entryRecords(
  inputs: readonly EntryInput[],
  owner: { timecardId: string; version: number; projectId: string; roleId: string; billable: boolean },
  bounds: { weekStart: string; weekEnd: string; assignmentStart: string; assignmentEnd: string; latest: string | null },
): TimeEntry[] {
  if (inputs.length === 0) throw rejected('PRECONDITION_FAILED', 'A timecard needs at least one entry.', 'entries');
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
    if (bounds.latest !== null && entry.date > bounds.latest) {
      throw rejected('TIME_IN_FUTURE', `${entry.date} is in the future: time is booked up to ${bounds.latest}.`, `${field}.date`);
    }
    const hours = hoursInput(entry.hours, `${field}.hours`);
    if (hours <= 0) throw rejected('PRECONDITION_FAILED', 'An entry books a positive number of hours.', `${field}.hours`);
    const hourClass = hourClassOf(entry, owner.billable);
    if (typeof hourClass !== 'string') {
      throw rejected(
        'HOUR_CLASS_CONFLICT',
        hourClass.reason === 'BILLABLE_CONTRADICTS_CLASS'
          ? `billable: ${String(entry.billable)} contradicts hourClass ${String(entry.hourClass)}: give hourClass alone (billable is deprecated).`
          : 'The assignment bills nothing (an internal project): its time is NON_BILLABLE, CREDITED or EXCLUDED, not BILLABLE.',
        `${field}.hourClass`,
      );
    }
    return {
      // Entry ids sort in the order given, and differ from one submission of the week to the next.
      id: `te_${owner.timecardId.slice(3)}_${String(owner.version).padStart(3, '0')}_${String(index).padStart(3, '0')}`,
      timecardId: owner.timecardId,
      projectId: owner.projectId,
      date: entry.date,
      hoursE2: hours,
      hourClass,
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

/**
 * The day's and the week's limits across every project of the person (docs/invariants.md#time-controls):
 * the submission's entries added to the person's other time of the week, whatever its project or
 * the caller's scope. Runs under the write port's lock on the person, so two submissions at once
 * cannot both fit into the same free hours.
 */
async function checkLimits(
  read: PsaReadPort,
  week: { resourceId: string; projectId: string; weekStart: string; weekEnd: string },
  entries: readonly TimeEntry[],
  controls: TimeControlsConfig,
): Promise<void> {
  const others = await read.resourceHoursByDate(week.resourceId, week.weekStart, week.weekEnd, week.projectId);
  const weeklyMaxE2 = controls.weeklyMaxHours * HOURS_SCALE;
  const violation = firstLimitViolation(
    entries.map((entry) => ({ date: entry.date, hoursE2: entry.hoursE2 })),
    others,
    { weeklyMaxE2 },
  );
  if (!violation) return;
  const field = `entries.${violation.index}.hours`;
  if (violation.kind === 'DAY') {
    throw rejected(
      'TIME_DAILY_LIMIT_EXCEEDED',
      `${formatHours(violation.totalE2)} hours on ${violation.date} across the person's timecards: a day has ${formatHours(violation.limitE2)}.`,
      field,
    );
  }
  throw rejected(
    'TIME_WEEKLY_LIMIT_EXCEEDED',
    `${formatHours(violation.totalE2)} hours in the week of ${week.weekStart} across the person's timecards: ` +
      `at most ${formatHours(violation.limitE2)} a week.`,
    field,
  );
}

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
