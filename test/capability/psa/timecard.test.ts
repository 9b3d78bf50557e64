/**
 * Timecard capabilities through the gateway: a week of time submitted on an assignment, then
 * approved by another person (rates frozen, billable time READY_TO_BILL at exact amounts) or
 * rejected with a reason and submitted again. Segregation of duties, scopes, every guard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { formatHours, money } from '../../../systems/kernel/decimal.ts';
import {
  APPROVER,
  APPROVE_TIMECARD,
  DEFAULT_SUB,
  REJECT_TIMECARD,
  SUBMIT_TIMECARD,
  UK_ONLY,
  WRITER,
  accepted,
  amountOf,
  approve,
  auditOf,
  call,
  envelope,
  eventsOfRequest,
  erpDb,
  psaDb,
  readTimecard,
  refused,
  requestIdOf,
  snapshot,
  staffedProject,
  submit,
  succeeded,
  type Assignment,
  type EntryInput,
  type Money,
  type Project,
  type Timecard,
  type UserError,
} from './psaKit.ts';

let tessera: TestTessera;
let project: Project;
let assignment: Assignment;
let resource: { id: string; email: string; costRate: Money };

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  ({ project, assignment, resource } = await staffedProject(tessera, { from: '2027-03-01', to: '2027-04-30', hours: '300' }));
});
afterAll(() => tessera?.stop());

/** Monday of the n-th week of the assignment (0: 2027-03-01). */
function week(n: number): string {
  return new Date(Date.parse('2027-03-01T00:00:00Z') + n * 7 * 86_400_000).toISOString().slice(0, 10);
}

