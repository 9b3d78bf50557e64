/**
 * recordPayment and applyPayment through the gateway: cash received (RECEIVED, deduplicated by
 * bank reference, also under a race) and applied to released invoices (POSTED → PARTIALLY_PAID →
 * PAID; RECEIVED → PARTIALLY_APPLIED → APPLIED) with exact balances; every guard refused with
 * its code and field, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPLY_PAYMENT,
  RECORD_PAYMENT,
  UK_ITEMS,
  auditOf,
  bankReference,
  billableContract,
  call,
  draftOn,
  envelope,
  erpDb,
  erpState,
  eventsOfRequest,
  gbp,
  newKey,
  pick,
  postInvoice,
  refused,
  requestIdOf,
  seededContracts,
  seededCustomers,
  type SeededContract,
  type UserError,
} from './erpKit.ts';

let tessera: TestTessera;
let uk: SeededContract;
let us: SeededContract;
/** Another UK01 customer than `uk`'s. */
let otherUkAccount: string;
let prospectId: string;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const contracts = await seededContracts(tessera);
  uk = billableContract(contracts, 'le_UK01');
  us = billableContract(contracts, 'le_US01');
  const customers = await seededCustomers(tessera);
  otherUkAccount = pick(customers, 'second UK01 customer', (c) => c.legalEntityId === 'le_UK01' && c.accountId !== uk.account.id).accountId;
  const body = await tessera.query('{ accounts(filter: { type: [PROSPECT] }, first: 50) { nodes { id } } }');
  prospectId = pick(
    (body.data as { accounts: { nodes: { id: string }[] } }).accounts.nodes,
    'prospect',
    (a) => !customers.some((c) => c.accountId === a.id),
  ).id;
});
afterAll(() => tessera?.stop());

function paymentInput(contract: SeededContract, amount: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotencyKey: newKey(),
    legalEntityId: contract.legalEntity.id,
    accountId: contract.account.id,
    amount,
    currency: contract.totalContractValue.currency,
    receivedDate: '2026-11-24',
    method: 'WIRE',
    bankReference: bankReference(),
    ...overrides,
  };
}

interface PaymentView {
  id: string;
  aggregateVersion: number;
  unappliedAmount: { amount: string };
}

async function recorded(input: Record<string, unknown>): Promise<PaymentView> {
  const result = await call<{ payment: PaymentView | null; userErrors: UserError[] }>(tessera, RECORD_PAYMENT, input);
  if (!result.payload?.payment) throw new Error(`recordPayment failed: ${JSON.stringify(result.body)}`);
  return result.payload.payment;
}

