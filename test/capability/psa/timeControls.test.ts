/**
 * The time controls through the gateway (docs/invariants.md#time-controls), on a Tessera whose
 * clock reads 2027-03-24 12:00 UTC, with a weekly maximum of 40 hours and a future-time window of
 * two days: one person on two projects, each limit just under (accepted) and just over (refused
 * with its code at the entry's field, nothing written); hour classes in the input; and a rate card
 * change effective mid-week giving two rates in one approved timecard, at exact amounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { erpDb } from '../../harness/capabilityRows.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { money } from '../../../systems/kernel/decimal.ts';
import {
  APPROVER,
  SUBMIT_TIMECARD,
  activate,
  amountOf,
  approve,
  call,
  confirm,
  envelope,
  newProject,
  refused,
  request,
  snapshot,
  staffedProject,
  submit,
  type Assignment,
  type UserError,
} from './psaKit.ts';

const NOW = new Date('2027-03-24T12:00:00.000Z');
let tessera: TestTessera;
/** The same person on two projects (the second booked beyond capacity on purpose). */
let onA: Assignment;
let onB: Assignment;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's', now: () => NOW, config: { timeControls: { weeklyMaxHours: 40, futureDays: 2 } } });
  const staffed = await staffedProject(tessera, { from: '2027-03-01', to: '2027-04-30', hours: '300' });
  onA = staffed.assignment;
  const second = await activate(
    tessera,
    await newProject(tessera, staffed.contract.id, { startDate: '2027-03-01', endDate: '2027-04-30' }),
  );
  const wanted = await request(tessera, second.id, { roleId: 'rol_02', startDate: '2027-03-01', endDate: '2027-04-30', hours: '300' });
  onB = (await confirm(tessera, wanted, staffed.resource.id, true)).assignment;
});
afterAll(() => tessera?.stop());

type Entry = { date: string; hours: string; hourClass?: string; billable?: boolean };

/** A submission the capability must refuse with `error`, writing nothing. */
async function expectRefused(assignmentId: string, weekStart: string, entries: Entry[], error: UserError): Promise<void> {
  const before = await snapshot(tessera);
  const result = await call(tessera, SUBMIT_TIMECARD, { idempotencyKey: newKey(), assignmentId, weekStart, entries });
  expect(envelope(result)).toEqual(refused('submitTimecard', error));
  expect(await snapshot(tessera)).toEqual(before);
}

describe('24 hours a day, across the projects of the person', () => {
  it('accepts a day at exactly 24 hours over two projects, and refuses 24.01 at the entry that goes over', async () => {
    await submit(tessera, onA.id, '2027-03-01', [
      { date: '2027-03-01', hours: '16' },
      { date: '2027-03-02', hours: '4' },
    ]);
    await expectRefused(
      onB.id,
      '2027-03-01',
      [
        { date: '2027-03-01', hours: '8' },
        { date: '2027-03-02', hours: '20.01' },
      ],
      {
        code: 'TIME_DAILY_LIMIT_EXCEEDED',
        message: "24.01 hours on 2027-03-02 across the person's timecards: a day has 24.00.",
        field: 'entries.1.hours',
      },
    );
    const fits = await submit(tessera, onB.id, '2027-03-01', [
      { date: '2027-03-01', hours: '8' },
      { date: '2027-03-02', hours: '4' },
    ]);
    expect(fits).toMatchObject({ status: 'SUBMITTED', totalHours: '12.00' });
  });

  it('refuses more than 24 hours on one day of a single submission', async () => {
    await expectRefused(
      onA.id,
      '2027-03-15',
      [
        { date: '2027-03-15', hours: '12' },
        { date: '2027-03-15', hours: '12.01' },
      ],
      {
        code: 'TIME_DAILY_LIMIT_EXCEEDED',
        message: "24.01 hours on 2027-03-15 across the person's timecards: a day has 24.00.",
        field: 'entries.1.hours',
      },
    );
  });
});