function day(monday: string, offset: number): string {
  return new Date(Date.parse(`${monday}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

const WEEK_ENTRIES = (monday: string): EntryInput[] => [
  { date: day(monday, 0), hours: '8', notes: ' Kick-off ' },
  { date: day(monday, 1), hours: '7.5' },
  { date: day(monday, 2), hours: '2', notes: 'Internal training', billable: false },
  { date: day(monday, 2), hours: '6.25' },
];

const unapproved = (date: string, hours: string, hourClass: string, notes: string | null = null) => ({
  date,
  hours,
  hourClass,
  role: { id: 'rol_02' },
  billRate: null,
  billableAmount: { amount: '0.00', currency: 'USD' },
  billingStatus: 'UNAPPROVED',
  notes,
  costRate: null,
});

describe('submitTimecard', () => {
  it("creates the week's timecard SUBMITTED: entries UNAPPROVED, no value yet, submitter recorded", async () => {
    const key = newKey();
    const monday = week(0);
    const before = Date.now();
    const result = await call(tessera, SUBMIT_TIMECARD, {
      idempotencyKey: key,
      assignmentId: assignment.id,
      weekStart: monday,
      entries: WEEK_ENTRIES(monday),
    });
    const timecard = accepted<Timecard>(result, 'timecard');
    expect(timecard.id).toMatch(/^tc_[0-9a-f]{20}$/);
    expect(Date.parse(timecard.submittedAt!)).toBeGreaterThanOrEqual(before - 1000);
    const expected: Timecard = {
      id: timecard.id,
      resource: { id: resource.id },
      project: { id: project.id },
      assignment: { id: assignment.id },
      weekStart: monday,
      weekEnd: day(monday, 6),
      status: 'SUBMITTED',
      submittedAt: timecard.submittedAt,
      approvedAt: null,
      approver: null,
      totalHours: '23.75',
      totalBillableAmount: { amount: '0.00', currency: 'USD' },
      rejectionReason: null,
      aggregateVersion: 1,
      // By date, and in the order given within a date.
      entries: [
        unapproved(day(monday, 0), '8.00', 'BILLABLE', 'Kick-off'),
        unapproved(day(monday, 1), '7.50', 'BILLABLE'),
        unapproved(day(monday, 2), '2.00', 'NON_BILLABLE', 'Internal training'),
        unapproved(day(monday, 2), '6.25', 'BILLABLE'),
      ],
    };
    expect(envelope(result)).toEqual(succeeded('submitTimecard', { timecard: expected }));
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'TimecardSubmitted',
        aggregateType: 'Timecard',
        aggregateId: timecard.id,
        aggregateVersion: 1,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          timecardId: timecard.id,
          resourceId: resource.id,
          projectId: project.id,
          assignmentId: assignment.id,
          weekStart: monday,
          totalHours: '23.75',
          entryCount: 4,
          submittedBy: DEFAULT_SUB,
          resubmission: false,
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.submitTimecard', version: 1, principalSub: DEFAULT_SUB, requestId, errorCode: null },
    ]);
    const row = await psaDb(tessera)
      .selectFrom('timecards')
      .select(['submitted_by'])
      .where('id', '=', timecard.id)
      .executeTakeFirstOrThrow();
    expect(row.submitted_by).toBe(DEFAULT_SUB);

    // Submitting the submitted week again changes nothing.
    const again = await call(tessera, SUBMIT_TIMECARD, {
      idempotencyKey: newKey(),
      assignmentId: assignment.id,
      weekStart: monday,
      entries: [{ date: monday, hours: '1' }],
      expectedVersion: 1,
    });
    expect(envelope(again)).toEqual(
      succeeded(
        'submitTimecard',
        { timecard },
        {
          warnings: [{ code: 'ALREADY_IN_STATE', message: 'Timecard already is SUBMITTED; nothing changed.', field: null }],
        },
      ),
    );
  });

  describe('refuses, writing nothing', () => {
    const input = (overrides: Record<string, unknown> = {}) => ({
      idempotencyKey: newKey(),
      assignmentId: assignment.id,
      weekStart: week(1),
      entries: [{ date: week(1), hours: '8' }],
      ...overrides,
    });
    const closedAssignment = async () => {
      const row = await psaDb(tessera)
        .selectFrom('assignments')
        .innerJoin('projects', 'projects.id', 'assignments.project_id')
        .select(['assignments.id', 'assignments.start_date', 'projects.id as project'])
        .where('projects.status', '=', 'CLOSED')
        .orderBy('assignments.id')
        .executeTakeFirstOrThrow();
      return row;
    };
    const completedAssignment = async () =>
      psaDb(tessera)
        .selectFrom('assignments')
        .innerJoin('projects', 'projects.id', 'assignments.project_id')
        .select(['assignments.id', 'assignments.start_date', 'assignments.status'])
        .where('projects.status', '=', 'ACTIVE')
        .where('assignments.status', 'in', ['COMPLETED', 'PROPOSED'])
        .orderBy('assignments.id')
        .executeTakeFirstOrThrow();
    const mondayOf = (date: string) => day(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
    const cases: [string, () => Promise<{ input: Record<string, unknown>; error: UserError }>, { claims?: PrincipalClaims }?][] = [
      [
        'an unknown assignment',
        async () => ({
          input: input({ assignmentId: 'asg_nope' }),
          error: { code: 'NOT_FOUND', message: 'Assignment "asg_nope" was not found.', field: 'assignmentId' },
        }),
      ],
      [
        'an assignment the caller cannot see',
        async () => ({
          input: input(),
          error: { code: 'NOT_FOUND', message: `Assignment "${assignment.id}" was not found.`, field: 'assignmentId' },
        }),
        { claims: UK_ONLY },
      ],
      [
        'a week that does not start on a Monday',
        async () => ({
          input: input({ weekStart: day(week(1), 1) }),
          error: {
            code: 'PRECONDITION_FAILED',
            message: `A timecard week starts on a Monday; ${day(week(1), 1)} is not one.`,
            field: 'weekStart',
          },
        }),
      ],
      [
        'an expected version for a week without a timecard',
        async () => ({
          input: input({ expectedVersion: 1 }),
          error: {
            code: 'VERSION_CONFLICT',
            message: `There is no timecard for week ${week(1)} yet: leave expectedVersion out to create it.`,
            field: 'expectedVersion',
          },
        }),
      ],
      [
        'a CLOSED project',
        async () => {
          const closed = await closedAssignment();
          const monday = mondayOf(closed.start_date);
          return {
            input: input({ assignmentId: closed.id, weekStart: monday, entries: [{ date: closed.start_date, hours: '8' }] }),
            error: {
              code: 'PRECONDITION_FAILED',
              message: `Project ${closed.project} is CLOSED: it takes no more time.`,
              field: 'assignmentId',
            },
          };
        },
      ],
      [
        'an assignment that is not CONFIRMED or ACTIVE',
        async () => {
          const done = await completedAssignment();
          return {
            input: input({ assignmentId: done.id, weekStart: mondayOf(done.start_date), entries: [{ date: done.start_date, hours: '8' }] }),
            error: {
              code: 'PRECONDITION_FAILED',
              message: `Assignment ${done.id} is ${done.status}: time is booked on a CONFIRMED or ACTIVE assignment.`,
              field: 'assignmentId',
            },
          };
        },
      ],
      [
        'no entries',
        async () => ({
          input: input({ entries: [] }),
          error: { code: 'PRECONDITION_FAILED', message: 'A timecard needs at least one entry.', field: 'entries' },
        }),
      ],
      [
        'an entry outside the week',
        async () => ({
          input: input({
            entries: [
              { date: week(1), hours: '8' },
              { date: week(2), hours: '8' },
            ],
          }),
          error: {
            code: 'PRECONDITION_FAILED',
            message: `${week(2)} is outside the week ${week(1)} to ${day(week(1), 6)}.`,
            field: 'entries.1.date',
          },
        }),
      ],
      [
        'an entry outside the assignment',
        async () => ({
          input: input({ weekStart: '2027-02-22', entries: [{ date: '2027-02-26', hours: '8' }] }),
          error: {
            code: 'PRECONDITION_FAILED',
            message: '2027-02-26 is outside the assignment (2027-03-01 to 2027-04-30).',
            field: 'entries.0.date',
          },
        }),
      ],
      [
        'an entry of no hours',
        async () => ({
          input: input({ entries: [{ date: week(1), hours: '0' }] }),
          error: { code: 'PRECONDITION_FAILED', message: 'An entry books a positive number of hours.', field: 'entries.0.hours' },
        }),
      ],
      [
        'a day of more than 24 hours',
        async () => ({
          input: input({
            entries: [
              { date: week(1), hours: '12' },
              { date: day(week(1), 1), hours: '3' },
              { date: week(1), hours: '12.25' },
            ],
          }),
          error: {
            code: 'TIME_DAILY_LIMIT_EXCEEDED',
            message: `24.25 hours on ${week(1)} across the person's timecards: a day has 24.00.`,
            field: 'entries.2.hours',
          },
        }),
      ],
      [
        'hours finer than a hundredth',
        async () => ({
          input: input({ entries: [{ date: week(1), hours: '1.001' }] }),
          error: { code: 'MONEY_PRECISION', message: '1.001 has more decimals than allowed here (2).', field: 'entries.0.hours' },
        }),
      ],
    ];

    it.each(cases)('%s', async (_, build, options) => {
      const { input: values, error } = await build();
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, SUBMIT_TIMECARD, values, options ?? {}))).toEqual(refused('submitTimecard', error));
      expect(await snapshot(tessera)).toEqual(before);
    });
  });
});

