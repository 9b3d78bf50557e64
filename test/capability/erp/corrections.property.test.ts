/**
 * Random sequences of billing corrections through the gateway (docs/invariants.md#inv-11,
 * docs/invariants.md#inv-21): line credits (CREDIT or REOPEN), voids, payments, customer credits
 * applied and refunded, on invoices whose lines bill PSA milestones. After every command:
 * - the answer is one the rules allow (accepted, or refused with its code);
 * - the PSA and the ERP agree: per invoice, the value of its sources the PSA shows BILLED equals the
 *   ERP's net billed (lines less credit memos, net of tax);
 * - approved value is conserved: every source keeps its value, in READY_TO_BILL, BILLED or CREDITED;
 * - settlement stays in bounds: no invoice's open balance below zero, no customer credit used
 *   beyond its amount, its uses adding up to what it says it used.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPLY_PAYMENT,
  RECORD_PAYMENT,
  RELEASED_INVOICE,
  UK_ITEMS,
  bankReference,
  draftFixture,
  draftOn,
  erpDb,
  newKey,
  psaDb,
  ukContract,
  type SeededContract,
} from './erpKit.ts';
import { APPLY_CREDIT, CREDIT_LINES, REFUND_CREDIT, VOID } from './correctionsKit.ts';

let tessera: TestTessera;
let uk: SeededContract;

beforeAll(async () => {
  [tessera, uk] = await startWith(ukContract);
});
afterAll(() => tessera?.stop());

const SOURCE_VALUE_E4 = 36_583_300;

type Command =
  | { kind: 'credit'; invoice: number; line: number; action: 'CREDIT' | 'REOPEN' }
  | { kind: 'void'; invoice: number; action: 'CREDIT' | 'REOPEN' }
  | { kind: 'pay'; invoice: number }
  | { kind: 'apply'; invoice: number }
  | { kind: 'refund' };

const action = fc.constantFrom('CREDIT' as const, 'REOPEN' as const);
const invoice = fc.integer({ min: 0, max: 2 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('credit' as const), invoice, line: fc.integer({ min: 1, max: 3 }), action }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), invoice, action }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pay' as const), invoice }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('apply' as const), invoice }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const) }) },
);

/**
 * A sequence that reaches a credit and a payment that succeed, run before the random ones so that
 * reaching both does not depend on fast-check's seed: a line credited, the invoice paid, the credit
 * applied to another invoice, a second line credited.
 */
const EVERY_SUCCESS: Command[] = [
  { kind: 'credit', invoice: 0, line: 1, action: 'CREDIT' },
  { kind: 'pay', invoice: 0 },
  { kind: 'apply', invoice: 1 },
  { kind: 'credit', invoice: 2, line: 2, action: 'REOPEN' },
];

interface Billed {
  invoiceId: string;
  sources: string[];
}

async function billed(): Promise<Billed> {
  const spec = draftOn(
    uk,
    UK_ITEMS.map((item) => ({ ...item, sourceType: 'MILESTONE' })),
  );
  const draftId = await draftFixture(tessera, spec);
  const psa = psaDb(tessera);
  const rows = await psa
    .selectFrom('billing_draft_items')
    .select(['source_id', 'amount_e4', 'description'])
    .where('draft_id', '=', draftId)
    .orderBy('id')
    .execute();
  await psa
    .insertInto('milestones')
    .values(
      rows.map((row) => ({
        id: row.source_id,
        project_id: spec.projectId,
        name: row.description,
        target_date: '2026-11-10',
        actual_date: '2026-11-10',
        amount_e4: row.amount_e4,
        currency: spec.currency,
        status: 'ACCEPTED',
        requires_sign_off: 0,
        approved_for_billing: 1,
        billing_status: 'ON_DRAFT',
        aggregate_version: 1,
      })),
    )
    .execute();
  const result = await mutate<{ invoice?: { id: string } }>(tessera, RELEASED_INVOICE, {
    idempotencyKey: newKey(),
    billingDraftId: draftId,
    invoiceDate: '2026-11-20',
    expectedVersion: 1,
  });
  if (!result.payload?.invoice) throw new Error(`release failed: ${JSON.stringify(result.body)}`);
  return { invoiceId: result.payload.invoice.id, sources: rows.map((row) => row.source_id) };
}

interface InvoiceRow {
  id: string;
  status: string;
  aggregate_version: number;
  total_e4: number;
  subtotal_e4: number;
  amount_paid_e4: number;
  amount_credited_e4: number;
}

