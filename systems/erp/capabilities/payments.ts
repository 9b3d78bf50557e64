/**
 * Cash (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#billing-to-cash): recordPayment books money received from a customer (RECEIVED);
 * applyPayment settles an invoice with it. An invoice's open balance is total - paid - credited;
 * a payment's unapplied amount is its amount less its applications.
 */
import { seesAccount } from '../../../policies/recordScope.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { money } from '../../kernel/decimal.ts';
import type { ErpContext } from '../resolvers.ts';
import type { ErpTables, InvoiceRow, PaymentApplicationRow, PaymentRow } from '../tables.ts';
import { OPEN_FOR_SETTLEMENT, type InvoiceStatus, type PaymentStatus } from '../machines.ts';
import {
  billingProfileFor, invoiceFor, invoiceLabel, legalEntityFor, openBalance, openPeriodOf, paymentFor, reloadInvoice, reloadPayment,
  requireActive,
} from './records.ts';
import { isUniqueViolation } from '../../kernel/capability/engine.ts';

export const recordPayment: CapabilityHandler<ErpTables, ErpContext, {
  legalEntityId: string; accountId: string; amount: string; currency: string; receivedDate: string; method: string; bankReference: string;
}, { payment: PaymentRow }> = {
  async effect({ input, trx, emit, ctx }) {
    const legalEntity = await legalEntityFor(trx, ctx.scope, input.legalEntityId);
    requireActive(legalEntity, 'legalEntityId');
    if (!seesAccount(ctx.scope, input.accountId)) throw notFoundRejection('Account', input.accountId, 'accountId');
    const profile = await billingProfileFor(trx, input.accountId, legalEntity, 'accountId');
    const amount = moneyInput(input.amount, input.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A payment amount must be positive.', 'amount');
    if (input.currency !== profile.currency) {
      throw rejected('CURRENCY_MISMATCH', `The customer pays ${legalEntity.code} in ${profile.currency}, not ${input.currency}.`, 'currency');
    }
    await openPeriodOf(trx, legalEntity, input.receivedDate, 'receivedDate');
    const bankReference = input.bankReference.trim();
    if (bankReference === '') throw rejected('PRECONDITION_FAILED', 'A payment needs the bank reference it arrived with.', 'bankReference');
    const duplicate = () => rejected('DUPLICATE_PAYMENT', `A payment with bank reference ${JSON.stringify(bankReference)} is already recorded.`, 'bankReference');
    if (await trx.selectFrom('payments').select('id').where('payment_number', '=', bankReference).executeTakeFirst()) throw duplicate();
    const id = newId('pay');
    try {
      await trx
        .insertInto('payments')
        .values({
          id, payment_number: bankReference, account_id: input.accountId, legal_entity_id: legalEntity.id, received_date: input.receivedDate,
          amount_e4: amount, currency: input.currency, method: input.method, status: 'RECEIVED', aggregate_version: 1,
        })
        .execute();
    } catch (error) {
      // The same bank reference recorded concurrently under another key: the bank reference is the natural key.
      if (isUniqueViolation(error, 'payments', ['payment_number'])) throw duplicate();
      throw error;
    }
    const payment = await reloadPayment(trx, id);
    emit({
      type: 'PaymentRecorded', aggregateType: 'Payment', aggregateId: id, aggregateVersion: payment.aggregate_version, legalEntityId: legalEntity.id,
      payload: {
        paymentId: id, bankReference, accountId: payment.account_id, receivedDate: payment.received_date, method: payment.method,
        amount: money(payment.amount_e4, payment.currency),
      },
    });
    return { payment };
  },
};

export const applyPayment: CapabilityHandler<ErpTables, ErpContext, {
  paymentId: string; invoiceId: string; amount: string; expectedVersion: number;
}, { payment: PaymentRow; invoice: InvoiceRow; application: PaymentApplicationRow }> = {
  async effect({ input, trx, emit, ctx, now }) {
    const invoice = await invoiceFor(trx, ctx.scope, input.invoiceId);
    checkVersion('Invoice', invoice.aggregate_version, input.expectedVersion, { required: true });
    const payment = await paymentFor(trx, ctx.scope, input.paymentId);
    if (invoice.kind !== 'INVOICE' || !OPEN_FOR_SETTLEMENT.has(invoice.status)) {
      throw rejected('INVALID_STATE_TRANSITION', `${invoiceLabel(invoice)} is ${invoice.status}: applyPayment settles only POSTED or PARTIALLY_PAID invoices.`, 'invoiceId');
    }
    if (payment.status === 'REVERSED') throw rejected('INVALID_STATE_TRANSITION', `Payment ${payment.id} is REVERSED.`, 'paymentId');
    if (payment.legal_entity_id !== invoice.legal_entity_id) {
      throw rejected('LEGAL_ENTITY_MISMATCH', `Payment ${payment.id} was received by ${payment.legal_entity_id}, the invoice is of ${invoice.legal_entity_id}.`, 'paymentId');
    }
    if (payment.account_id !== invoice.account_id) {
      throw rejected('PRECONDITION_FAILED', `Payment ${payment.id} is from another customer than ${invoiceLabel(invoice)}.`, 'paymentId');
    }
    if (payment.currency !== invoice.currency) {
      throw rejected('CURRENCY_MISMATCH', `Payment ${payment.id} is in ${payment.currency}, the invoice in ${invoice.currency}.`, 'paymentId');
    }
    const amount = moneyInput(input.amount, invoice.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'An applied amount must be positive.', 'amount');
    const applied = await trx
      .selectFrom('payment_applications')
      .select((eb) => eb.fn.sum<number | string | null>('amount_e4').as('applied'))
      .where('payment_id', '=', payment.id)
      .executeTakeFirst();
    const unapplied = payment.amount_e4 - Number(applied?.applied ?? 0);
    const due = openBalance(invoice);
    if (amount > unapplied) {
      throw rejected('AMOUNT_EXCEEDS_OPEN_BALANCE', `Payment ${payment.id} has ${money(unapplied, payment.currency).amount} ${payment.currency} unapplied.`, 'amount');
    }
    if (amount > due) {
      throw rejected('AMOUNT_EXCEEDS_OPEN_BALANCE', `${invoiceLabel(invoice)} has ${money(due, invoice.currency).amount} ${invoice.currency} due.`, 'amount');
    }

    const paid = invoice.amount_paid_e4 + amount;
    const invoiceStatus: InvoiceStatus = paid + invoice.amount_credited_e4 === invoice.total_e4 ? 'PAID' : 'PARTIALLY_PAID';
    const paymentStatus: PaymentStatus = unapplied - amount === 0 ? 'APPLIED' : 'PARTIALLY_APPLIED';
    await updateAggregate(trx, 'invoices', 'Invoice', invoice, { status: invoiceStatus, amount_paid_e4: paid });
    // The payment's version moves too, so two applications racing on one payment cannot both spend it.
    await updateAggregate(trx, 'payments', 'Payment', payment, { status: paymentStatus });
    const application: PaymentApplicationRow = {
      id: newId('pap'), payment_id: payment.id, invoice_id: invoice.id, amount_e4: amount, applied_on: now.toISOString().slice(0, 10),
    };
    await trx.insertInto('payment_applications').values(application).execute();

    const [updatedInvoice, updatedPayment] = await Promise.all([reloadInvoice(trx, invoice.id), reloadPayment(trx, payment.id)]);
    emit({
      type: 'PaymentApplied', aggregateType: 'Payment', aggregateId: payment.id, aggregateVersion: updatedPayment.aggregate_version,
      legalEntityId: payment.legal_entity_id,
      payload: {
        paymentId: payment.id, invoiceId: invoice.id, applicationId: application.id, amount: money(amount, invoice.currency),
        paymentStatus, invoiceStatus, amountDue: money(openBalance(updatedInvoice), invoice.currency),
      },
    });
    if (invoiceStatus === 'PAID') {
      emit({
        type: 'InvoicePaid', aggregateType: 'Invoice', aggregateId: invoice.id, aggregateVersion: updatedInvoice.aggregate_version,
        legalEntityId: invoice.legal_entity_id,
        payload: { invoiceId: invoice.id, invoiceNumber: invoice.invoice_number, amountPaid: money(paid, invoice.currency) },
      });
    }
    const stored = await trx.selectFrom('payment_applications').selectAll().where('id', '=', application.id).executeTakeFirstOrThrow();
    return { payment: updatedPayment, invoice: updatedInvoice, application: stored };
  },
};
