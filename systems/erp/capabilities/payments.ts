/**
 * Cash (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#billing-to-cash):
 * recordPayment books money received from a customer (RECEIVED);
 * applyPayment settles an invoice with it. An invoice's open balance is total - paid - credited;
 * a payment's unapplied amount is its amount less its applications.
 */
import { seesAccount } from '../../../policies/recordScope.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import { OPEN_FOR_SETTLEMENT, type InvoiceStatus, type PaymentStatus } from '../machines.ts';
import type { Invoice, Payment, PaymentApplication } from '../ports/types.ts';
import {
  billingProfileFor,
  invoiceFor,
  invoiceLabel,
  legalEntityFor,
  openBalance,
  openPeriodOf,
  paymentFor,
  requireActive,
  type ErpCapability,
} from './records.ts';

export const recordPayment: ErpCapability<
  {
    legalEntityId: string;
    accountId: string;
    amount: string;
    currency: string;
    receivedDate: string;
    method: string;
    bankReference: string;
  },
  { payment: Payment }
> = {
  async effect({ input, ports: { read, write }, emit, ctx }) {
    const legalEntity = await legalEntityFor(read, input.legalEntityId);
    requireActive(legalEntity, 'legalEntityId');
    if (!seesAccount(ctx.scope, input.accountId)) throw notFoundRejection('Account', input.accountId, 'accountId');
    const profile = await billingProfileFor(read, input.accountId, legalEntity, 'accountId');
    const amount = moneyInput(input.amount, input.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A payment amount must be positive.', 'amount');
    if (input.currency !== profile.currency) {
      throw rejected(
        'CURRENCY_MISMATCH',
        `The customer pays ${legalEntity.code} in ${profile.currency}, not ${input.currency}.`,
        'currency',
      );
    }
    await openPeriodOf(read, legalEntity, input.receivedDate, 'receivedDate');
    const bankReference = input.bankReference.trim();
    if (bankReference === '') throw rejected('PRECONDITION_FAILED', 'A payment needs the bank reference it arrived with.', 'bankReference');
    const payment = await write.recordPayment({
      id: newId('pay'),
      paymentNumber: bankReference,
      accountId: input.accountId,
      legalEntityId: legalEntity.id,
      receivedDate: input.receivedDate,
      amountE4: amount,
      currency: input.currency,
      method: input.method,
    });
    emit(
      aggregateEvent('PaymentRecorded', 'Payment', payment, legalEntity.id, {
        paymentId: payment.id,
        bankReference,
        accountId: payment.accountId,
        receivedDate: payment.receivedDate,
        method: payment.method,
        amount: money(payment.amountE4, payment.currency),
      }),
    );
    return { payment };
  },
};

export const applyPayment: ErpCapability<
  {
    paymentId: string;
    invoiceId: string;
    amount: string;
    expectedVersion: number;
  },
  { payment: Payment; invoice: Invoice; application: PaymentApplication }
> = {
  async effect({ input, ports: { read, write }, emit, now }) {
    const invoice = await invoiceFor(read, input.invoiceId);
    checkVersion('Invoice', invoice.aggregateVersion, input.expectedVersion, { required: true });
    const payment = await paymentFor(read, input.paymentId);
    if (invoice.kind !== 'INVOICE' || !OPEN_FOR_SETTLEMENT.has(invoice.status)) {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `${invoiceLabel(invoice)} is ${invoice.status}: applyPayment settles only POSTED or PARTIALLY_PAID invoices.`,
        'invoiceId',
      );
    }
    if (payment.status === 'REVERSED') throw rejected('INVALID_STATE_TRANSITION', `Payment ${payment.id} is REVERSED.`, 'paymentId');
    if (payment.legalEntityId !== invoice.legalEntityId) {
      throw rejected(
        'LEGAL_ENTITY_MISMATCH',
        `Payment ${payment.id} was received by ${payment.legalEntityId}, the invoice is of ${invoice.legalEntityId}.`,
        'paymentId',
      );
    }
    if (payment.accountId !== invoice.accountId) {
      throw rejected('PRECONDITION_FAILED', `Payment ${payment.id} is from another customer than ${invoiceLabel(invoice)}.`, 'paymentId');
    }
    if (payment.currency !== invoice.currency) {
      throw rejected(
        'CURRENCY_MISMATCH',
        `Payment ${payment.id} is in ${payment.currency}, the invoice in ${invoice.currency}.`,
        'paymentId',
      );
    }
    const amount = moneyInput(input.amount, invoice.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'An applied amount must be positive.', 'amount');
    const applied = (await read.applicationsByPaymentIds([payment.id])).reduce((sum, application) => sum + application.amountE4, 0);
    const unapplied = payment.amountE4 - applied;
    const due = openBalance(invoice);
    if (amount > unapplied) {
      throw rejected(
        'AMOUNT_EXCEEDS_OPEN_BALANCE',
        `Payment ${payment.id} has ${money(unapplied, payment.currency).amount} ${payment.currency} unapplied.`,
        'amount',
      );
    }
    if (amount > due) {
      throw rejected(
        'AMOUNT_EXCEEDS_OPEN_BALANCE',
        `${invoiceLabel(invoice)} has ${money(due, invoice.currency).amount} ${invoice.currency} due.`,
        'amount',
      );
    }

    const paid = invoice.amountPaidE4 + amount;
    const invoiceStatus: InvoiceStatus =
      paid + invoice.amountCreditedE4 + invoice.amountWrittenOffE4 === invoice.totalE4 ? 'PAID' : 'PARTIALLY_PAID';
    const paymentStatus: PaymentStatus = unapplied - amount === 0 ? 'APPLIED' : 'PARTIALLY_APPLIED';
    const result = await write.applyPayment({
      invoice,
      invoiceStatus,
      amountPaidE4: paid,
      payment,
      paymentStatus,
      application: {
        id: newId('pap'),
        paymentId: payment.id,
        invoiceId: invoice.id,
        amountE4: amount,
        appliedOn: now.toISOString().slice(0, 10),
      },
    });
    emit(
      aggregateEvent('PaymentApplied', 'Payment', result.payment, payment.legalEntityId, {
        paymentId: payment.id,
        invoiceId: invoice.id,
        applicationId: result.application.id,
        amount: money(amount, invoice.currency),
        paymentStatus,
        invoiceStatus,
        amountDue: money(openBalance(result.invoice), invoice.currency),
      }),
    );
    if (invoiceStatus === 'PAID') {
      emit(
        aggregateEvent('InvoicePaid', 'Invoice', result.invoice, invoice.legalEntityId, {
          invoiceId: invoice.id,
          invoiceNumber: invoice.invoiceNumber,
          amountPaid: money(paid, invoice.currency),
        }),
      );
    }
    return { payment: result.payment, invoice: result.invoice, application: result.application };
  },
};
