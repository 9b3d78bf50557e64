/** The billing run's pure parts: the release policy, the refusal reading, the report's sums, the schedule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OWNERS, refusalVerdict, releaseVerdict } from '../../../systems/integration/billingRun/policy.ts';
import { currencyTotals, outcomeCounts } from '../../../systems/integration/billingRun/report.ts';
import { dueCutoff, parseBillingRunSchedule, scheduleKey } from '../../../systems/integration/billingRun/schedule.ts';
import type { BillingRunProjectRow } from '../../../systems/integration/billingRun/tables.ts';

describe('release policy', () => {
  it('releases only when the customer is not on hold and the period is open', () => {
    expect(releaseVerdict({ creditHold: false, periodStatus: 'OPEN', periodName: '2026-11' }, 'acc_1', '2026-11-30')).toBeNull();
    expect(releaseVerdict({ creditHold: true, periodStatus: 'OPEN', periodName: '2026-11' }, 'acc_1', '2026-11-30')).toEqual({
      status: 'HELD',
      code: 'CUSTOMER_ON_CREDIT_HOLD',
      reason: 'Customer acc_1 is on credit hold: the draft stays in review until the hold is lifted.',
      owner: OWNERS.creditControl,
    });
    expect(releaseVerdict({ creditHold: false, periodStatus: null, periodName: null }, 'acc_1', '2030-01-31')).toEqual({
      status: 'HELD',
      code: 'PERIOD_CLOSED',
      reason: 'No accounting period holds the invoice date 2030-01-31: the draft stays in review.',
      owner: OWNERS.finance,
    });
  });

  it('reads refusals as held, refused or nothing to bill', () => {
    expect(refusalVerdict('NOTHING_TO_BILL', 'none')).toEqual({
      status: 'NOTHING_TO_BILL',
      code: 'NOTHING_TO_BILL',
      reason: 'none',
      owner: null,
    });
    expect(refusalVerdict('CUSTOMER_ON_CREDIT_HOLD', 'hold').status).toBe('HELD');
    expect(refusalVerdict('NTE_EXCEEDED', 'cap')).toEqual({
      status: 'REFUSED',
      code: 'NTE_EXCEEDED',
      reason: 'cap',
      owner: OWNERS.contracts,
    });
    expect(refusalVerdict('SOMETHING_NEW', 'x')).toEqual({ status: 'REFUSED', code: 'SOMETHING_NEW', reason: 'x', owner: OWNERS.delivery });
  });
});

const STATUSES = ['PENDING', 'DRAFTED', 'RELEASED', 'HELD', 'REFUSED', 'NOTHING_TO_BILL'] as const;
const row = fc.record({
  status: fc.constantFrom(...STATUSES),
  currency: fc.constantFrom('USD', 'GBP', 'JPY'),
  draft: fc.option(fc.integer({ min: 1, max: 10_000_000 }).map((units) => units * 100)),
  tax: fc.integer({ min: 0, max: 1_000_000 }).map((units) => units * 100),
});

describe('report', () => {
  it('sums drafted amounts per currency and outcome, and counts every project once', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (specs) => {
        const rows = specs.map(
          (spec, index) =>
            ({
              id: `r${index}`,
              run_id: 'brun_1',
              project_id: `prj_${index}`,
              status: spec.status,
              currency: spec.currency,
              draft_amount_e4: spec.draft,
              invoice_total_e4: spec.status === 'RELEASED' && spec.draft !== null ? spec.draft + spec.tax : null,
            }) as unknown as BillingRunProjectRow,
        );
        const counts = outcomeCounts(rows);
        expect(STATUSES.reduce((sum, status) => sum + counts[status], 0)).toBe(rows.length);
        for (const totals of currencyTotals(rows)) {
          const mine = specs.filter((spec) => spec.currency === totals.currency);
          const sum = (status: string) => mine.filter((s) => s.status === status).reduce((acc, s) => acc + (s.draft ?? 0), 0);
          const digits = totals.currency === 'JPY' ? 0 : 2;
          expect(Number(totals.billed.amount)).toBeCloseTo(sum('RELEASED') / 10_000, digits);
          expect(Number(totals.held.amount)).toBeCloseTo(sum('HELD') / 10_000, digits);
          expect(Number(totals.refused.amount)).toBeCloseTo(sum('REFUSED') / 10_000, digits);
          expect(totals.projectsBilled).toBe(mine.filter((s) => s.status === 'RELEASED').length);
        }
      }),
    );
  });

  it('formats exact amounts', () => {
    const rows = [
      { status: 'RELEASED', currency: 'GBP', draft_amount_e4: 10_000_500, invoice_total_e4: 12_000_600 },
      { status: 'HELD', currency: 'GBP', draft_amount_e4: 1_500, invoice_total_e4: null },
      { status: 'HELD', currency: 'GBP', draft_amount_e4: null, invoice_total_e4: null },
    ] as unknown as BillingRunProjectRow[];
    expect(currencyTotals(rows)).toEqual([
      {
        currency: 'GBP',
        billed: { amount: '1000.05', currency: 'GBP' },
        invoiced: { amount: '1200.06', currency: 'GBP' },
        held: { amount: '0.15', currency: 'GBP' },
        refused: { amount: '0.00', currency: 'GBP' },
        projectsBilled: 1,
        projectsHeld: 2,
        projectsRefused: 0,
      },
    ]);
  });
});

describe('schedule', () => {
  it('is due from the trigger time of the month, for the last day of the month before', () => {
    const schedule = parseBillingRunSchedule('1 02:00')!;
    expect(dueCutoff(schedule, new Date('2026-12-01T01:59:59Z'))).toBeNull();
    expect(dueCutoff(schedule, new Date('2026-12-01T02:00:00Z'))).toBe('2026-11-30');
    expect(dueCutoff(schedule, new Date('2026-12-17T10:00:00Z'))).toBe('2026-11-30');
    expect(dueCutoff(schedule, new Date('2027-03-01T02:00:00Z'))).toBe('2027-02-28');
    expect(dueCutoff(parseBillingRunSchedule('3 18:30')!, new Date('2027-01-03T18:29:00Z'))).toBeNull();
    expect(dueCutoff(parseBillingRunSchedule('3 18:30')!, new Date('2027-01-03T18:30:00Z'))).toBe('2026-12-31');
    expect(scheduleKey('le_US01', '2026-11-30')).toBe('schedule:billing-run:le_US01:2026-11-30');
  });

  it('parses the trigger or off, and refuses anything else', () => {
    expect(parseBillingRunSchedule('off')).toBeNull();
    expect(parseBillingRunSchedule(' 28 23:59 ')).toEqual({ dayOfMonth: 28, hour: 23, minute: 59 });
    for (const bad of ['29 02:00', '0 02:00', '1 24:00', '1 2:00', 'monthly', ''])
      expect(() => parseBillingRunSchedule(bad)).toThrow(RangeError);
  });
});