async function invoiceRow(id: string): Promise<InvoiceRow> {
  const row = await erpDb(tessera)
    .selectFrom('invoices')
    .select(['id', 'status', 'aggregate_version', 'total_e4', 'subtotal_e4', 'amount_paid_e4', 'amount_credited_e4'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    ...row,
    total_e4: Number(row.total_e4),
    subtotal_e4: Number(row.subtotal_e4),
    amount_paid_e4: Number(row.amount_paid_e4),
    amount_credited_e4: Number(row.amount_credited_e4),
  };
}

const money = (e4: number) => (e4 / 10_000).toFixed(2);
const code = (payload: Record<string, unknown> | null | undefined): string =>
  payload?.__typename === 'CapabilityFailure'
    ? (payload.errors as { code: string }[])[0]!.code
    : ((payload?.userErrors as { code: string }[] | undefined)?.[0]?.code ?? 'OK');

/** The invariants over the invoices and the customer credits of one run. */
async function checkInvariants(invoices: readonly Billed[], creditIds: readonly string[]): Promise<void> {
  const erp = erpDb(tessera);
  for (const b of invoices) {
    const sources = await psaDb(tessera)
      .selectFrom('milestones')
      .select(['amount_e4', 'billing_status'])
      .where('id', 'in', b.sources)
      .execute();
    expect(sources.every((s) => ['READY_TO_BILL', 'BILLED', 'CREDITED'].includes(s.billing_status))).toBe(true);
    expect(sources.reduce((sum, s) => sum + Number(s.amount_e4), 0)).toBe(SOURCE_VALUE_E4);
    const psaBilled = sources.filter((s) => s.billing_status === 'BILLED').reduce((sum, s) => sum + Number(s.amount_e4), 0);
    const row = await invoiceRow(b.invoiceId);
    const memos = await erp
      .selectFrom('invoices')
      .select(['subtotal_e4', 'total_e4'])
      .where('original_invoice_id', '=', b.invoiceId)
      .execute();
    const erpBilled = row.subtotal_e4 + memos.reduce((sum, memo) => sum + Number(memo.subtotal_e4), 0);
    expect(erpBilled, `invoice ${b.invoiceId}: ERP billed against the PSA's`).toBe(psaBilled);
    expect(row.total_e4 - row.amount_paid_e4 - row.amount_credited_e4).toBeGreaterThanOrEqual(0);
    expect(-memos.reduce((sum, memo) => sum + Number(memo.total_e4), 0)).toBeLessThanOrEqual(row.total_e4);
  }
  if (creditIds.length === 0) return;
  const credits = await erp.selectFrom('customer_credits').selectAll().where('id', 'in', creditIds).execute();
  for (const credit of credits) {
    const [applied, refunded, amount] = [Number(credit.applied_e4), Number(credit.refunded_e4), Number(credit.amount_e4)];
    expect(applied + refunded).toBeLessThanOrEqual(amount);
    const uses = await erp.selectFrom('customer_credit_uses').select(['kind', 'amount_e4']).where('credit_id', '=', credit.id).execute();
    const used = (kind: string) => uses.filter((u) => u.kind === kind).reduce((sum, u) => sum + Number(u.amount_e4), 0);
    expect([used('APPLIED'), used('REFUNDED')]).toEqual([applied, refunded]);
    expect(credit.status).toBe(applied + refunded === amount ? 'USED' : 'OPEN');
  }
}

describe('billing corrections under random commands', () => {
  it('keep the PSA and the ERP in agreement, conserve approved value and stay within the settlement bounds', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 10 }), async (commands) => {
        const invoices = [await billed(), await billed(), await billed()];
        const credited = new Map<string, Set<number>>(invoices.map((b) => [b.invoiceId, new Set<number>()]));
        const creditIds: string[] = [];
        for (const step of commands) {
          const b = 'invoice' in step ? invoices[step.invoice]! : invoices[0]!;
          const before = await invoiceRow(b.invoiceId);
          const due = before.total_e4 - before.amount_paid_e4 - before.amount_credited_e4;
          const open = ['POSTED', 'PARTIALLY_PAID'].includes(before.status);
          let outcome: string;
          let allowed: string[];
          if (step.kind === 'credit') {
            const answer = await mutate<Record<string, unknown>>(tessera, CREDIT_LINES, {
              idempotencyKey: newKey(),
              invoiceId: b.invoiceId,
              expectedVersion: before.aggregate_version,
              lines: [{ lineNumber: step.line, action: step.action }],
              reason: 'Property',
              creditDate: '2026-11-25',
            });
            outcome = code(answer.payload);
            allowed = !['POSTED', 'PARTIALLY_PAID', 'PAID'].includes(before.status)
              ? ['INVALID_STATE_TRANSITION']
              : credited.get(b.invoiceId)!.has(step.line)
                ? ['ALREADY_CREDITED']
                : ['OK'];
            if (outcome === 'OK') {
              credited.get(b.invoiceId)!.add(step.line);
              const credit = (answer.payload as { customerCredit: { id: string } | null }).customerCredit;
              if (credit) creditIds.push(credit.id);
            }
          } else if (step.kind === 'void') {
            const answer = await mutate<Record<string, unknown>>(tessera, VOID, {
              idempotencyKey: newKey(),
              invoiceId: b.invoiceId,
              expectedVersion: before.aggregate_version,
              action: step.action,
              reason: 'Property',
              voidDate: '2026-11-25',
            });
            outcome = code(answer.payload);
            allowed =
              before.status === 'POSTED' && before.amount_paid_e4 === 0 && before.amount_credited_e4 === 0
                ? ['OK']
                : ['INVALID_STATE_TRANSITION'];
            if (outcome === 'OK') for (const line of [1, 2, 3]) credited.get(b.invoiceId)!.add(line);
          } else if (step.kind === 'pay') {
            if (!open || due === 0) continue;
            const payment = await mutate<{ payment: { id: string } }>(tessera, RECORD_PAYMENT, {
              idempotencyKey: newKey(),
              legalEntityId: 'le_UK01',
              accountId: uk.account.id,
              amount: money(due),
              currency: 'GBP',
              receivedDate: '2026-11-25',
              method: 'WIRE',
              bankReference: bankReference(),
            });
            const answer = await mutate<Record<string, unknown>>(tessera, APPLY_PAYMENT, {
              idempotencyKey: newKey(),
              paymentId: payment.payload!.payment.id,
              invoiceId: b.invoiceId,
              amount: money(due),
              expectedVersion: before.aggregate_version,
            });
            outcome = code(answer.payload);
            allowed = ['OK'];
          } else if (step.kind === 'apply') {
            const creditId = creditIds.at(-1);
            if (!creditId) continue;
            const credit = await erpDb(tessera)
              .selectFrom('customer_credits')
              .selectAll()
              .where('id', '=', creditId)
              .executeTakeFirstOrThrow();
            const remaining = Number(credit.amount_e4) - Number(credit.applied_e4) - Number(credit.refunded_e4);
            // A tenth over what may be used now and then: refused, never over-applied.
            const amount = Math.min(remaining, due) + (remaining === 0 || due === 0 ? 100 : 0);
            const answer = await mutate<Record<string, unknown>>(tessera, APPLY_CREDIT, {
              idempotencyKey: newKey(),
              customerCreditId: creditId,
              invoiceId: b.invoiceId,
              amount: money(amount),
              expectedVersion: before.aggregate_version,
              appliedOn: '2026-11-26',
            });
            outcome = code(answer.payload);
            allowed = !open ? ['INVALID_STATE_TRANSITION'] : amount > remaining || amount > due ? ['AMOUNT_EXCEEDS_OPEN_BALANCE'] : ['OK'];
          } else {
            const creditId = creditIds[0];
            if (!creditId) continue;
            const credit = await erpDb(tessera)
              .selectFrom('customer_credits')
              .selectAll()
              .where('id', '=', creditId)
              .executeTakeFirstOrThrow();
            const remaining = Number(credit.amount_e4) - Number(credit.applied_e4) - Number(credit.refunded_e4);
            const answer = await mutate<Record<string, unknown>>(tessera, REFUND_CREDIT, {
              idempotencyKey: newKey(),
              customerCreditId: creditId,
              amount: money(Math.max(remaining, 100)),
              refundDate: '2026-11-26',
              method: 'WIRE',
              reference: `RF-${newKey().slice(0, 8)}`,
              expectedVersion: credit.aggregate_version,
            });
            outcome = code(answer.payload);
            allowed = remaining > 0 ? ['OK'] : ['AMOUNT_EXCEEDS_OPEN_BALANCE'];
          }
          seen.add(`${step.kind}:${outcome}`);
          expect(allowed, `${JSON.stringify(step)} answered ${outcome}`).toContain(outcome);
          await checkInvariants(invoices, creditIds);
        }
      }),
      { numRuns: 8, examples: [[EVERY_SUCCESS]] },
    );
    expect([...seen].filter((outcome) => outcome.endsWith(':OK')).sort()).toEqual(expect.arrayContaining(['credit:OK', 'pay:OK']));
  });
});