describe('approveTimecard', () => {
  it("freezes the rate card's rate on each date and the resource's cost rate; billable time READY_TO_BILL at hours × rate, the rest NOT_BILLABLE; by someone else", async () => {
    const monday = week(2);
    const submitted = await submit(tessera, assignment.id, monday, WEEK_ENTRIES(monday));
    const key = newKey();
    const result = await call(
      tessera,
      APPROVE_TIMECARD,
      { idempotencyKey: key, timecardId: submitted.id, expectedVersion: 1 },
      { claims: APPROVER },
    );
    const timecard = accepted<Timecard>(result, 'timecard');
    const rate = { amount: '170.00', currency: 'USD' };
    const approved = (date: string, hours: string, billable: boolean, notes: string | null = null) => ({
      date,
      hours,
      hourClass: billable ? 'BILLABLE' : 'NON_BILLABLE',
      role: { id: 'rol_02' },
      billRate: rate,
      billableAmount: billable ? amountOf(hours, '170.00') : { amount: '0.00', currency: 'USD' },
      billingStatus: billable ? 'READY_TO_BILL' : 'NOT_BILLABLE',
      notes,
      costRate: resource.costRate,
    });
    expect(Date.parse(timecard.approvedAt!)).toBeGreaterThanOrEqual(Date.parse(submitted.submittedAt!));
    expect(timecard).toEqual({
      ...submitted,
      status: 'APPROVED',
      approvedAt: timecard.approvedAt,
      approver: null,
      aggregateVersion: 2,
      // 8 × 170 + 7.5 × 170 + 6.25 × 170 = 1360 + 1275 + 1062.50
      totalBillableAmount: { amount: '3697.50', currency: 'USD' },
      entries: [
        approved(monday, '8.00', true, 'Kick-off'),
        approved(day(monday, 1), '7.50', true),
        approved(day(monday, 2), '2.00', false, 'Internal training'),
        approved(day(monday, 2), '6.25', true),
      ],
    });
    expect(await readTimecard(tessera, submitted.id)).toEqual(timecard);
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'TimecardApproved',
        aggregateType: 'Timecard',
        aggregateId: submitted.id,
        aggregateVersion: 2,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          timecardId: submitted.id,
          resourceId: resource.id,
          projectId: project.id,
          weekStart: monday,
          approvedBy: APPROVER.sub,
          totalHours: '23.75',
          readyToBillHours: '21.75',
          approvedBillableValue: { amount: '3697.50', currency: 'USD' },
          costValue: amountOf('23.75', resource.costRate.amount, resource.costRate.currency),
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.approveTimecard', version: 1, principalSub: APPROVER.sub, requestId, errorCode: null },
    ]);
    const again = await call(
      tessera,
      APPROVE_TIMECARD,
      { idempotencyKey: newKey(), timecardId: submitted.id, expectedVersion: 2 },
      { claims: APPROVER },
    );
    expect(envelope(again)).toEqual(
      succeeded(
        'approveTimecard',
        { timecard },
        {
          warnings: [{ code: 'ALREADY_IN_STATE', message: 'Timecard already is APPROVED; nothing changed.', field: null }],
        },
      ),
    );
    // Approved time is not submitted again.
    expect(
      envelope(
        await call(tessera, SUBMIT_TIMECARD, {
          idempotencyKey: newKey(),
          assignmentId: assignment.id,
          weekStart: monday,
          entries: [{ date: monday, hours: '1' }],
          expectedVersion: 2,
        }),
      ),
    ).toEqual(
      refused('submitTimecard', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Timecard is APPROVED: submitTimecard cannot move it to SUBMITTED.',
        field: null,
      }),
    );
  });

  it('names the approver when the approving principal is a resource (by id or e-mail)', async () => {
    const monday = week(3);
    const submitted = await submit(tessera, assignment.id, monday, [{ date: monday, hours: '4' }]);
    const timecard = await approve(tessera, submitted, { ...APPROVER, sub: 'res_0001' });
    expect(timecard).toMatchObject({ approver: { id: 'res_0001' }, totalBillableAmount: { amount: '680.00', currency: 'USD' } });
  });

  it("approves seeded time: a fixed-fee project's time is NOT_BILLABLE with no value; T&M time at its rate card's rate on each date", async () => {
    const db = psaDb(tessera);
    const seeded = await db
      .selectFrom('timecards')
      .innerJoin('projects', 'projects.id', 'timecards.project_id')
      .select(['timecards.id', 'timecards.aggregate_version', 'projects.billing_method', 'timecards.assignment_id', 'timecards.currency'])
      .where('timecards.status', '=', 'SUBMITTED')
      .where('projects.type', '=', 'CUSTOMER_BILLABLE')
      .orderBy('timecards.id')
      .execute();
    const fixedFee = seeded.find((row) => row.billing_method === 'FIXED_FEE' || row.billing_method === 'MILESTONE')!;
    const timeAndMaterials = seeded.find((row) => row.billing_method === 'TIME_AND_MATERIALS')!;
    const ff = await approve(tessera, { id: fixedFee.id, aggregateVersion: fixedFee.aggregate_version } as Timecard);
    expect(ff.totalBillableAmount).toEqual({ amount: '0.00', currency: fixedFee.currency });
    expect(new Set(ff.entries.map((entry) => [entry.billingStatus, entry.billableAmount.amount].join()))).toEqual(
      new Set(['NOT_BILLABLE,0.00']),
    );

    // The rate card of the project's time-and-materials line, in force on each entry's date (docs/invariants.md#time-controls).
    const card = await db
      .selectFrom('contract_lines')
      .innerJoin('projects', 'projects.contract_id', 'contract_lines.contract_id')
      .innerJoin('timecards', 'timecards.project_id', 'projects.id')
      .select('contract_lines.rate_card_id')
      .where('timecards.id', '=', timeAndMaterials.id)
      .where('contract_lines.billing_method', '=', 'TIME_AND_MATERIALS')
      .executeTakeFirstOrThrow();
    const lines = await erpDb(tessera).selectFrom('rate_card_lines').selectAll().where('rate_card_id', '=', card.rate_card_id!).execute();
    const rateOn = (roleId: string, date: string) => {
      const line = lines.find(
        (l) => l.role_id === roleId && l.effective_from <= date && (l.effective_to === null || date <= l.effective_to),
      )!;
      return money(line.bill_rate_e4, timeAndMaterials.currency).amount;
    };
    const before = await db
      .selectFrom('time_entries')
      .select(['hours_e2', 'hour_class', 'role_id', 'entry_date'])
      .where('timecard_id', '=', timeAndMaterials.id)
      .execute();
    const tm = await approve(tessera, { id: timeAndMaterials.id, aggregateVersion: timeAndMaterials.aggregate_version } as Timecard);
    const expectedTotal = before
      .filter((entry) => entry.hour_class === 'BILLABLE')
      .reduce(
        (sum, entry) =>
          sum +
          BigInt(
            amountOf(formatHours(entry.hours_e2), rateOn(entry.role_id, entry.entry_date), timeAndMaterials.currency).amount.replace(
              '.',
              '',
            ),
          ),
        0n,
      );
    expect(tm.totalBillableAmount).toEqual({
      amount: `${expectedTotal / 100n}.${String(expectedTotal % 100n).padStart(2, '0')}`,
      currency: timeAndMaterials.currency,
    });
    expect(tm.entries.every((entry) => entry.billingStatus === (entry.hourClass === 'BILLABLE' ? 'READY_TO_BILL' : 'NOT_BILLABLE'))).toBe(
      true,
    );
  });

  describe('refuses, writing nothing', () => {
    let submitted: Timecard;
    beforeAll(async () => {
      submitted = await submit(tessera, assignment.id, week(4), [{ date: week(4), hours: '8' }]);
    });
    const decision = (overrides: Record<string, unknown> = {}) => ({
      idempotencyKey: newKey(),
      timecardId: submitted.id,
      expectedVersion: 1,
      ...overrides,
    });
    const sod = {
      code: 'SEGREGATION_OF_DUTIES',
      message: 'You submitted this timecard, or it is your own time: another person must approve it.',
      field: 'timecardId',
    };
    type Case = [string, () => { input: Record<string, unknown>; error: UserError; claims: PrincipalClaims }];
    const cases: Case[] = [
      ['by its submitter', () => ({ input: decision(), error: sod, claims: { ...APPROVER, sub: DEFAULT_SUB } })],
      ['by its resource (id)', () => ({ input: decision(), error: sod, claims: { ...APPROVER, sub: resource.id } })],
      [
        'by its resource (e-mail, any case)',
        () => ({ input: decision(), error: sod, claims: { ...APPROVER, sub: resource.email.toUpperCase() } }),
      ],
      [
        'an unknown timecard',
        () => ({
          input: decision({ timecardId: 'tc_nope' }),
          error: { code: 'NOT_FOUND', message: 'Timecard "tc_nope" was not found.', field: 'timecardId' },
          claims: APPROVER,
        }),
      ],
      [
        'a timecard the caller cannot see',
        () => ({
          input: decision(),
          error: { code: 'NOT_FOUND', message: `Timecard "${submitted.id}" was not found.`, field: 'timecardId' },
          claims: UK_ONLY,
        }),
      ],
      [
        'a stale version',
        () => ({
          input: decision({ expectedVersion: 0 }),
          error: {
            code: 'VERSION_CONFLICT',
            message: 'Timecard is at version 1, not 0: it changed since you read it. Read it again, then decide.',
            field: 'expectedVersion',
          },
          claims: APPROVER,
        }),
      ],
    ];

    it.each(cases)('approval %s', async (_, build) => {
      const { input, error, claims } = build();
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, APPROVE_TIMECARD, input, { claims }))).toEqual(refused('approveTimecard', error));
      expect(await snapshot(tessera)).toEqual(before);
    });

    it('approval of a timecard without an assignment to take rates from', async () => {
      const db = psaDb(tessera);
      const id = `tc_fx_${newKey().slice(0, 8)}`;
      await db
        .insertInto('timecards')
        .values({
          id,
          resource_id: resource.id,
          project_id: project.id,
          assignment_id: null,
          week_start: week(6),
          week_end: day(week(6), 6),
          status: 'SUBMITTED',
          submitted_at: '2027-04-12T09:00:00.000Z',
          approved_at: null,
          approver_id: null,
          total_hours_e2: 0,
          total_billable_e4: 0,
          currency: 'USD',
          aggregate_version: 1,
          submitted_by: DEFAULT_SUB,
          decided_by: null,
          rejection_reason: null,
        })
        .execute();
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, APPROVE_TIMECARD, decision({ timecardId: id }), { claims: APPROVER }))).toEqual(
        refused('approveTimecard', {
          code: 'PRECONDITION_FAILED',
          message: 'The timecard has no assignment to take its rates from.',
          field: 'timecardId',
        }),
      );
      expect(await snapshot(tessera)).toEqual(before);
    });

    it('approval on a CLOSED project', async () => {
      const db = psaDb(tessera);
      await db.updateTable('projects').set({ status: 'CLOSED' }).where('id', '=', project.id).execute();
      try {
        const before = await snapshot(tessera);
        expect(envelope(await call(tessera, APPROVE_TIMECARD, decision(), { claims: APPROVER }))).toEqual(
          refused('approveTimecard', {
            code: 'PRECONDITION_FAILED',
            message: `Project ${project.id} is CLOSED: its time is no longer approved.`,
            field: 'timecardId',
          }),
        );
        expect(await snapshot(tessera)).toEqual(before);
      } finally {
        await db.updateTable('projects').set({ status: 'ACTIVE' }).where('id', '=', project.id).execute();
      }
    });

    it.each([
      ['approveTimecard', APPROVE_TIMECARD, {}],
      ['rejectTimecard', REJECT_TIMECARD, { reason: 'x' }],
    ] as const)('%s without psa:approve is FORBIDDEN at its path', async (field, query, extra) => {
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, query, { ...decision(), ...extra }, { claims: WRITER }))).toEqual({
        status: 200,
        body: {
          errors: [
            {
              message: `Not authorized to read Mutation.${field} (requires scope psa:approve).`,
              path: [field],
              extensions: { code: 'FORBIDDEN', coordinate: `Mutation.${field}`, reason: 'requires scope psa:approve' },
            },
          ],
          data: null,
        },
      });
      expect(await snapshot(tessera)).toEqual(before);
    });
  });
});

