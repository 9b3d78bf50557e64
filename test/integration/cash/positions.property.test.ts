/**
 * What the graph shows of the cash consumer's rows (docs/processes.md#cash): a project's position
 * adds its invoices up exactly, its status follows from the sums, and a customer's exposure is the
 * open amount per currency.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billingStatus, exposure, projectCashPosition } from '../../../systems/integration/billingRun/cashPosition.ts';
import type { CashInvoiceRow } from '../../../systems/integration/sagas/cash.ts';

/** An invoice state as the ERP keeps it: paid + credited never above the total, due the rest (whole cents, in e4). */
const invoiceRow = (currency: fc.Arbitrary<string>) =>
  fc
    .record({
      totalCents: fc.integer({ min: 1, max: 10_000_000 }),
      paidShare: fc.double({ min: 0, max: 1, noNaN: true }),
      creditShare: fc.double({ min: 0, max: 1, noNaN: true }),
      currency,
    })
    .map(({ totalCents, paidShare, creditShare, currency: unit }): CashInvoiceRow => {
      const paid = Math.floor(totalCents * paidShare);
      const credited = Math.floor((totalCents - paid) * creditShare);
      return {
        invoice_id: 'inv',
        project_id: 'prj_1',
        account_id: 'acc_1',
        legal_entity_id: 'le_US01',
        currency: unit,
        status: 'POSTED',
        total_e4: totalCents * 100,
        paid_e4: paid * 100,
        credited_e4: credited * 100,
        due_e4: (totalCents - paid - credited) * 100,
        invoice_version: 1,
        updated_at: '2026-12-01T02:00:00.000Z',
      };
    });

const cents = (e4: number) => (e4 / 10_000).toFixed(2);

describe('cash positions', () => {
  it('a project’s position is the exact sum of its invoices, and open = invoiced − paid − credited', () => {
    fc.assert(
      fc.property(fc.array(invoiceRow(fc.constant('USD')), { minLength: 1, maxLength: 6 }), (rows) => {
        const sum = (pick: (row: CashInvoiceRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
        const [total, paid, credited, due] = [
          sum((r) => r.total_e4),
          sum((r) => r.paid_e4),
          sum((r) => r.credited_e4),
          sum((r) => r.due_e4),
        ];
        const position = projectCashPosition(rows, null)!;
        expect(position.invoiced).toEqual({ amount: cents(total), currency: 'USD' });
        expect(position.paid.amount).toBe(cents(paid));
        expect(position.credited.amount).toBe(cents(credited));
        expect(position.open.amount).toBe(cents(due));
        expect(due).toBe(total - paid - credited);
        expect(position.invoiceCount).toBe(rows.length);
        expect(position.status).toBe(due === 0 ? (credited === total ? 'CREDITED' : 'PAID') : paid > 0 ? 'PARTIALLY_PAID' : 'INVOICED');
      }),
    );
  });

  it('the status: nothing invoiced, invoiced, partly paid, paid, wholly credited', () => {
    expect(billingStatus(0, 0, 0, 0, 0)).toBe('NOT_INVOICED');
    expect(billingStatus(1, 100, 0, 10, 90)).toBe('INVOICED');
    expect(billingStatus(1, 100, 40, 0, 60)).toBe('PARTIALLY_PAID');
    expect(billingStatus(1, 100, 90, 10, 0)).toBe('PAID');
    expect(billingStatus(2, 100, 0, 100, 0)).toBe('CREDITED');
    expect(projectCashPosition([], null)).toBeNull();
  });

  it('a customer’s exposure is its open amount per currency, currencies in order, nothing for a currency with nothing open', () => {
    fc.assert(
      fc.property(fc.array(invoiceRow(fc.constantFrom('USD', 'GBP', 'EUR')), { maxLength: 8 }), (rows) => {
        const open = new Map<string, number>();
        for (const row of rows) open.set(row.currency, (open.get(row.currency) ?? 0) + row.due_e4);
        const expected = [...open]
          .filter(([, e4]) => e4 > 0)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, e4]) => ({ amount: cents(e4), currency }));
        expect(exposure(rows)).toEqual(expected);
      }),
    );
  });
});
