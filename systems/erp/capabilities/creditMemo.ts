/**
 * issueCreditMemo (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#billing-to-cash): a posted invoice is corrected by a reversal document,
 * never edited (INV-5). The memo is a CREDIT_MEMO invoice with negative amounts (the seed's
 * convention), numbered in its own series and naming the invoice it credits. `amount` is gross
 * (what the customer owes less): its tax share follows the invoice's ratio of tax to total, so a
 * full credit reverses net and tax exactly. A credit of everything still open makes the invoice
 * CREDITED. Decision: the billed sources are not reopened for billing.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { minorUnits, money } from '../../kernel/decimal.ts';
import type { ErpContext } from '../resolvers.ts';
import type { ErpTables, InvoiceRow } from '../tables.ts';
import { OPEN_FOR_SETTLEMENT } from '../machines.ts';
import { nextDocumentNumber } from './documentNumbers.ts';
import { invoiceFor, invoiceLabel, legalEntityFor, openBalance, openPeriodOf, reloadInvoice } from './records.ts';

export const issueCreditMemo: CapabilityHandler<ErpTables, ErpContext, {
  invoiceId: string; amount: string; reason: string; expectedVersion: number; creditDate?: string | null;
}, { creditMemo: InvoiceRow; invoice: InvoiceRow }> = {
  async effect({ input, trx, emit, ctx, now }) {
    const invoice = await invoiceFor(trx, ctx.scope, input.invoiceId);
    checkVersion('Invoice', invoice.aggregate_version, input.expectedVersion, { required: true });
    if (invoice.kind !== 'INVOICE' || !OPEN_FOR_SETTLEMENT.has(invoice.status)) {
      throw rejected('INVALID_STATE_TRANSITION', `${invoiceLabel(invoice)} is ${invoice.status}: only a POSTED or PARTIALLY_PAID invoice is credited.`, 'invoiceId');
    }
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'A credit memo needs a reason.', 'reason');
    const amount = moneyInput(input.amount, invoice.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A credit amount must be positive.', 'amount');
    const creditable = openBalance(invoice);
    if (amount > creditable) {
      throw rejected('AMOUNT_EXCEEDS_OPEN_BALANCE', `${invoiceLabel(invoice)} has ${money(creditable, invoice.currency).amount} ${invoice.currency} left to credit.`, 'amount');
    }
    const legalEntity = await legalEntityFor(trx, ctx.scope, invoice.legal_entity_id, 'invoiceId');
    const date = input.creditDate ?? now.toISOString().slice(0, 10);
    if (date < invoice.invoice_date) throw rejected('PRECONDITION_FAILED', `A credit memo cannot predate the invoice (${invoice.invoice_date}).`, 'creditDate');
    const period = await openPeriodOf(trx, legalEntity, date, input.creditDate ? 'creditDate' : 'invoiceId');

    const taxE4 = taxShare(amount, invoice);
    const netE4 = amount - taxE4;
    const taxCode = (await trx.selectFrom('invoice_lines').select('tax_code').where('invoice_id', '=', invoice.id).orderBy('line_number').executeTakeFirst())?.tax_code;
    const id = newId('inv');
    await trx
      .insertInto('invoices')
      .values({
        id, invoice_number: await nextDocumentNumber(trx, legalEntity, 'CM', date), kind: 'CREDIT_MEMO', status: 'CREDITED',
        legal_entity_id: invoice.legal_entity_id, account_id: invoice.account_id, contract_id: invoice.contract_id, project_id: invoice.project_id,
        invoice_date: date, due_date: date, posting_period_id: period.id, currency: invoice.currency, subtotal_e4: negate(netE4),
        tax_e4: negate(taxE4), total_e4: negate(amount), amount_paid_e4: 0, source_billing_draft_id: null, aggregate_version: 1,
        original_invoice_id: invoice.id, amount_credited_e4: 0,
      })
      .execute();
    await trx
      .insertInto('invoice_lines')
      .values({
        id: newId('invl'), invoice_id: id, line_number: 1, description: `Credit of ${invoice.invoice_number}: ${reason}`, quantity_e2: -100,
        unit_price_e4: netE4, amount_e4: negate(netE4), tax_code: taxCode ?? 'NONE', tax_e4: negate(taxE4),
      })
      .execute();
    const credited = invoice.amount_credited_e4 + amount;
    const settled = invoice.amount_paid_e4 + credited === invoice.total_e4;
    await updateAggregate(trx, 'invoices', 'Invoice', invoice, { amount_credited_e4: credited, ...(settled ? { status: 'CREDITED' } : {}) });

    const [creditMemo, updated] = await Promise.all([reloadInvoice(trx, id), reloadInvoice(trx, invoice.id)]);
    emit({
      type: 'CreditMemoIssued', aggregateType: 'Invoice', aggregateId: invoice.id, aggregateVersion: updated.aggregate_version,
      legalEntityId: invoice.legal_entity_id,
      payload: {
        invoiceId: invoice.id, invoiceNumber: invoice.invoice_number, creditMemoId: id, creditMemoNumber: creditMemo.invoice_number, reason,
        amount: money(amount, invoice.currency), tax: money(taxE4, invoice.currency), invoiceStatus: updated.status,
        amountDue: money(openBalance(updated), invoice.currency),
      },
    });
    return { creditMemo, invoice: updated };
  },
};

/** The tax part of a gross credit: the invoice's tax/total ratio, rounded half up to the minor unit. */
function taxShare(amountE4: number, invoice: InvoiceRow): number {
  if (invoice.tax_e4 === 0 || amountE4 === invoice.total_e4) return amountE4 === invoice.total_e4 ? invoice.tax_e4 : 0;
  const step = BigInt(10 ** (4 - minorUnits(invoice.currency)));
  const scaled = BigInt(amountE4) * BigInt(invoice.tax_e4);
  const total = BigInt(invoice.total_e4);
  const units = (2n * scaled + total * step) / (2n * total * step);
  return Number(units * step);
}

/** Negation without -0 (it would not survive a round trip through SQL). */
function negate(value: number): number {
  return value === 0 ? 0 : -value;
}
