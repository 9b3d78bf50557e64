/**
 * issueCreditMemo (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#billing-to-cash):
 * a posted invoice is corrected by a reversal document,
 * never edited (INV-5). The memo is a CREDIT_MEMO invoice with negative amounts (the seed's
 * convention), numbered in its own series and naming the invoice it credits. `amount` is gross
 * (what the customer owes less): its tax share follows the invoice's ratio of tax to total, so a
 * full credit reverses net and tax exactly. A credit of everything still open makes the invoice
 * CREDITED. An amount names no line and so no source: it is only for an invoice that billed no PSA
 * source (no `sourceBillingDraftId`, a manual invoice). An invoice posted from a billing draft is
 * refused with CREDIT_BY_LINES_REQUIRED (docs/invariants.md#inv-11): creditInvoiceLines and
 * voidInvoice credit or reopen its sources in the PSA in the same call, so the PSA's billed value
 * and the ERP's billed-to-date never part.
 */
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { minorUnits, money } from '../../kernel/decimal.ts';
import { OPEN_FOR_SETTLEMENT } from '../machines.ts';
import type { Invoice } from '../ports/types.ts';
import { creditMemoOf, negate } from './creditMemoOf.ts';
import { invoiceFor, invoiceLabel, legalEntityFor, openBalance, openPeriodOf, type ErpCapability } from './records.ts';

export const issueCreditMemo: ErpCapability<
  {
    invoiceId: string;
    amount: string;
    reason: string;
    expectedVersion: number;
    creditDate?: string | null;
  },
  { creditMemo: Invoice; invoice: Invoice }
> = {
  async effect({ input, ports: { read, write }, emit, now }) {
    const invoice = await invoiceFor(read, input.invoiceId);
    checkVersion('Invoice', invoice.aggregateVersion, input.expectedVersion, { required: true });
    if (invoice.kind !== 'INVOICE' || !OPEN_FOR_SETTLEMENT.has(invoice.status)) {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `${invoiceLabel(invoice)} is ${invoice.status}: only a POSTED or PARTIALLY_PAID invoice is credited.`,
        'invoiceId',
      );
    }
    if (invoice.sourceBillingDraftId !== null) {
      throw rejected(
        'CREDIT_BY_LINES_REQUIRED',
        `${invoiceLabel(invoice)} was posted from billing draft ${invoice.sourceBillingDraftId}: an amount credit would leave its sources ` +
          'billed in the PSA. Credit its lines with creditInvoiceLines (CREDIT or REOPEN each line) or void it with voidInvoice.',
        'invoiceId',
      );
    }
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'A credit memo needs a reason.', 'reason');
    const amount = moneyInput(input.amount, invoice.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A credit amount must be positive.', 'amount');
    const creditable = openBalance(invoice);
    if (amount > creditable) {
      throw rejected(
        'AMOUNT_EXCEEDS_OPEN_BALANCE',
        `${invoiceLabel(invoice)} has ${money(creditable, invoice.currency).amount} ${invoice.currency} left to credit.`,
        'amount',
      );
    }
    const legalEntity = await legalEntityFor(read, invoice.legalEntityId, 'invoiceId');
    const date = input.creditDate ?? now.toISOString().slice(0, 10);
    if (date < invoice.invoiceDate)
      throw rejected('PRECONDITION_FAILED', `A credit memo cannot predate the invoice (${invoice.invoiceDate}).`, 'creditDate');
    const period = await openPeriodOf(read, legalEntity, date, input.creditDate ? 'creditDate' : 'invoiceId');

    const taxE4 = taxShare(amount, invoice);
    const netE4 = amount - taxE4;
    const taxCode = (await read.invoiceLinesByInvoiceIds([invoice.id]))[0]?.taxCode;
    const creditMemo = await write.postInvoice(
      creditMemoOf(invoice, {
        date,
        postingPeriodId: period.id,
        netE4,
        taxE4,
        lines: [
          {
            id: newId('invl'),
            lineNumber: 1,
            description: `Credit of ${invoice.invoiceNumber}: ${reason}`,
            quantityE2: -100,
            unitPriceE4: netE4,
            amountE4: negate(netE4),
            taxCode: taxCode ?? 'NONE',
            taxE4: negate(taxE4),
          },
        ],
      }),
      { legalEntity, series: 'CM', date },
    );
    const credited = invoice.amountCreditedE4 + amount;
    const settled = invoice.amountPaidE4 + credited + invoice.amountWrittenOffE4 === invoice.totalE4;
    const updated = await write.creditInvoice(invoice, { amountCreditedE4: credited, ...(settled ? { status: 'CREDITED' } : {}) });

    emit(
      aggregateEvent('CreditMemoIssued', 'Invoice', updated, invoice.legalEntityId, {
        invoiceId: invoice.id,
        invoiceNumber: invoice.invoiceNumber,
        creditMemoId: creditMemo.id,
        creditMemoNumber: creditMemo.invoiceNumber,
        reason,
        amount: money(amount, invoice.currency),
        tax: money(taxE4, invoice.currency),
        invoiceStatus: updated.status,
        amountDue: money(openBalance(updated), invoice.currency),
      }),
    );
    return { creditMemo, invoice: updated };
  },
};

/** The tax part of a gross credit: the invoice's tax/total ratio, rounded half up to the minor unit. */
function taxShare(amountE4: number, invoice: Invoice): number {
  if (invoice.taxE4 === 0 || amountE4 === invoice.totalE4) return amountE4 === invoice.totalE4 ? invoice.taxE4 : 0;
  const step = BigInt(10 ** (4 - minorUnits(invoice.currency)));
  const scaled = BigInt(amountE4) * BigInt(invoice.taxE4);
  const total = BigInt(invoice.totalE4);
  const units = (2n * scaled + total * step) / (2n * total * step);
  return Number(units * step);
}