describe('rejectTimecard', () => {
  it('sends the week back with the reason; resubmitted (expected version required) it replaces the entries', async () => {
    const monday = week(5);
    const submitted = await submit(tessera, assignment.id, monday, WEEK_ENTRIES(monday));
    const blank = await call(
      tessera,
      REJECT_TIMECARD,
      { idempotencyKey: newKey(), timecardId: submitted.id, expectedVersion: 1, reason: '  ' },
      { claims: APPROVER },
    );
    expect(envelope(blank)).toEqual(
      refused('rejectTimecard', {
        code: 'PRECONDITION_FAILED',
        message: 'Say why the timecard is rejected: the resource has to fix it.',
        field: 'reason',
      }),
    );
    const result = await call(
      tessera,
      REJECT_TIMECARD,
      { idempotencyKey: newKey(), timecardId: submitted.id, expectedVersion: 1, reason: ' Wednesday is a holiday ' },
      { claims: APPROVER },
    );
    const rejected = accepted<Timecard>(result, 'timecard');
    expect(rejected).toEqual({ ...submitted, status: 'REJECTED', rejectionReason: 'Wednesday is a holiday', aggregateVersion: 2 });
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'TimecardRejected',
        aggregateType: 'Timecard',
        aggregateId: submitted.id,
        aggregateVersion: 2,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          timecardId: submitted.id,
          resourceId: resource.id,
          projectId: project.id,
          weekStart: monday,
          rejectedBy: APPROVER.sub,
          reason: 'Wednesday is a holiday',
        },
      },
    ]);
    // Rejected time is approved no more.
    expect(
      envelope(
        await call(
          tessera,
          APPROVE_TIMECARD,
          { idempotencyKey: newKey(), timecardId: submitted.id, expectedVersion: 2 },
          { claims: APPROVER },
        ),
      ),
    ).toEqual(
      refused('approveTimecard', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Timecard is REJECTED: approveTimecard cannot move it to APPROVED.',
        field: null,
      }),
    );

    const resubmission = {
      idempotencyKey: newKey(),
      assignmentId: assignment.id,
      weekStart: monday,
      entries: [
        { date: monday, hours: '8' },
        { date: day(monday, 1), hours: '8' },
      ],
    };
    expect(envelope(await call(tessera, SUBMIT_TIMECARD, resubmission))).toEqual(
      refused('submitTimecard', {
        code: 'VERSION_CONFLICT',
        message: 'Timecard: expectedVersion is required (the aggregateVersion you read).',
        field: 'expectedVersion',
      }),
    );
    const again = await call(tessera, SUBMIT_TIMECARD, { ...resubmission, idempotencyKey: newKey(), expectedVersion: 2 });
    const resubmitted = accepted<Timecard>(again, 'timecard');
    expect(resubmitted).toMatchObject({
      id: submitted.id,
      status: 'SUBMITTED',
      rejectionReason: null,
      totalHours: '16.00',
      aggregateVersion: 3,
    });
    expect(resubmitted.entries).toEqual([unapproved(monday, '8.00', 'BILLABLE'), unapproved(day(monday, 1), '8.00', 'BILLABLE')]);
    expect((await eventsOfRequest(tessera, requestIdOf(again)))[0]?.payload).toMatchObject({
      resubmission: true,
      entryCount: 2,
      totalHours: '16.00',
    });
    const count = await psaDb(tessera)
      .selectFrom('time_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('timecard_id', '=', submitted.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });
});
