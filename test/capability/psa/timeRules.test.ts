/**
 * The time controls as pure rules (systems/psa/capabilities/timeRules.ts; docs/invariants.md#time-controls):
 * each limit just under and just over, the hour class of every input combination, the rate in force
 * on a date, and a property over random weeks of submissions on several projects: whatever is
 * accepted never takes a day past 24 hours nor the week past its maximum, and a submission is
 * refused exactly when it would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../systems/psa/capabilities/dates.ts';
import {
  DAY_MAX_E2,
  firstLimitViolation,
  hourClassOf,
  latestWorkDate,
  rateInForce,
  type DayHours,
} from '../../../systems/psa/capabilities/timeRules.ts';
import { readTimeControlsConfig } from '../../../core/config/timeControls.ts';

const MONDAY = '2027-03-01';
const day = (offset: number) => addDays(MONDAY, offset);
const WEEK_40 = { weeklyMaxE2: 4000 };

describe('the day: at most 24 hours a person, across projects', () => {
  it('accepts a day at exactly 24 hours with the other projects, refuses 24.01 at the entry that goes over', () => {
    const others: DayHours[] = [{ date: day(0), hoursE2: 1600 }];
    expect(firstLimitViolation([{ date: day(0), hoursE2: 800 }], others, WEEK_40)).toBeNull();
    expect(
      firstLimitViolation(
        [
          { date: day(1), hoursE2: 100 },
          { date: day(0), hoursE2: 801 },
        ],
        others,
        WEEK_40,
      ),
    ).toEqual({ kind: 'DAY', index: 1, date: day(0), totalE2: 2401, limitE2: 2400 });
  });

  it('adds the entries of one submission on the same date (24 in one go, then one hundredth more)', () => {
    const split = [
      { date: day(2), hoursE2: 1200 },
      { date: day(2), hoursE2: 1200 },
    ];
    expect(firstLimitViolation(split, [], { weeklyMaxE2: 16_800 })).toBeNull();
    expect(firstLimitViolation([...split, { date: day(2), hoursE2: 1 }], [], { weeklyMaxE2: 16_800 })).toEqual({
      kind: 'DAY',
      index: 2,
      date: day(2),
      totalE2: 2401,
      limitE2: DAY_MAX_E2,
    });
  });
});

describe('the week: at most the weekly maximum, across projects', () => {
  it('accepts exactly the maximum, refuses one hundredth more at the entry that goes over', () => {
    const others = [0, 1, 2].map((d) => ({ date: day(d), hoursE2: 1000 }));
    expect(firstLimitViolation([{ date: day(3), hoursE2: 1000 }], others, WEEK_40)).toBeNull();
    expect(
      firstLimitViolation(
        [
          { date: day(3), hoursE2: 1000 },
          { date: day(4), hoursE2: 1 },
        ],
        others,
        WEEK_40,
      ),
    ).toEqual({ kind: 'WEEK', index: 1, date: day(4), totalE2: 4001, limitE2: 4000 });
  });

  it('checks the day before the week when one entry breaks both', () => {
    expect(firstLimitViolation([{ date: day(0), hoursE2: 2500 }], [], WEEK_40)).toEqual({
      kind: 'DAY',
      index: 0,
      date: day(0),
      totalE2: 2500,
      limitE2: 2400,
    });
  });

  it('holds over random weeks: what is accepted never exceeds 24 a day nor the maximum a week, and only an excess is refused', () => {
    const entry = fc.record({ date: fc.integer({ min: 0, max: 6 }).map(day), hoursE2: fc.integer({ min: 1, max: 1600 }) });
    const submission = fc.array(entry, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 168 }), fc.array(submission, { minLength: 1, maxLength: 8 }), (maxHours, submissions) => {
        const limits = { weeklyMaxE2: maxHours * 100 };
        let booked: DayHours[] = [];
        for (const entries of submissions) {
          const violation = firstLimitViolation(entries, booked, limits);
          const after = [...booked, ...entries];
          const perDay = new Map<string, number>();
          for (const e of after) perDay.set(e.date, (perDay.get(e.date) ?? 0) + e.hoursE2);
          const week = after.reduce((sum, e) => sum + e.hoursE2, 0);
          const fits = [...perDay.values()].every((hours) => hours <= DAY_MAX_E2) && week <= limits.weeklyMaxE2;
          // Refused exactly when taking it would break a limit.
          expect(violation === null).toBe(fits);
          if (violation) {
            // The entry named is the first one whose running total goes over.
            const before = entries.slice(0, violation.index);
            expect(firstLimitViolation(before, booked, limits)).toBeNull();
            expect(violation.totalE2).toBeGreaterThan(violation.limitE2);
          } else booked = after;
        }
        const perDay = new Map<string, number>();
        for (const e of booked) perDay.set(e.date, (perDay.get(e.date) ?? 0) + e.hoursE2);
        expect([...perDay.values()].every((hours) => hours <= DAY_MAX_E2)).toBe(true);
        expect(booked.reduce((sum, e) => sum + e.hoursE2, 0)).toBeLessThanOrEqual(limits.weeklyMaxE2);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the future-time window', () => {
  it('allows today plus the window, nothing when off', () => {
    expect(latestWorkDate('2027-03-24', 0)).toBe('2027-03-24');
    expect(latestWorkDate('2027-03-24', 7)).toBe('2027-03-31');
    expect(latestWorkDate('2027-12-30', 2)).toBe('2028-01-01');
    expect(latestWorkDate('2027-03-24', null)).toBeNull();
  });

  it('is read from TESSERA_TIME_FUTURE_DAYS and TESSERA_TIME_WEEKLY_MAX_HOURS, refusing bad values by name', () => {
    expect(readTimeControlsConfig({})).toEqual({ weeklyMaxHours: 80, futureDays: 7 });
    expect(readTimeControlsConfig({ TESSERA_TIME_WEEKLY_MAX_HOURS: '168', TESSERA_TIME_FUTURE_DAYS: '0' })).toEqual({
      weeklyMaxHours: 168,
      futureDays: 0,
    });
    expect(readTimeControlsConfig({ TESSERA_TIME_FUTURE_DAYS: 'off' })).toEqual({ weeklyMaxHours: 80, futureDays: null });
    expect(() => readTimeControlsConfig({ TESSERA_TIME_WEEKLY_MAX_HOURS: '169' })).toThrow(
      new TypeError("TESSERA_TIME_WEEKLY_MAX_HOURS must be at most 168 (a week's hours); got 169"),
    );
    expect(() => readTimeControlsConfig({ TESSERA_TIME_WEEKLY_MAX_HOURS: '0' })).toThrow(
      new TypeError('TESSERA_TIME_WEEKLY_MAX_HOURS must be a positive integer; got "0"'),
    );
    expect(() => readTimeControlsConfig({ TESSERA_TIME_FUTURE_DAYS: '-1' })).toThrow(
      new TypeError('TESSERA_TIME_FUTURE_DAYS must be a non-negative integer; got "-1"'),
    );
  });
});

describe('hour classes of an entry input (docs/metrics.md#hour-classes)', () => {
  it.each([
    [{}, true, 'BILLABLE'],
    [{ billable: true }, true, 'BILLABLE'],
    [{ billable: false }, true, 'NON_BILLABLE'],
    [{}, false, 'NON_BILLABLE'],
    [{ billable: true }, false, 'NON_BILLABLE'],
    [{ hourClass: 'CREDITED' }, true, 'CREDITED'],
    [{ hourClass: 'EXCLUDED' }, true, 'EXCLUDED'],
    [{ hourClass: 'EXCLUDED' }, false, 'EXCLUDED'],
    [{ hourClass: 'NON_BILLABLE', billable: false }, true, 'NON_BILLABLE'],
    [{ hourClass: 'BILLABLE', billable: true }, true, 'BILLABLE'],
    [{ hourClass: 'BILLABLE', billable: null }, true, 'BILLABLE'],
    [{ hourClass: 'BILLABLE', billable: false }, true, { reason: 'BILLABLE_CONTRADICTS_CLASS' }],
    [{ hourClass: 'CREDITED', billable: true }, true, { reason: 'BILLABLE_CONTRADICTS_CLASS' }],
    [{ hourClass: 'EXCLUDED', billable: true }, true, { reason: 'BILLABLE_CONTRADICTS_CLASS' }],
    [{ hourClass: 'BILLABLE' }, false, { reason: 'ASSIGNMENT_NOT_BILLABLE' }],
    [{ hourClass: 'CREDITED' }, false, 'CREDITED'],
  ])('%j on an assignment billable=%s: %j', (input, assignmentBillable, expected) => {
    expect(hourClassOf(input, assignmentBillable)).toEqual(expected);
  });
});

describe('the rate in force on a work date', () => {
  const lines = [
    { roleId: 'rol_02', billRateE4: 1_500_000, effectiveFrom: '2026-07-01', effectiveTo: '2027-03-03' },
    { roleId: 'rol_02', billRateE4: 1_750_000, effectiveFrom: '2027-03-04', effectiveTo: null },
    { roleId: 'rol_03', billRateE4: 2_000_000, effectiveFrom: '2026-01-01', effectiveTo: null },
  ];

  it('takes the line of the role whose dates hold the work date (both ends included)', () => {
    expect(rateInForce(lines, 'rol_02', '2027-03-03')).toBe(1_500_000);
    expect(rateInForce(lines, 'rol_02', '2027-03-04')).toBe(1_750_000);
    expect(rateInForce(lines, 'rol_02', '2026-07-01')).toBe(1_500_000);
    expect(rateInForce(lines, 'rol_02', '2026-06-30')).toBeNull();
    expect(rateInForce(lines, 'rol_09', '2027-03-04')).toBeNull();
  });

  it('resolves overlapping lines to the one effective latest', () => {
    const overlapping = [...lines, { roleId: 'rol_03', billRateE4: 2_100_000, effectiveFrom: '2027-01-01', effectiveTo: null }];
    expect(rateInForce(overlapping, 'rol_03', '2026-12-31')).toBe(2_000_000);
    expect(rateInForce(overlapping, 'rol_03', '2027-01-01')).toBe(2_100_000);
  });
});
