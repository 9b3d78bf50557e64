/**
 * Customer credits (docs/capabilities.md#customer-credits, docs/invariants.md#inv-21): a credit memo
 * that credits beyond what is open on its invoice leaves the customer a credit (creditLines.ts).
 * applyCustomerCredit settles another open invoice of the same customer, legal entity and currency
 * with it, like a payment (the invoice's amountPaid); refundCustomerCredit pays it back (a refund
 * record). Exact money, never beyond what remains of the credit nor what is due on the invoice; the
 * date's period must be open. Each use moves the credit's version, so concurrent uses of one credit
 * cannot both spend it (VERSION_CONFLICT).
 */
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import { OPEN_FOR_SETTLEMENT } from '../machines.ts';
import type { CustomerCredit, CustomerCreditUse } from '../ports/customerCredits.ts';
import type { ErpReadPort } from '../ports/readPort.ts';
import type { Invoice } from '../ports/types.ts';
import { invoiceFor, invoiceLabel, legalEntityFor, openBalance, openPeriodOf, type ErpCapability } from './records.ts';
import { resultUnion } from './resultUnion.ts';

async function customerCreditFor(read: ErpReadPort, id: string): Promise<CustomerCredit> {
  const [credit] = await read.customerCreditsByIds([id]);
  if (!credit) throw notFoundRejection('CustomerCredit', id, 'customerCreditId');
  return credit;
}

const remainingOf = (credit: CustomerCredit) => credit.amountE4 - credit.appliedE4 - credit.refundedE4;

function checkRemaining(credit: CustomerCredit, amount: number): void {
  if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'An amount must be positive.', 'amount');
  const remaining = remainingOf(credit);
  if (amount > remaining) {
    throw rejected(
      'AMOUNT_EXCEEDS_OPEN_BALANCE',
      `Customer credit ${credit.id} has ${money(remaining, credit.currency).amount} ${credit.currency} left.`,
      'amount',
    );
  }
}

type ApplyResult = { customerCredit: CustomerCredit; invoice: Invoice };

export const applyCustomerCredit: ErpCapability<
  { customerCreditId: string; invoiceId: string; amount: string; expectedVersion: number; appliedOn?: string | null },
  ApplyResult