describe('the weekly maximum (40 hours here), across projects', () => {
  it('accepts exactly the maximum over two projects, refuses one hundredth more; a week submitted again replaces its own hours', async () => {
    const onProjectA = await submit(tessera, onA.id, '2027-03-08', [
      { date: '2027-03-08', hours: '10' },
      { date: '2027-03-09', hours: '10' },
      { date: '2027-03-10', hours: '10' },
    ]);
    await expectRefused(
      onB.id,
      '2027-03-08',
      [
        { date: '2027-03-11', hours: '10' },
        { date: '2027-03-12', hours: '0.01' },
      ],
      {
        code: 'TIME_WEEKLY_LIMIT_EXCEEDED',
        message: "40.01 hours in the week of 2027-03-08 across the person's timecards: at most 40.00 a week.",
        field: 'entries.1.hours',
      },
    );
    const onProjectB = await submit(tessera, onB.id, '2027-03-08', [{ date: '2027-03-11', hours: '10' }]);
    expect(onProjectB.totalHours).toBe('10.00');

    // Sent back and submitted again, project A's week replaces its own hours: 30 + 10 is still 40.
    const reject = `mutation ($input: RejectTimecardInput!) { rejectTimecard(input: $input) { timecard { status } userErrors { code } } }`;
    const rejected = await call(
      tessera,
      reject,
      { idempotencyKey: newKey(), timecardId: onProjectA.id, expectedVersion: onProjectA.aggregateVersion, reason: 'Split it' },
      { claims: APPROVER },
    );
    expect(rejected.body.data).toEqual({ rejectTimecard: { timecard: { status: 'REJECTED' }, userErrors: [] } });
    const again = await submit(
      tessera,
      onA.id,
      '2027-03-08',
      [
        { date: '2027-03-08', hours: '15' },
        { date: '2027-03-10', hours: '15' },
      ],
      2,
    );
    expect(again).toMatchObject({ status: 'SUBMITTED', totalHours: '30.00', aggregateVersion: 3 });
  });
});

describe('the future-time window (two days after 2027-03-24 here)', () => {
  it('accepts time up to 2027-03-26 and refuses 2027-03-27 at its date', async () => {
    await expectRefused(
      onA.id,
      '2027-03-22',
      [
        { date: '2027-03-26', hours: '1' },
        { date: '2027-03-27', hours: '1' },
      ],
      { code: 'TIME_IN_FUTURE', message: '2027-03-27 is in the future: time is booked up to 2027-03-26.', field: 'entries.1.date' },
    );
    const timecard = await submit(tessera, onA.id, '2027-03-22', [
      { date: '2027-03-24', hours: '8' },
      { date: '2027-03-26', hours: '1' },
    ]);
    expect(timecard.totalHours).toBe('9.00');
  });
});

describe('hour classes in the input (docs/metrics.md#hour-classes)', () => {
  it('records each class; the deprecated billable flag still works, and a contradiction is refused', async () => {
    await expectRefused(onB.id, '2027-03-15', [{ date: '2027-03-15', hours: '1', hourClass: 'CREDITED', billable: true }], {
      code: 'HOUR_CLASS_CONFLICT',
      message: 'billable: true contradicts hourClass CREDITED: give hourClass alone (billable is deprecated).',
      field: 'entries.0.hourClass',
    });
    await expectRefused(
      onB.id,
      '2027-03-15',
      [
        { date: '2027-03-15', hours: '1', hourClass: 'NON_BILLABLE', billable: false },
        { date: '2027-03-16', hours: '1', hourClass: 'BILLABLE', billable: false },
      ],
      {
        code: 'HOUR_CLASS_CONFLICT',
        message: 'billable: false contradicts hourClass BILLABLE: give hourClass alone (billable is deprecated).',
        field: 'entries.1.hourClass',
      },
    );
    const timecard = await submit(tessera, onB.id, '2027-03-15', [
      { date: '2027-03-15', hours: '4', hourClass: 'BILLABLE' },
      { date: '2027-03-15', hours: '2', hourClass: 'CREDITED' },
      { date: '2027-03-16', hours: '1.5', hourClass: 'EXCLUDED' },
      { date: '2027-03-16', hours: '1', hourClass: 'NON_BILLABLE' },
      { date: '2027-03-17', hours: '3', billable: false },
      { date: '2027-03-17', hours: '5' },
    ]);
    expect(timecard.entries.map((e) => [e.date, e.hours, e.hourClass])).toEqual([
      ['2027-03-15', '4.00', 'BILLABLE'],
      ['2027-03-15', '2.00', 'CREDITED'],
      ['2027-03-16', '1.50', 'EXCLUDED'],
      ['2027-03-16', '1.00', 'NON_BILLABLE'],
      ['2027-03-17', '3.00', 'NON_BILLABLE'],
      ['2027-03-17', '5.00', 'BILLABLE'],
    ]);

    // Approved: only BILLABLE hours are charged; CREDITED ones carry the rate (their credited value) but charge nothing.
    const approved = await approve(tessera, timecard);
    const rate = onB.billRate!;
    const zero = { amount: '0.00', currency: 'USD' };
    expect(approved.entries.map((e) => [e.hourClass, e.billRate, e.billableAmount, e.billingStatus])).toEqual([
      ['BILLABLE', rate, amountOf('4', rate.amount), 'READY_TO_BILL'],
      ['CREDITED', rate, zero, 'NOT_BILLABLE'],
      ['EXCLUDED', rate, zero, 'NOT_BILLABLE'],
      ['NON_BILLABLE', rate, zero, 'NOT_BILLABLE'],
      ['NON_BILLABLE', rate, zero, 'NOT_BILLABLE'],
      ['BILLABLE', rate, amountOf('5', rate.amount), 'READY_TO_BILL'],
    ]);
    expect(approved.totalBillableAmount).toEqual(amountOf('9', rate.amount));
  });
});

