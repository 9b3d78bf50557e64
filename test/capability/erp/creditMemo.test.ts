/**
 * issueCreditMemo through the gateway: a CREDIT_MEMO document with negative amounts (tax share at
 * the invoice's ratio, exact on a full credit), numbered in its own series, naming the invoice it
 * credits; the invoice's open balance drops, and a credit of everything still open makes it
 * CREDITED. An amount names no source, so it is only for an invoice that billed none (a manual
 * invoice: here a posted invoice whose ERP row no longer names its draft, as an imported one would);
 * an invoice posted from a PSA billing draft is refused with CREDIT_BY_LINES_REQUIRED (its sources
 * would stay BILLED while the ERP's billed-to-date drops; docs/invariants.md#inv-11). Every guard
 * refused with its code and field, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPLY_PAYMENT,
  ISSUE_CREDIT_MEMO,
  RECORD_PAYMENT,
  UK_ITEMS,
  bankReference,
  call,
  draftOn,
  envelope,
  erpDb,
  erpState,
  eventsOfRequest,
  gbp,
  newKey,
  postInvoice,
  refused,
  requestIdOf,
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

interface InvoiceView {
  id: string;
  invoiceNumber: string;
  status: string;
  aggregateVersion: number;
  invoiceDate: string;
  amountCredited: { amount: string };
  amountDue: { amount: string };
  amountPaid: { amount: string };
}
interface MemoPayload {
  creditMemo: InvoiceView | null;
  invoice: InvoiceView | null;
  userErrors: UserError[];
}

async function numberOf(id: string): Promise<string> {
  return (await erpDb(tessera).selectFrom('invoices').select('invoice_number').where('id', '=', id).executeTakeFirstOrThrow())
    .invoice_number;
}

/** An invoice that billed no PSA source: posted, then its draft link cleared (a manual or imported invoice). */
async function manualInvoice(invoiceDate = '2026-11-20'): Promise<{ id: string; total: string; aggregateVersion: number }> {
  const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS), invoiceDate);
  await erpDb(tessera).updateTable('invoices').set({ source_billing_draft_id: null }).where('id', '=', invoice.id).execute();
  return invoice;
}

async function billedToDate(projectId: string): Promise<string> {
  const body = await tessera.query('query ($id: ID!) { project(id: $id) { billedToDate { amount } } }', { id: projectId });
  return (body.data as { project: { billedToDate: { amount: string } } }).project.billedToDate.amount;
}