> = {
  async effect({ input, ports: { read, write }, emit, now }) {
    const invoice = await invoiceFor(read, input.invoiceId);
    checkVersion('Invoice', invoice.aggregateVersion, input.expectedVersion, { required: true });
    const credit = await customerCreditFor(read, input.customerCreditId);
    if (invoice.kind !== 'INVOICE' || !OPEN_FOR_SETTLEMENT.has(invoice.status)) {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `${invoiceLabel(invoice)} is ${invoice.status}: a customer credit settles only POSTED or PARTIALLY_PAID invoices.`,
        'invoiceId',
      );
    }
    if (credit.legalEntityId !== invoice.legalEntityId) {
      throw rejected(
        'LEGAL_ENTITY_MISMATCH',
        `Customer credit ${credit.id} is owed by ${credit.legalEntityId}, the invoice is of ${invoice.legalEntityId}.`,
        'customerCreditId',
      );
    }
    if (credit.accountId !== invoice.accountId)
      throw rejected(
        'PRECONDITION_FAILED',
        `Customer credit ${credit.id} is another customer's than ${invoiceLabel(invoice)}'s.`,
        'customerCreditId',
      );
    if (credit.currency !== invoice.currency) {
      throw rejected(
        'CURRENCY_MISMATCH',
        `Customer credit ${credit.id} is in ${credit.currency}, the invoice in ${invoice.currency}.`,
        'customerCreditId',
      );
    }
    const amount = moneyInput(input.amount, invoice.currency, 'amount');
    checkRemaining(credit, amount);
    const due = openBalance(invoice);
    if (amount > due)
      throw rejected(
        'AMOUNT_EXCEEDS_OPEN_BALANCE',
        `${invoiceLabel(invoice)} has ${money(due, invoice.currency).amount} ${invoice.currency} due.`,
        'amount',
      );
    const legalEntity = await legalEntityFor(read, invoice.legalEntityId, 'invoiceId');
    const date = input.appliedOn ?? now.toISOString().slice(0, 10);
    const period = await openPeriodOf(read, legalEntity, date, input.appliedOn ? 'appliedOn' : 'invoiceId');

    const paid = invoice.amountPaidE4 + amount;
    const invoiceStatus = paid + invoice.amountCreditedE4 + invoice.amountWrittenOffE4 === invoice.totalE4 ? 'PAID' : 'PARTIALLY_PAID';
    const appliedE4 = credit.appliedE4 + amount;
    const use: CustomerCreditUse = {
      id: newId('ccu'),
      creditId: credit.id,
      kind: 'APPLIED',
      invoiceId: invoice.id,
      amountE4: amount,
      usedOn: date,
      postingPeriodId: period.id,
      method: null,
      reference: null,
    };
    const result = await write.useCustomerCredit({
      credit,
      appliedE4,
      refundedE4: credit.refundedE4,
      status: appliedE4 + credit.refundedE4 === credit.amountE4 ? 'USED' : 'OPEN',
      use,
      invoice: { ref: invoice, amountPaidE4: paid, status: invoiceStatus },
    });
    const updated = result.invoice!;
    emit(
      aggregateEvent('CustomerCreditApplied', 'Invoice', updated, invoice.legalEntityId, {
        invoiceId: invoice.id,
        invoiceNumber: invoice.invoiceNumber,
        customerCreditId: credit.id,
        amount: money(amount, invoice.currency),
        invoiceStatus,
        amountDue: money(openBalance(updated), invoice.currency),
        creditRemaining: money(remainingOf(result.credit), credit.currency),
      }),
    );
    if (invoiceStatus === 'PAID') {
      emit(
        aggregateEvent('InvoicePaid', 'Invoice', updated, invoice.legalEntityId, {
          invoiceId: invoice.id,
          invoiceNumber: invoice.invoiceNumber,
          amountPaid: money(paid, invoice.currency),
        }),
      );
    }
    return { customerCredit: result.credit, invoice: updated };
  },
  payload: resultUnion<ApplyResult>('ApplyCustomerCreditSuccess'),
};

type RefundResult = { customerCredit: CustomerCredit; refund: CustomerCreditUse };

export const refundCustomerCredit: ErpCapability<
  { customerCreditId: string; amount: string; refundDate: string; method: string; reference: string; expectedVersion: number },
  RefundResult
> = {
  async effect({ input, ports: { read, write }, emit }) {
    const credit = await customerCreditFor(read, input.customerCreditId);
    checkVersion('CustomerCredit', credit.aggregateVersion, input.expectedVersion, { required: true });
    const amount = moneyInput(input.amount, credit.currency, 'amount');
    checkRemaining(credit, amount);
    const reference = input.reference.trim();
    if (reference === '') throw rejected('PRECONDITION_FAILED', 'A refund needs the bank reference it is paid with.', 'reference');
    const legalEntity = await legalEntityFor(read, credit.legalEntityId, 'customerCreditId');
    const period = await openPeriodOf(read, legalEntity, input.refundDate, 'refundDate');
    const refundedE4 = credit.refundedE4 + amount;
    const result = await write.useCustomerCredit({
      credit,
      appliedE4: credit.appliedE4,
      refundedE4,
      status: credit.appliedE4 + refundedE4 === credit.amountE4 ? 'USED' : 'OPEN',
      use: {
        id: newId('ccu'),
        creditId: credit.id,
        kind: 'REFUNDED',
        invoiceId: null,
        amountE4: amount,
        usedOn: input.refundDate,
        postingPeriodId: period.id,
        method: input.method,
        reference,
      },
      invoice: null,
    });
    emit(
      aggregateEvent('CustomerCreditRefunded', 'CustomerCredit', result.credit, credit.legalEntityId, {
        customerCreditId: credit.id,
        accountId: credit.accountId,
        amount: money(amount, credit.currency),
        method: input.method,
        reference,
        refundDate: input.refundDate,
        creditRemaining: money(remainingOf(result.credit), credit.currency),
      }),
    );
    return { customerCredit: result.credit, refund: result.use };
  },
  payload: resultUnion<RefundResult>('RefundCustomerCreditSuccess'),
};