describe('the bill rate of the rate card in force on each work date, frozen at approval', () => {
  it('prices a week across a rate change effective Thursday at two rates, exactly', async () => {
    // rc_001's rate for the Consultant role ends on Wednesday 2027-03-17; a new one, 12.50 higher, starts Thursday.
    const erp = erpDb(tessera);
    const line = await erp
      .selectFrom('rate_card_lines')
      .selectAll()
      .where('rate_card_id', '=', 'rc_001')
      .where('role_id', '=', 'rol_02')
      .where('effective_from', '<=', '2027-03-15')
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', '2027-03-21')]))
      .executeTakeFirstOrThrow();
    const before = money(line.bill_rate_e4, 'USD');
    expect(before).toEqual(onA.billRate);
    const raised = line.bill_rate_e4 + 125_000;
    await erp.updateTable('rate_card_lines').set({ effective_to: '2027-03-17' }).where('id', '=', line.id).execute();
    await erp
      .insertInto('rate_card_lines')
      .values({ ...line, id: `${line.id}_raise`, bill_rate_e4: raised, effective_from: '2027-03-18', effective_to: line.effective_to })
      .execute();
    const after = money(raised, 'USD');

    const submitted = await submit(tessera, onA.id, '2027-03-15', [
      { date: '2027-03-15', hours: '8' },
      { date: '2027-03-17', hours: '4.25' },
      { date: '2027-03-18', hours: '6.5' },
      { date: '2027-03-19', hours: '3' },
    ]);
    const approved = await approve(tessera, submitted);
    expect(approved.entries.map((e) => [e.date, e.billRate, e.billableAmount, e.billingStatus])).toEqual([
      ['2027-03-15', before, amountOf('8', before.amount), 'READY_TO_BILL'],
      ['2027-03-17', before, amountOf('4.25', before.amount), 'READY_TO_BILL'],
      ['2027-03-18', after, amountOf('6.5', after.amount), 'READY_TO_BILL'],
      ['2027-03-19', after, amountOf('3', after.amount), 'READY_TO_BILL'],
    ]);
    const total = [
      amountOf('8', before.amount),
      amountOf('4.25', before.amount),
      amountOf('6.5', after.amount),
      amountOf('3', after.amount),
    ]
      .map((m) => Math.round(Number(m.amount) * 100))
      .reduce((a, b) => a + b, 0);
    expect(approved.totalBillableAmount).toEqual({ amount: (total / 100).toFixed(2), currency: 'USD' });

    // Frozen: a later change of the card does not reprice approved time.
    await erp
      .updateTable('rate_card_lines')
      .set({ bill_rate_e4: raised + 10_000 })
      .where('id', '=', `${line.id}_raise`)
      .execute();
    const read = await tessera.query(`query ($id: ID!) { timecard(id: $id) { entries { billRate { amount } } } }`, { id: approved.id });
    expect(read.data).toEqual({
      timecard: { entries: [before, before, after, after].map((rate) => ({ billRate: { amount: rate.amount } })) },
    });
  });

  it('refuses to approve time a rate card prices on no date (RATE_CARD_NOT_EFFECTIVE), writing nothing', async () => {
    const erp = erpDb(tessera);
    const submitted = await submit(tessera, onB.id, '2027-03-22', [{ date: '2027-03-23', hours: '2' }]);
    // Every Consultant line of rc_001 ends before the work date.
    const lines = await erp
      .selectFrom('rate_card_lines')
      .selectAll()
      .where('rate_card_id', '=', 'rc_001')
      .where('role_id', '=', 'rol_02')
      .execute();
    await erp
      .updateTable('rate_card_lines')
      .set({ effective_from: '2027-03-24' })
      .where('effective_from', '<=', '2027-03-23')
      .where(
        'id',
        'in',
        lines.map((l) => l.id),
      )
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', '2027-03-23')]))
      .execute();
    const before = await snapshot(tessera);
    const result = await call(
      tessera,
      `mutation ($input: ApproveTimecardInput!) { approveTimecard(input: $input) { timecard { id } userErrors { code message field } } }`,
      { idempotencyKey: newKey(), timecardId: submitted.id, expectedVersion: 1 },
      { claims: APPROVER },
    );
    expect(result.body.data).toEqual({
      approveTimecard: {
        timecard: null,
        userErrors: [
          {
            code: 'RATE_CARD_NOT_EFFECTIVE',
            message: 'Rate card rc_001 has no rate for role rol_02 in force on 2027-03-23.',
            field: 'timecardId',
          },
        ],
      },
    });
    expect(await snapshot(tessera)).toEqual(before);
  });
});