describe('recordPayment', () => {
  it('records money received as RECEIVED, fully unapplied, the bank reference its number', async () => {
    const input = paymentInput(uk, '4390.00', { method: 'ACH' });
    const result = await call<{ payment: { id: string } }>(tessera, RECORD_PAYMENT, input);
    const id = result.payload?.payment.id;
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        data: {
          recordPayment: {
            payment: {
              id,
              paymentNumber: input.bankReference,
              customer: { id: uk.account.id },
              legalEntity: { id: 'le_UK01' },
              receivedDate: '2026-11-24',
              amount: gbp('4390.00'),
              unappliedAmount: gbp('4390.00'),
              method: 'ACH',
              status: 'RECEIVED',
              aggregateVersion: 1,
            },
            userErrors: [],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(await eventsOfRequest(tessera, requestIdOf(result))).toEqual([
      {
        type: 'PaymentRecorded',
        aggregateType: 'Payment',
        aggregateId: id,
        aggregateVersion: 1,
        correlationId: requestIdOf(result),
        legalEntityId: 'le_UK01',
        payload: {
          paymentId: id,
          bankReference: input.bankReference,
          accountId: uk.account.id,
          receivedDate: '2026-11-24',
          method: 'ACH',
          amount: gbp('4390.00'),
        },
      },
    ]);
    expect(await auditOf(tessera, input.idempotencyKey as string)).toEqual([['SUCCEEDED', 'erp.recordPayment', 1, null]]);
  });

  it('the same bank reference under another key is DUPLICATE_PAYMENT; the same key replays', async () => {
    const input = paymentInput(uk, '10.00');
    const first = await call(tessera, RECORD_PAYMENT, input);
    const replay = await call(tessera, RECORD_PAYMENT, input);
    expect(envelope(replay)).toEqual({ status: 200, body: { data: { recordPayment: { ...(first.payload as object), replayed: true } } } });
    const before = await erpState(tessera);
    const again = await call(tessera, RECORD_PAYMENT, { ...input, idempotencyKey: newKey(), amount: '11.00' });
    expect(envelope(again)).toEqual(
      refused('recordPayment', ['payment'], {
        code: 'DUPLICATE_PAYMENT',
        message: `A payment with bank reference ${JSON.stringify(input.bankReference)} is already recorded.`,
        field: 'bankReference',
      }),
    );
    expect(await erpState(tessera)).toEqual(before);
  });

  it('two calls racing with one bank reference record one payment', async () => {
    const reference = bankReference();
    const results = await Promise.all(
      [1, 2].map(() =>
        call<{ payment: unknown; userErrors: UserError[] }>(
          tessera,
          RECORD_PAYMENT,
          paymentInput(uk, '20.00', { bankReference: reference }),
        ),
      ),
    );
    expect(results.map((r) => r.payload?.userErrors.map((e) => e.code) ?? ['none']).sort()).toEqual([[], ['DUPLICATE_PAYMENT']]);
    expect(await erpDb(tessera).selectFrom('payments').select('id').where('payment_number', '=', reference).execute()).toHaveLength(1);
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(input: Record<string, unknown>, error: UserError, claims?: Parameters<typeof call>[3]): Promise<void> {
      const before = await erpState(tessera);
      const result = await call(tessera, RECORD_PAYMENT, input, claims ?? {});
      expect(envelope(result)).toEqual(refused('recordPayment', ['payment'], error));
      expect(await erpState(tessera)).toEqual(before);
    }

    it('NOT_FOUND for an unknown legal entity, or a customer the caller may not see', async () => {
      await expectRefused(paymentInput(uk, '1.00', { legalEntityId: 'le_XX99' }), {
        code: 'NOT_FOUND',
        message: 'LegalEntity "le_XX99" was not found.',
        field: 'legalEntityId',
      });
      await expectRefused(
        paymentInput(uk, '1.00'),
        { code: 'NOT_FOUND', message: `Account "${uk.account.id}" was not found.`, field: 'accountId' },
        {
          claims: { sub: 'partner', scope: 'erp:read erp:write', legal_entities: '*', partner_accounts: [otherUkAccount] },
        },
      );
    });

    it('LEGAL_ENTITY_INACTIVE when the legal entity is not active', async () => {
      const db = erpDb(tessera);
      await db.updateTable('legal_entities').set({ status: 'INACTIVE' }).where('id', '=', 'le_UK01').execute();
      try {
        await expectRefused(paymentInput(uk, '1.00'), {
          code: 'LEGAL_ENTITY_INACTIVE',
          message: 'Legal entity UK01 is INACTIVE.',
          field: 'legalEntityId',
        });
      } finally {
        await db.updateTable('legal_entities').set({ status: 'ACTIVE' }).where('id', '=', 'le_UK01').execute();
      }
    });

    it('CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY for a customer without a billing profile there', async () => {
      await expectRefused(paymentInput(uk, '1.00', { accountId: prospectId }), {
        code: 'CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY',
        message: `Customer ${prospectId} has no billing profile in legal entity UK01.`,
        field: 'accountId',
      });
    });

    it.each([['0.00'], ['-5.00']])('PRECONDITION_FAILED for an amount of %s', async (amount) => {
      await expectRefused(paymentInput(uk, amount), {
        code: 'PRECONDITION_FAILED',
        message: 'A payment amount must be positive.',
        field: 'amount',
      });
    });

    it('MONEY_PRECISION for an amount finer than the currency allows', async () => {
      await expectRefused(paymentInput(uk, '10.005'), {
        code: 'MONEY_PRECISION',
        message: '10.005 has more decimals than GBP allows (2).',
        field: 'amount',
      });
    });

    it('CURRENCY_MISMATCH for a currency the customer is not billed in', async () => {
      await expectRefused(paymentInput(uk, '1.00', { currency: 'USD' }), {
        code: 'CURRENCY_MISMATCH',
        message: 'The customer pays UK01 in GBP, not USD.',
        field: 'currency',
      });
    });

    it('PERIOD_CLOSED for a receipt dated in a closed period', async () => {
      await expectRefused(paymentInput(uk, '1.00', { receivedDate: '2026-08-14' }), {
        code: 'PERIOD_CLOSED',
        message: 'Period 2026-08 of UK01 is CLOSED.',
        field: 'receivedDate',
      });
    });

    it('PRECONDITION_FAILED for a blank bank reference', async () => {
      await expectRefused(paymentInput(uk, '1.00', { bankReference: '   ' }), {
        code: 'PRECONDITION_FAILED',
        message: 'A payment needs the bank reference it arrived with.',
        field: 'bankReference',
      });
    });
  });
});

interface InvoiceView {
  id: string;
  status: string;
  amountPaid: { amount: string };
  amountDue: { amount: string };
  aggregateVersion: number;
}
interface ApplyPayload {
  payment: (PaymentView & { status: string }) | null;
  invoice: InvoiceView | null;
  application: { amountApplied: { amount: string }; appliedOn: string } | null;
  userErrors: UserError[];
}

describe('applyPayment', () => {
  it('settles an invoice in two applications: PARTIALLY_PAID then PAID, the payment PARTIALLY_APPLIED then APPLIED', async () => {
    const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
    expect(invoice.total).toBe('4390.00');
    const payment = await recorded(paymentInput(uk, '5000.00'));
    const today = new Date().toISOString().slice(0, 10);
    const first = await call<ApplyPayload>(tessera, APPLY_PAYMENT, {
      idempotencyKey: newKey(),
      paymentId: payment.id,
      invoiceId: invoice.id,
      amount: '1000.00',
      expectedVersion: 1,
    });
    expect(first.payload?.userErrors).toEqual([]);
    expect(first.payload?.payment).toMatchObject({ status: 'PARTIALLY_APPLIED', unappliedAmount: gbp('4000.00'), aggregateVersion: 2 });
    expect(first.payload?.invoice).toMatchObject({
      status: 'PARTIALLY_PAID',
      amountPaid: gbp('1000.00'),
      amountDue: gbp('3390.00'),
      total: gbp('4390.00'),
      aggregateVersion: 2,
    });
    expect(first.payload?.application).toEqual({
      amountApplied: gbp('1000.00'),
      appliedOn: today,
      invoice: { id: invoice.id },
      payment: { id: payment.id },
    });
    expect((await eventsOfRequest(tessera, requestIdOf(first))).map((e) => [e.type, e.aggregateId, e.aggregateVersion])).toEqual([
      ['PaymentApplied', payment.id, 2],
    ]);

    const second = await call<ApplyPayload>(tessera, APPLY_PAYMENT, {
      idempotencyKey: newKey(),
      paymentId: payment.id,
      invoiceId: invoice.id,
      amount: '3390.00',
      expectedVersion: 2,
    });
    expect(second.payload?.invoice).toMatchObject({
      status: 'PAID',
      amountPaid: gbp('4390.00'),
      amountDue: gbp('0.00'),
      aggregateVersion: 3,
    });
    expect(second.payload?.payment).toMatchObject({ status: 'PARTIALLY_APPLIED', unappliedAmount: gbp('610.00'), aggregateVersion: 3 });
    const events = await eventsOfRequest(tessera, requestIdOf(second));
    expect(events.map((e) => [e.type, e.aggregateId, e.aggregateVersion])).toEqual([
      ['InvoicePaid', invoice.id, 3],
      ['PaymentApplied', payment.id, 3],
    ]);
    expect(events[0]!.payload).toEqual({
      invoiceId: invoice.id,
      invoiceNumber: expect.stringMatching(/^UK01-INV-2026-\d{6}$/) as unknown,
      amountPaid: gbp('4390.00'),
    });

    // The rest of the payment settles a second invoice exactly: APPLIED.
    const small = await postInvoice(
      tessera,
      draftOn(uk, [{ description: 'Fee', quantity: '1.00', unitPrice: '508.33', amount: '508.33' }]),
    );
    expect(small.total).toBe('610.00');
    const third = await call<ApplyPayload>(tessera, APPLY_PAYMENT, {
      idempotencyKey: newKey(),
      paymentId: payment.id,
      invoiceId: small.id,
      amount: '610.00',
      expectedVersion: 1,
    });
    expect(third.payload?.payment).toMatchObject({ status: 'APPLIED', unappliedAmount: gbp('0.00'), aggregateVersion: 4 });
    expect(third.payload?.invoice).toMatchObject({ status: 'PAID', amountDue: gbp('0.00') });
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(input: Record<string, unknown>, error: UserError): Promise<void> {
      const before = await erpState(tessera);
      const result = await call(tessera, APPLY_PAYMENT, { idempotencyKey: newKey(), ...input });
      expect(envelope(result)).toEqual(refused('applyPayment', ['payment', 'invoice', 'application'], error));
      expect(await erpState(tessera)).toEqual(before);
    }

    it('NOT_FOUND for an unknown invoice or payment', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const payment = await recorded(paymentInput(uk, '100.00'));
      await expectRefused(
        { paymentId: payment.id, invoiceId: 'inv_nope', amount: '1.00', expectedVersion: 1 },
        { code: 'NOT_FOUND', message: 'Invoice "inv_nope" was not found.', field: 'invoiceId' },
      );
      await expectRefused(
        { paymentId: 'pay_nope', invoiceId: invoice.id, amount: '1.00', expectedVersion: 1 },
        { code: 'NOT_FOUND', message: 'Payment "pay_nope" was not found.', field: 'paymentId' },
      );
    });

    it('VERSION_CONFLICT when the invoice moved since it was read', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const payment = await recorded(paymentInput(uk, '100.00'));
      await expectRefused(
        { paymentId: payment.id, invoiceId: invoice.id, amount: '1.00', expectedVersion: 2 },
        {
          code: 'VERSION_CONFLICT',
          message: 'Invoice is at version 1, not 2: it changed since you read it. Read it again, then decide.',
          field: 'expectedVersion',
        },
      );
    });

    it('INVALID_STATE_TRANSITION for a paid invoice, and for a voided one', async () => {
      const invoice = await postInvoice(
        tessera,
        draftOn(uk, [{ description: 'Fee', quantity: '1.00', unitPrice: '100.00', amount: '100.00' }]),
      );
      const payment = await recorded(paymentInput(uk, '500.00'));
      const paid = await call<ApplyPayload>(tessera, APPLY_PAYMENT, {
        idempotencyKey: newKey(),
        paymentId: payment.id,
        invoiceId: invoice.id,
        amount: '120.00',
        expectedVersion: 1,
      });
      expect(paid.payload?.invoice?.status).toBe('PAID');
      const number = await erpDb(tessera)
        .selectFrom('invoices')
        .select('invoice_number')
        .where('id', '=', invoice.id)
        .executeTakeFirstOrThrow();
      await expectRefused(
        { paymentId: payment.id, invoiceId: invoice.id, amount: '1.00', expectedVersion: 2 },
        {
          code: 'INVALID_STATE_TRANSITION',
          message: `Invoice ${number.invoice_number} is PAID: applyPayment settles only POSTED or PARTIALLY_PAID invoices.`,
          field: 'invoiceId',
        },
      );
      const voided = await erpDb(tessera)
        .selectFrom('invoices')
        .select(['id', 'invoice_number', 'account_id', 'legal_entity_id'])
        .where('status', '=', 'VOIDED')
        .executeTakeFirstOrThrow();
      await expectRefused(
        { paymentId: payment.id, invoiceId: voided.id, amount: '1.00', expectedVersion: 1 },
        {
          code: 'INVALID_STATE_TRANSITION',
          message: `Invoice ${voided.invoice_number} is VOIDED: applyPayment settles only POSTED or PARTIALLY_PAID invoices.`,
          field: 'invoiceId',
        },
      );
    });

    it('LEGAL_ENTITY_MISMATCH, another customer, CURRENCY_MISMATCH', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const usPayment = await recorded(paymentInput(us, '100.00'));
      await expectRefused(
        { paymentId: usPayment.id, invoiceId: invoice.id, amount: '1.00', expectedVersion: 1 },
        {
          code: 'LEGAL_ENTITY_MISMATCH',
          message: `Payment ${usPayment.id} was received by le_US01, the invoice is of le_UK01.`,
          field: 'paymentId',
        },
      );
      const otherCustomer = await recorded(paymentInput(uk, '100.00', { accountId: otherUkAccount }));
      const number = (
        await erpDb(tessera).selectFrom('invoices').select('invoice_number').where('id', '=', invoice.id).executeTakeFirstOrThrow()
      ).invoice_number;
      await expectRefused(
        { paymentId: otherCustomer.id, invoiceId: invoice.id, amount: '1.00', expectedVersion: 1 },
        {
          code: 'PRECONDITION_FAILED',
          message: `Payment ${otherCustomer.id} is from another customer than Invoice ${number}.`,
          field: 'paymentId',
        },
      );
      // A payment the bank converted elsewhere: same customer and entity, another currency.
      await erpDb(tessera)
        .insertInto('payments')
        .values({
          id: 'pay_test_eur',
          payment_number: bankReference(),
          account_id: uk.account.id,
          legal_entity_id: 'le_UK01',
          received_date: '2026-11-24',
          amount_e4: 1_000_000,
          currency: 'EUR',
          method: 'WIRE',
          status: 'RECEIVED',
          aggregate_version: 1,
        })
        .execute();
      await expectRefused(
        { paymentId: 'pay_test_eur', invoiceId: invoice.id, amount: '1.00', expectedVersion: 1 },
        {
          code: 'CURRENCY_MISMATCH',
          message: 'Payment pay_test_eur is in EUR, the invoice in GBP.',
          field: 'paymentId',
        },
      );
    });

    it("AMOUNT_EXCEEDS_OPEN_BALANCE beyond the payment's unapplied amount or the invoice's due; PRECONDITION_FAILED for zero", async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const number = (
        await erpDb(tessera).selectFrom('invoices').select('invoice_number').where('id', '=', invoice.id).executeTakeFirstOrThrow()
      ).invoice_number;
      const small = await recorded(paymentInput(uk, '100.00'));
      await expectRefused(
        { paymentId: small.id, invoiceId: invoice.id, amount: '100.01', expectedVersion: 1 },
        {
          code: 'AMOUNT_EXCEEDS_OPEN_BALANCE',
          message: `Payment ${small.id} has 100.00 GBP unapplied.`,
          field: 'amount',
        },
      );
      const large = await recorded(paymentInput(uk, '9000.00'));
      await expectRefused(
        { paymentId: large.id, invoiceId: invoice.id, amount: '4390.01', expectedVersion: 1 },
        {
          code: 'AMOUNT_EXCEEDS_OPEN_BALANCE',
          message: `Invoice ${number} has 4390.00 GBP due.`,
          field: 'amount',
        },
      );
      await expectRefused(
        { paymentId: large.id, invoiceId: invoice.id, amount: '0.00', expectedVersion: 1 },
        {
          code: 'PRECONDITION_FAILED',
          message: 'An applied amount must be positive.',
          field: 'amount',
        },
      );
    });
  });

  it('replays the stored application for the same key', async () => {
    const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
    const payment = await recorded(paymentInput(uk, '500.00'));
    const input = { idempotencyKey: newKey(), paymentId: payment.id, invoiceId: invoice.id, amount: '500.00', expectedVersion: 1 };
    const first = await call(tessera, APPLY_PAYMENT, input);
    const before = await erpState(tessera);
    const again = await call(tessera, APPLY_PAYMENT, input);
    expect(envelope(again)).toEqual({ status: 200, body: { data: { applyPayment: { ...(first.payload as object), replayed: true } } } });
    expect(await erpState(tessera)).toEqual(before);
  });
});
