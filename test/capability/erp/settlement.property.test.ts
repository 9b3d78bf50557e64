/**
 * A property of settlement through the gateway: any sequence of applyPayment and issueCreditMemo
 * calls on a manual invoice (no PSA sources: issueCreditMemo refuses one posted from a billing
 * draft, which creditInvoiceLines corrects; corrections.property.test.ts) (amounts above or below what is open, stale versions) never makes
 * paid + credited exceed the total, and the status always matches the balances: POSTED with
 * nothing paid and something open, PARTIALLY_PAID with something paid and something open, PAID or
 * CREDITED with nothing open (the one that closed it). Each answer is the one a simple model of
 * the rules predicts, and the credit memos add up to what was credited.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPLY_PAYMENT,
  ISSUE_CREDIT_MEMO,
  RECORD_PAYMENT,
  bankReference,
  call,
  draftOn,
  erpDb,
  newKey,
  postInvoice,
  ukContract,
  type SeededContract,
  type UserError,
} from './erpKit.ts';

let tessera: TestTessera;
let uk: SeededContract;

beforeAll(async () => {
  [tessera, uk] = await startWith(ukContract);
});
afterAll(() => tessera?.stop());

type Amount = { readonly kind: 'rest' } | { readonly kind: 'cents'; readonly cents: number };
type Command = { readonly kind: 'pay' | 'credit'; readonly amount: Amount; readonly versionOffset: number };

const amount: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'rest' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cents' as const), cents: fc.integer({ min: 1, max: 400_000 }) }) },
);
const command: fc.Arbitrary<Command> = fc.record({
  kind: fc.constantFrom('pay' as const, 'credit' as const),
  amount,
  versionOffset: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }),
});

const decimal = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
const cents = (value: string) => Math.round(Number(value) * 100);

interface InvoiceState {
  status: string;
  aggregateVersion: number;
  total: { amount: string };
  amountPaid: { amount: string };
  amountCredited: { amount: string };
  amountDue: { amount: string };
  creditMemos: { total: { amount: string } }[];
}

async function invoiceState(id: string): Promise<InvoiceState> {
  const body = await tessera.query(
    `query ($id: ID!) { invoice(id: $id) {
    status aggregateVersion total { amount } amountPaid { amount } amountCredited { amount } amountDue { amount } creditMemos { total { amount } }
  } }`,
    { id },
  );
  return (body.data as { invoice: InvoiceState }).invoice;
}

/** The status the balances allow; `closedBy` names the status a settled invoice took. */
function statusOf(paid: number, credited: number, total: number, closedBy: string): string {
  if (paid + credited === total) return closedBy;
  return paid > 0 ? 'PARTIALLY_PAID' : 'POSTED';
}

describe('settlement', () => {
  it('never over-settles an invoice and keeps its status consistent with its balances', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300_000 }),
        fc.integer({ min: 1, max: 500_000 }),
        fc.array(command, { minLength: 1, maxLength: 8 }),
        async (netCents, paymentCents, commands) => {
          const invoice = await postInvoice(
            tessera,
            draftOn(uk, [{ description: 'Work', quantity: '1.00', unitPrice: decimal(netCents), amount: decimal(netCents) }]),
          );
          // A manual invoice (no PSA sources): the one kind an amount credit is for (docs/invariants.md#inv-11).
          await erpDb(tessera).updateTable('invoices').set({ source_billing_draft_id: null }).where('id', '=', invoice.id).execute();
          const total = cents(invoice.total);
          // UK VAT at 20% on the line, rounded half up to the penny.
          expect(total).toBe(netCents + Math.round((netCents * 20) / 100));
          const recorded = await call<{ payment: { id: string } }>(tessera, RECORD_PAYMENT, {
            idempotencyKey: newKey(),
            legalEntityId: 'le_UK01',
            accountId: uk.account.id,
            amount: decimal(paymentCents),
            currency: 'GBP',
            receivedDate: '2026-11-24',
            method: 'ACH',
            bankReference: bankReference(),
          });
          const paymentId = recorded.payload!.payment.id;
          const model = { paid: 0, credited: 0, unapplied: paymentCents, version: 1, status: 'POSTED' };

          for (const step of commands) {
            const due = total - model.paid - model.credited;
            const value =
              step.amount.kind === 'rest' ? Math.max(1, step.kind === 'pay' ? Math.min(due, model.unapplied) : due) : step.amount.cents;
            const expectedVersion = model.version + step.versionOffset;
            const open = model.status === 'POSTED' || model.status === 'PARTIALLY_PAID';
            const predicted =
              step.versionOffset !== 0
                ? 'VERSION_CONFLICT'
                : !open
                  ? 'INVALID_STATE_TRANSITION'
                  : step.kind === 'pay' && value > model.unapplied
                    ? 'AMOUNT_EXCEEDS_OPEN_BALANCE'
                    : value > due
                      ? 'AMOUNT_EXCEEDS_OPEN_BALANCE'
                      : null;
            const result =
              step.kind === 'pay'
                ? await call<{ userErrors: UserError[] }>(tessera, APPLY_PAYMENT, {
                    idempotencyKey: newKey(),
                    paymentId,
                    invoiceId: invoice.id,
                    amount: decimal(value),
                    expectedVersion,
                  })
                : await call<{ userErrors: UserError[] }>(tessera, ISSUE_CREDIT_MEMO, {
                    idempotencyKey: newKey(),
                    invoiceId: invoice.id,
                    amount: decimal(value),
                    reason: 'Property',
                    expectedVersion,
                    creditDate: '2026-11-25',
                  });
            expect(result.payload?.userErrors.map((error) => error.code)).toEqual(predicted ? [predicted] : []);
            if (predicted === null) {
              if (step.kind === 'pay') {
                model.paid += value;
                model.unapplied -= value;
                model.status = statusOf(model.paid, model.credited, total, 'PAID');
              } else {
                model.credited += value;
                model.status = statusOf(model.paid, model.credited, total, 'CREDITED');
              }
              model.version += 1;
            }

            const state = await invoiceState(invoice.id);
            const paid = cents(state.amountPaid.amount);
            const credited = cents(state.amountCredited.amount);
            expect(paid + credited).toBeLessThanOrEqual(total);
            expect(cents(state.amountDue.amount)).toBe(total - paid - credited);
            const settled = paid + credited === total;
            expect(settled ? ['PAID', 'CREDITED'] : [paid > 0 ? 'PARTIALLY_PAID' : 'POSTED']).toContain(state.status);
            expect({ status: state.status, paid, credited, version: state.aggregateVersion }).toEqual({
              status: model.status,
              paid: model.paid,
              credited: model.credited,
              version: model.version,
            });
            expect(state.creditMemos.reduce((sum, memo) => sum + cents(memo.total.amount), 0)).toBe(0 - credited);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
