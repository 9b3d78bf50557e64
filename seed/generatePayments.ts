/**
 * Step 10: cash. Each customer pays in its own way (prompt, a little late, slow; some in a
 * monthly payment run covering several invoices), so DSO lands near 55–65 days and a few percent
 * of invoices are long overdue. About 2% are short-paid (PARTIALLY_PAID), one payment carries an
 * unapplied overpayment, and the customer on credit hold stopped paying months ago.
 * An invoice's amount_paid is always the sum of its applications.
 */
import { roundToMinor } from '../systems/kernel/decimal.ts';
import { addMonths, civil, dayOf, type Day } from './calendar.ts';
import type { Billing, PendingInvoice } from './generateBilling.ts';
import type { Reference } from './generateReference.ts';
import { must, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';

interface Payer {
  /** Mean and spread of days paid after the due date. */
  readonly meanLate: number;
  readonly spread: number;
  /** Pays everything due in one monthly run (on the 25th). */
  readonly monthlyRun: boolean;
}

const PARTIAL_SHARE = 0.02;
const DISPUTED_SHARE = 0.025;
/** The overpayment left unapplied on one payment (in whole currency units). */
const OVERPAYMENT_UNITS = 250;

/** Writes payments and applications and settles invoice statuses and amounts paid. */
export function generatePayments(ctx: SeedContext, ref: Reference, billing: Billing): void {
  const rng = ctx.rng.fork('payments');
  const { asOf } = ctx.cal;
  const payers = new Map<string, Payer>();
  const payerOf = (key: string): Payer => {
    let payer = payers.get(key);
    if (!payer) {
      const kind = rng.weighted([
        ['prompt', 55],
        ['late', 33],
        ['slow', 12],
      ] as const);
      payer = {
        meanLate: kind === 'prompt' ? -2 : kind === 'late' ? 14 : 50,
        spread: kind === 'prompt' ? 4 : kind === 'late' ? 8 : 25,
        monthlyRun: rng.chance(0.3),
      };
      payers.set(key, payer);
    }
    return payer;
  };

  // Group the applications into payments: one per customer, legal entity and day received.
  const groups = new Map<string, { key: string; day: Day; invoices: { invoice: PendingInvoice; amountE4: number }[] }>();
  for (const invoice of billing.invoices) {
    if (invoice.row.kind !== 'INVOICE' || invoice.row.status !== 'POSTED') continue;
    const key = `${invoice.row.account_id}|${invoice.row.legal_entity_id}`;
    const payer = payerOf(key);
    const project = invoice.project;
    // The customer on hold stopped paying about two and a half months before the hold.
    if (project.creditHold && project.holdDay !== null && invoice.day >= project.holdDay - 75) continue;
    if (rng.chance(DISPUTED_SHARE)) continue;
    let day = Math.max(invoice.day + 3, invoice.dueDay + Math.round(rng.normal(payer.meanLate, payer.spread, -15, 150)));
    if (payer.monthlyRun) day = nextPaymentRun(day);
    if (day > asOf) continue;
    const currency = invoice.row.currency;
    const total = invoice.row.total_e4;
    const amountE4 = rng.chance(PARTIAL_SHARE) ? roundToMinor(total * rng.float(0.4, 0.8), currency) : total;
    const groupKey = `${key}|${day}`;
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = { key, day, invoices: [] }));
    group.invoices.push({ invoice, amountE4 });
  }

  const ordered = [...groups.values()].sort((a, b) => a.day - b.day);
  const overpaid = ordered.length > 0 ? rng.int(0, ordered.length - 1) : -1;
  const numbers = new Map<string, number>();
  const codeOf = new Map(ref.les.map((le) => [le.id, le.spec.code]));
  ordered.forEach((group, index) => {
    const first = must(group.invoices[0], 'application').invoice;
    const legalEntityId = first.row.legal_entity_id;
    const code = must(codeOf.get(legalEntityId), 'legal entity');
    const n = (numbers.get(code) ?? 0) + 1;
    numbers.set(code, n);
    const paymentId = ctx.nextId('pay');
    const applied = group.invoices.reduce((sum, a) => sum + a.amountE4, 0);
    const extra = index === overpaid ? OVERPAYMENT_UNITS * 10_000 : 0;
    ctx.data.erp.payments.push({
      id: paymentId,
      payment_number: `${code}-RCT-${String(n).padStart(6, '0')}`,
      account_id: first.row.account_id,
      legal_entity_id: legalEntityId,
      received_date: ctx.iso(group.day),
      amount_e4: applied + extra,
      currency: first.row.currency,
      method: pickMethod(rng),
      status: extra > 0 ? 'PARTIALLY_APPLIED' : 'APPLIED',
    });
    for (const { invoice, amountE4 } of group.invoices) {
      ctx.data.erp.payment_applications.push({
        id: ctx.nextId('pap'),
        payment_id: paymentId,
        invoice_id: invoice.row.id,
        amount_e4: amountE4,
        applied_on: ctx.iso(group.day),
      });
      invoice.row.amount_paid_e4 += amountE4;
      invoice.row.status = invoice.row.amount_paid_e4 >= invoice.row.total_e4 ? 'PAID' : 'PARTIALLY_PAID';
    }
  });
}

/** The next 25th of a month on or after `day`: customers that pay in a monthly run. */
function nextPaymentRun(day: Day): Day {
  const { year, month, day: dayOfMonth } = civil(day);
  return dayOfMonth <= 25 ? dayOf(year, month, 25) : addMonths(day, 1) + 24;
}

function pickMethod(rng: Rng): string {
  return rng.weighted([
    ['ACH', 55],
    ['WIRE', 30],
    ['CHECK', 10],
    ['CARD', 5],
  ] as const);
}