describe('issueCreditMemo', () => {
  it('credits part of an invoice, then everything still open after a payment: the invoice ends CREDITED', async () => {
    const invoice = await manualInvoice();
    const number = await numberOf(invoice.id);
    const billedBefore = await billedToDate(uk.projects[0]!.id);
    const first = await call<MemoPayload>(tessera, ISSUE_CREDIT_MEMO, {
      idempotencyKey: newKey(),
      invoiceId: invoice.id,
      amount: '1200.00',
      reason: 'Rate dispute',
      expectedVersion: 1,
      creditDate: '2026-11-25',
    });
    const memo = first.payload?.creditMemo;
    expect(envelope(first)).toEqual({
      status: 200,
      body: {
        data: {
          issueCreditMemo: {
            creditMemo: {
              id: memo?.id,
              invoiceNumber: memo?.invoiceNumber,
              kind: 'CREDIT_MEMO',
              status: 'CREDITED',
              legalEntity: { id: 'le_UK01' },
              customer: { id: uk.account.id },
              contract: { id: uk.id },
              project: { id: uk.projects[0]!.id },
              invoiceDate: '2026-11-25',
              dueDate: '2026-11-25',
              postingPeriod: { id: expect.stringMatching(/^per_/) as unknown, name: '2026-11' },
              currency: 'GBP',
              // 1,200.00 gross at the invoice's 731.67/4,390.00 tax ratio: 200.00 tax, 1,000.00 net.
              lines: [
                {
                  lineNumber: 1,
                  description: `Credit of ${number}: Rate dispute`,
                  quantity: '-1.00',
                  unitPrice: gbp('1000.00'),
                  amount: gbp('-1000.00'),
                  taxCode: 'GB-VAT-STD',
                  taxAmount: gbp('-200.00'),
                },
              ],
              subtotal: gbp('-1000.00'),
              taxTotal: gbp('-200.00'),
              total: gbp('-1200.00'),
              amountPaid: gbp('0.00'),
              amountCredited: gbp('0.00'),
              amountDue: gbp('-1200.00'),
              originalInvoice: { id: invoice.id },
              aggregateVersion: 1,
            },
            invoice: expect.objectContaining({
              id: invoice.id,
              status: 'POSTED',
              amountCredited: gbp('1200.00'),
              amountDue: gbp('3190.00'),
              aggregateVersion: 2,
            }) as unknown,
            userErrors: [],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(memo?.invoiceNumber).toMatch(/^UK01-CM-2026-\d{6}$/);
    expect(await billedToDate(uk.projects[0]!.id)).toBe((Number(billedBefore) - 1000).toFixed(2));
    expect(await eventsOfRequest(tessera, requestIdOf(first))).toEqual([
      {
        type: 'CreditMemoIssued',
        aggregateType: 'Invoice',
        aggregateId: invoice.id,
        aggregateVersion: 2,
        correlationId: requestIdOf(first),
        legalEntityId: 'le_UK01',
        payload: {
          invoiceId: invoice.id,
          invoiceNumber: number,
          creditMemoId: memo?.id,
          creditMemoNumber: memo?.invoiceNumber,
          reason: 'Rate dispute',
          amount: gbp('1200.00'),
          tax: gbp('200.00'),
          invoiceStatus: 'POSTED',
          amountDue: gbp('3190.00'),
        },
      },
    ]);

    // A payment of 1,000.00, then the remaining 2,190.00 credited: nothing is left open.
    const payment = await call<{ payment: { id: string } }>(tessera, RECORD_PAYMENT, {
      idempotencyKey: newKey(),
      legalEntityId: 'le_UK01',
      accountId: uk.account.id,
      amount: '1000.00',
      currency: 'GBP',
      receivedDate: '2026-11-25',
      method: 'WIRE',
      bankReference: bankReference(),
    });
    const applied = await call<{ invoice: InvoiceView }>(tessera, APPLY_PAYMENT, {
      idempotencyKey: newKey(),
      paymentId: payment.payload!.payment.id,
      invoiceId: invoice.id,
      amount: '1000.00',
      expectedVersion: 2,
    });
    expect(applied.payload?.invoice).toMatchObject({ status: 'PARTIALLY_PAID', amountDue: gbp('2190.00'), aggregateVersion: 3 });
    const rest = await call<MemoPayload>(tessera, ISSUE_CREDIT_MEMO, {
      idempotencyKey: newKey(),
      invoiceId: invoice.id,
      amount: '2190.00',
      reason: 'Write-down agreed',
      expectedVersion: 3,
      creditDate: '2026-11-26',
    });
    expect(rest.payload?.creditMemo).toMatchObject({ subtotal: gbp('-1825.00'), taxTotal: gbp('-365.00'), total: gbp('-2190.00') });
    expect(rest.payload?.invoice).toMatchObject({
      status: 'CREDITED',
      amountPaid: gbp('1000.00'),
      amountCredited: gbp('3390.00'),
      amountDue: gbp('0.00'),
      aggregateVersion: 4,
    });
    const memos = await tessera.query('query ($id: ID!) { invoice(id: $id) { creditMemos { id total { amount } } } }', { id: invoice.id });
    expect((memos.data as { invoice: { creditMemos: { id: string; total: { amount: string } }[] } }).invoice.creditMemos).toEqual([
      { id: memo?.id, total: { amount: '-1200.00' } },
      { id: rest.payload?.creditMemo?.id, total: { amount: '-2190.00' } },
    ]);
  });

  it('a full credit of an unpaid invoice reverses its net and tax exactly', async () => {
    const invoice = await manualInvoice();
    const result = await call<MemoPayload>(tessera, ISSUE_CREDIT_MEMO, {
      idempotencyKey: newKey(),
      invoiceId: invoice.id,
      amount: '4390.00',
      reason: 'Billed to the wrong entity',
      expectedVersion: 1,
      creditDate: '2026-11-25',
    });
    expect(result.payload?.creditMemo).toMatchObject({ subtotal: gbp('-3658.33'), taxTotal: gbp('-731.67'), total: gbp('-4390.00') });
    expect(result.payload?.invoice).toMatchObject({ status: 'CREDITED', amountCredited: gbp('4390.00'), amountDue: gbp('0.00') });
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(input: Record<string, unknown>, error: UserError): Promise<void> {
      const before = await erpState(tessera);
      const result = await call(tessera, ISSUE_CREDIT_MEMO, {
        idempotencyKey: newKey(),
        reason: 'Dispute',
        creditDate: '2026-11-25',
        ...input,
      });
      expect(envelope(result)).toEqual(refused('issueCreditMemo', ['creditMemo', 'invoice'], error));
      expect(await erpState(tessera)).toEqual(before);
    }

    it('CREDIT_BY_LINES_REQUIRED for an invoice posted from a billing draft (released here, or seeded)', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const [row] = await erpDb(tessera)
        .selectFrom('invoices')
        .select(['invoice_number', 'source_billing_draft_id'])
        .where('id', '=', invoice.id)
        .execute();
      const billedBefore = await billedToDate(uk.projects[0]!.id);
      await expectRefused(
        { invoiceId: invoice.id, amount: '1200.00', expectedVersion: 1 },
        {
          code: 'CREDIT_BY_LINES_REQUIRED',
          message:
            `Invoice ${row!.invoice_number} was posted from billing draft ${row!.source_billing_draft_id}: an amount credit would leave its ` +
            'sources billed in the PSA. Credit its lines with creditInvoiceLines (CREDIT or REOPEN each line) or void it with voidInvoice.',
          field: 'invoiceId',
        },
      );
      expect(await billedToDate(uk.projects[0]!.id)).toBe(billedBefore);
      const seeded = await erpDb(tessera)
        .selectFrom('invoices')
        .select(['id', 'invoice_number', 'source_billing_draft_id', 'aggregate_version'])
        .where('legal_entity_id', '=', 'le_UK01')
        .where('kind', '=', 'INVOICE')
        .where('status', '=', 'POSTED')
        .where('source_billing_draft_id', 'is not', null)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      await expectRefused(
        { invoiceId: seeded.id, amount: '1.00', expectedVersion: seeded.aggregate_version },
        {
          code: 'CREDIT_BY_LINES_REQUIRED',
          message:
            `Invoice ${seeded.invoice_number} was posted from billing draft ${seeded.source_billing_draft_id}: an amount credit would leave its ` +
            'sources billed in the PSA. Credit its lines with creditInvoiceLines (CREDIT or REOPEN each line) or void it with voidInvoice.',
          field: 'invoiceId',
        },
      );
    });

    it('NOT_FOUND and VERSION_CONFLICT', async () => {
      const invoice = await manualInvoice();
      await expectRefused(
        { invoiceId: 'inv_nope', amount: '1.00', expectedVersion: 1 },
        { code: 'NOT_FOUND', message: 'Invoice "inv_nope" was not found.', field: 'invoiceId' },
      );
      await expectRefused(
        { invoiceId: invoice.id, amount: '1.00', expectedVersion: 4 },
        {
          code: 'VERSION_CONFLICT',
          message: 'Invoice is at version 1, not 4: it changed since you read it. Read it again, then decide.',
          field: 'expectedVersion',
        },
      );
    });

    it('PRECONDITION_FAILED without a reason, or for a non-positive amount', async () => {
      const invoice = await manualInvoice();
      await expectRefused(
        { invoiceId: invoice.id, amount: '1.00', expectedVersion: 1, reason: '  ' },
        { code: 'PRECONDITION_FAILED', message: 'A credit memo needs a reason.', field: 'reason' },
      );
      await expectRefused(
        { invoiceId: invoice.id, amount: '0.00', expectedVersion: 1 },
        { code: 'PRECONDITION_FAILED', message: 'A credit amount must be positive.', field: 'amount' },
      );
    });

    it('AMOUNT_EXCEEDS_OPEN_BALANCE beyond total - paid - credited', async () => {
      const invoice = await manualInvoice();
      const number = await numberOf(invoice.id);
      await call(tessera, ISSUE_CREDIT_MEMO, {
        idempotencyKey: newKey(),
        invoiceId: invoice.id,
        amount: '390.00',
        reason: 'Partial',
        expectedVersion: 1,
        creditDate: '2026-11-25',
      });
      await expectRefused(
        { invoiceId: invoice.id, amount: '4000.01', expectedVersion: 2 },
        {
          code: 'AMOUNT_EXCEEDS_OPEN_BALANCE',
          message: `Invoice ${number} has 4000.00 GBP left to credit.`,
          field: 'amount',
        },
      );
    });

    it('INVALID_STATE_TRANSITION for a credited invoice and for a credit memo', async () => {
      const invoice = await manualInvoice();
      const full = await call<MemoPayload>(tessera, ISSUE_CREDIT_MEMO, {
        idempotencyKey: newKey(),
        invoiceId: invoice.id,
        amount: '4390.00',
        reason: 'Full',
        expectedVersion: 1,
        creditDate: '2026-11-25',
      });
      const number = await numberOf(invoice.id);
      await expectRefused(
        { invoiceId: invoice.id, amount: '1.00', expectedVersion: 2 },
        {
          code: 'INVALID_STATE_TRANSITION',
          message: `Invoice ${number} is CREDITED: only a POSTED or PARTIALLY_PAID invoice is credited.`,
          field: 'invoiceId',
        },
      );
      const memo = full.payload!.creditMemo!;
      await expectRefused(
        { invoiceId: memo.id, amount: '1.00', expectedVersion: 1 },
        {
          code: 'INVALID_STATE_TRANSITION',
          message: `Credit memo ${memo.invoiceNumber} is CREDITED: only a POSTED or PARTIALLY_PAID invoice is credited.`,
          field: 'invoiceId',
        },
      );
    });

    it('PERIOD_CLOSED for a credit dated in a closed period; PRECONDITION_FAILED before the invoice date', async () => {
      const invoice = await manualInvoice('2026-11-20');
      await expectRefused(
        { invoiceId: invoice.id, amount: '1.00', expectedVersion: 1, creditDate: '2026-11-19' },
        {
          code: 'PRECONDITION_FAILED',
          message: 'A credit memo cannot predate the invoice (2026-11-20).',
          field: 'creditDate',
        },
      );
      const seeded = await erpDb(tessera)
        .selectFrom('invoices')
        .select(['id'])
        .where('legal_entity_id', '=', 'le_UK01')
        .where('kind', '=', 'INVOICE')
        .where('status', '=', 'POSTED')
        .where('invoice_date', '<', '2026-09-01')
        .executeTakeFirstOrThrow();
      await erpDb(tessera).updateTable('invoices').set({ source_billing_draft_id: null }).where('id', '=', seeded.id).execute();
      await expectRefused(
        { invoiceId: seeded.id, amount: '1.00', expectedVersion: 1, creditDate: '2026-09-30' },
        {
          code: 'PERIOD_CLOSED',
          message: 'Period 2026-09 of UK01 is CLOSED.',
          field: 'creditDate',
        },
      );
    });
  });
});
