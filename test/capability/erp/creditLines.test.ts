/**
 * Billing corrections through the gateway (docs/capabilities.md#creditinvoicelines,
 * docs/capabilities.md#customer-credits): creditInvoiceLines credits whole lines and the PSA credits
 * or reopens exactly the sources they billed, so the PSA's billed value and the ERP's billed-to-date
 * agree afterwards; voidInvoice is the full credit of an unpaid invoice; a credit on a PAID invoice
 * leaves a customer credit, applied to another invoice or refunded. Every guard refused with its
 * code and field, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPLY_PAYMENT,
  RECORD_PAYMENT,
  UK_ITEMS,
  bankReference,
  call,
  draftFixture,
  draftOn,
  erpDb,
  erpState,
  gbp,
  newKey,
  psaDb,
  RELEASED_INVOICE,
  ukContract,
  type SeededContract,
  type UserError,
} from './erpKit.ts';
import { APPLY_CREDIT, CREDIT_LINES, REFUND_CREDIT, VOID } from './correctionsKit.ts';

let tessera: TestTessera;
let uk: SeededContract;

beforeAll(async () => {
  [tessera, uk] = await startWith(ukContract);
});
afterAll(() => tessera?.stop());

interface Billed {
  invoiceId: string;
  draftId: string;
  sources: string[];
}

/** Releases a draft whose items bill fresh milestones of the UK project (ON_DRAFT → BILLED by the release). */
async function billed(items = UK_ITEMS, invoiceDate = '2026-11-20'): Promise<Billed> {
  const spec = draftOn(
    uk,
    items.map((item) => ({ ...item, sourceType: 'MILESTONE' })),
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
    invoiceDate,
    expectedVersion: 1,
  });
  if (!result.payload?.invoice) throw new Error(`release failed: ${JSON.stringify(result.body)}`);
  return { invoiceId: result.payload.invoice.id, draftId, sources: rows.map((row) => row.source_id) };
}

async function statuses(ids: readonly string[]): Promise<string[]> {
  const rows = await psaDb(tessera).selectFrom('milestones').select(['id', 'billing_status']).where('id', 'in', ids).execute();
  return ids.map((id) => rows.find((row) => row.id === id)!.billing_status);
}

/** The PSA's billed value of the sources against the ERP's net billed (lines less credit memos, net of tax) of the invoice. */
async function agreement(b: Billed): Promise<{ psaBilled: number; erpBilled: number }> {
  const psa = await psaDb(tessera).selectFrom('milestones').select(['amount_e4', 'billing_status']).where('id', 'in', b.sources).execute();
  const erp = erpDb(tessera);
  const invoice = await erp.selectFrom('invoices').select('subtotal_e4').where('id', '=', b.invoiceId).executeTakeFirstOrThrow();
  const memos = await erp.selectFrom('invoices').select('subtotal_e4').where('original_invoice_id', '=', b.invoiceId).execute();
  return {
    psaBilled: psa.filter((row) => row.billing_status === 'BILLED').reduce((sum, row) => sum + Number(row.amount_e4), 0),
    erpBilled: Number(invoice.subtotal_e4) + memos.reduce((sum, memo) => sum + Number(memo.subtotal_e4), 0),
  };
}

async function invoiceNumber(id: string): Promise<string> {
  return (await erpDb(tessera).selectFrom('invoices').select('invoice_number').where('id', '=', id).executeTakeFirstOrThrow())
    .invoice_number;
}

async function pay(invoiceId: string, amount: string, expectedVersion: number): Promise<void> {
  const payment = await call<{ payment: { id: string } }>(tessera, RECORD_PAYMENT, {
    idempotencyKey: newKey(),
    legalEntityId: 'le_UK01',
    accountId: uk.account.id,
    amount,
    currency: 'GBP',
    receivedDate: '2026-11-25',
    method: 'WIRE',
    bankReference: bankReference(),
  });
  const applied = await call<{ userErrors: UserError[] }>(tessera, APPLY_PAYMENT, {
    idempotencyKey: newKey(),
    paymentId: payment.payload!.payment.id,
    invoiceId,
    amount,
    expectedVersion,
  });
  expect(applied.payload?.userErrors).toEqual([]);
}

describe('creditInvoiceLines', () => {
  it('credits one line (CREDITED) and reopens another (READY_TO_BILL, its claim freed): the PSA and the ERP agree', async () => {
    const b = await billed();
    const number = await invoiceNumber(b.invoiceId);
    expect(await agreement(b)).toEqual({ psaBilled: 36_583_300, erpBilled: 36_583_300 });
    const result = await mutate<Record<string, unknown>>(tessera, CREDIT_LINES, {
      idempotencyKey: newKey(),
      invoiceId: b.invoiceId,
      expectedVersion: 1,
      lines: [
        { lineNumber: 1, action: 'CREDIT' },
        { lineNumber: 2, action: 'REOPEN' },
      ],
      reason: 'Milestone rework',
      creditDate: '2026-11-25',
    });
    expect(result.body.errors).toBeUndefined();
    const payload = result.payload as { creditMemo: { id: string; invoiceNumber: string; lines: { creditedLineId: string }[] } };
    const lineIds = (
      await erpDb(tessera)
        .selectFrom('invoice_lines')
        .select(['id', 'line_number'])
        .where('invoice_id', '=', b.invoiceId)
        .orderBy('line_number')
        .execute()
    ).map((l) => l.id);
    expect(payload).toEqual({
      __typename: 'CreditInvoiceLinesSuccess',
      creditMemo: {
        id: payload.creditMemo.id,
        invoiceNumber: payload.creditMemo.invoiceNumber,
        kind: 'CREDIT_MEMO',
        status: 'CREDITED',
        originalInvoice: { id: b.invoiceId },
        subtotal: gbp('-3625.00'),
        taxTotal: gbp('-725.00'),
        total: gbp('-4350.00'),
        lines: [
          {
            lineNumber: 1,
            description: `Credit of ${number} line 1: Milestone rework`,
            quantity: '-7.50',
            amount: gbp('-1125.00'),
            taxAmount: gbp('-225.00'),
            creditedLineId: lineIds[0],
          },
          {
            lineNumber: 2,
            description: `Rebill of ${number} line 2: Milestone rework`,
            quantity: '-1.00',
            amount: gbp('-2500.00'),
            taxAmount: gbp('-500.00'),
            creditedLineId: lineIds[1],
          },
        ],
      },
      invoice: {
        id: b.invoiceId,
        invoiceNumber: number,
        status: 'POSTED',
        aggregateVersion: 2,
        amountCredited: gbp('4350.00'),
        amountDue: gbp('40.00'),
        amountPaid: gbp('0.00'),
      },
      customerCredit: null,
      warnings: [],
      replayed: false,
    });
    expect(payload.creditMemo.invoiceNumber).toMatch(/^UK01-CM-2026-\d{6}$/);
    expect(await statuses(b.sources)).toEqual(['CREDITED', 'READY_TO_BILL', 'BILLED']);
    expect(await agreement(b)).toEqual({ psaBilled: 333_300, erpBilled: 333_300 });
    // The reopened item left the draft's live claims; the credits are kept on the draft.
    const psa = psaDb(tessera);
    expect(
      (await psa.selectFrom('billing_draft_items').select('source_id').where('draft_id', '=', b.draftId).orderBy('id').execute()).map(
        (r) => r.source_id,
      ),
    ).toEqual([b.sources[0], b.sources[2]]);
    expect(
      (await psa.selectFrom('released_draft_items').select('source_id').where('draft_id', '=', b.draftId).execute()).map(
        (r) => r.source_id,
      ),
    ).toEqual([b.sources[1]]);
    const draft = await tessera.query(
      'query ($id: ID!) { billingDraft(id: $id) { sourceCredits { sourceType sourceId action amount { amount currency } creditMemo { id } invoice { id } } } }',
      { id: b.draftId },
    );
    const credits = (draft.data as { billingDraft: { sourceCredits: { sourceId: string }[] } }).billingDraft.sourceCredits;
    const credited = (sourceId: string, action: string, amount: string) => ({
      sourceType: 'MILESTONE',
      sourceId,
      action,
      amount: gbp(amount),
      creditMemo: { id: payload.creditMemo.id },
      invoice: { id: b.invoiceId },
    });
    expect(draft.errors).toBeUndefined();
    expect([...credits].sort((x, y) => (x.sourceId < y.sourceId ? -1 : 1))).toEqual(
      [credited(b.sources[0]!, 'CREDIT', '1125.00'), credited(b.sources[1]!, 'REOPEN', '2500.00')].sort((x, y) =>
        x.sourceId < y.sourceId ? -1 : 1,
      ),
    );

    // The same key again: the stored answer, nothing credited twice.
    const key = newKey();
    const input = {
      idempotencyKey: key,
      invoiceId: b.invoiceId,
      expectedVersion: 2,
      lines: [{ lineNumber: 3, action: 'CREDIT' }],
      reason: 'Travel',
      creditDate: '2026-11-25',
    };
    const third = await mutate<{ __typename: string; invoice: { status: string; amountDue: { amount: string } } }>(
      tessera,
      CREDIT_LINES,
      input,
    );
    expect(third.payload).toMatchObject({
      __typename: 'CreditInvoiceLinesSuccess',
      invoice: { status: 'CREDITED', amountDue: gbp('0.00') },
    });
    const again = await mutate<{ replayed: boolean }>(tessera, CREDIT_LINES, input);
    expect(again.payload?.replayed).toBe(true);
    expect(await statuses(b.sources)).toEqual(['CREDITED', 'READY_TO_BILL', 'CREDITED']);
    expect(await agreement(b)).toEqual({ psaBilled: 0, erpBilled: 0 });
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(input: Record<string, unknown>, error: UserError): Promise<void> {
      const before = await erpState(tessera);
      const result = await mutate(tessera, CREDIT_LINES, {
        idempotencyKey: newKey(),
        reason: 'Dispute',
        creditDate: '2026-11-25',
        ...input,
      });
      expect(result.body).toEqual({ data: { creditInvoiceLines: { __typename: 'CapabilityFailure', errors: [error], replayed: false } } });
      expect(await erpState(tessera)).toEqual(before);
    }

    it('ALREADY_CREDITED, a missing or repeated line, no reason, a stale version', async () => {
      const b = await billed();
      const number = await invoiceNumber(b.invoiceId);
      await mutate(tessera, CREDIT_LINES, {
        idempotencyKey: newKey(),
        invoiceId: b.invoiceId,
        expectedVersion: 1,
        lines: [{ lineNumber: 1, action: 'CREDIT' }],
        reason: 'Dispute',
        creditDate: '2026-11-25',
      });
      await expectRefused(
        { invoiceId: b.invoiceId, expectedVersion: 2, lines: [{ lineNumber: 1, action: 'REOPEN' }] },
        { code: 'ALREADY_CREDITED', message: `Line 1 of Invoice ${number} is already credited.`, field: 'lines' },
      );
      await expectRefused(
        { invoiceId: b.invoiceId, expectedVersion: 2, lines: [{ lineNumber: 9, action: 'CREDIT' }] },
        { code: 'PRECONDITION_FAILED', message: `Invoice ${number} has no line 9.`, field: 'lines' },
      );
      await expectRefused(
        {
          invoiceId: b.invoiceId,
          expectedVersion: 2,
          lines: [
            { lineNumber: 2, action: 'CREDIT' },
            { lineNumber: 2, action: 'REOPEN' },
          ],
        },
        { code: 'PRECONDITION_FAILED', message: 'A line is named twice.', field: 'lines' },
      );
      await expectRefused(
        { invoiceId: b.invoiceId, expectedVersion: 2, lines: [{ lineNumber: 2, action: 'CREDIT' }], reason: ' ' },
        { code: 'PRECONDITION_FAILED', message: 'A credit memo needs a reason.', field: 'reason' },
      );
      await expectRefused(
        { invoiceId: b.invoiceId, expectedVersion: 1, lines: [{ lineNumber: 2, action: 'CREDIT' }] },
        {
          code: 'VERSION_CONFLICT',
          message: 'Invoice is at version 2, not 1: it changed since you read it. Read it again, then decide.',
          field: 'expectedVersion',
        },
      );
      expect(await statuses(b.sources)).toEqual(['CREDITED', 'BILLED', 'BILLED']);
    });

    it('PERIOD_CLOSED in a closed period, PRECONDITION_FAILED before the invoice date, INVALID_STATE_TRANSITION on a credit memo', async () => {
      const b = await billed();
      await expectRefused(
        { invoiceId: b.invoiceId, expectedVersion: 1, lines: [{ lineNumber: 1, action: 'CREDIT' }], creditDate: '2026-11-19' },
        { code: 'PRECONDITION_FAILED', message: 'A credit memo cannot predate the invoice (2026-11-20).', field: 'creditDate' },
      );
      const seeded = await erpDb(tessera)
        .selectFrom('invoices')
        .select(['id'])
        .where('legal_entity_id', '=', 'le_UK01')
        .where('kind', '=', 'INVOICE')
        .where('status', '=', 'POSTED')
        .where('invoice_date', '<', '2026-09-01')
        .executeTakeFirstOrThrow();
      await expectRefused(
        { invoiceId: seeded.id, expectedVersion: 1, lines: [{ lineNumber: 1, action: 'CREDIT' }], creditDate: '2026-09-30' },
        { code: 'PERIOD_CLOSED', message: 'Period 2026-09 of UK01 is CLOSED.', field: 'creditDate' },
      );
      const memo = await erpDb(tessera)
        .selectFrom('invoices')
        .select(['id', 'invoice_number'])
        .where('kind', '=', 'CREDIT_MEMO')
        .where('legal_entity_id', '=', 'le_UK01')
        .executeTakeFirstOrThrow();
      await expectRefused(
        { invoiceId: memo.id, expectedVersion: 1, lines: [{ lineNumber: 1, action: 'CREDIT' }] },
        {
          code: 'INVALID_STATE_TRANSITION',
          message: `Credit memo ${memo.invoice_number} is CREDITED: only a POSTED, PARTIALLY_PAID or PAID invoice is credited by line.`,
          field: 'invoiceId',
        },
      );
    });
  });
});

describe('voidInvoice', () => {
  it('voids an unpaid invoice by a full credit memo: CREDITED, nothing due, every source reopened', async () => {
    const b = await billed();
    const result = await mutate<{
      __typename: string;
      invoice: unknown;
      creditMemo: { total: unknown; lines: unknown[] };
      customerCredit: null;
    }>(tessera, VOID, {
      idempotencyKey: newKey(),
      invoiceId: b.invoiceId,
      expectedVersion: 1,
      action: 'REOPEN',
      reason: 'Billed to the wrong entity',
      voidDate: '2026-11-25',
    });
    expect(result.payload).toMatchObject({
      __typename: 'VoidInvoiceSuccess',
      invoice: { status: 'CREDITED', amountCredited: gbp('4390.00'), amountDue: gbp('0.00'), aggregateVersion: 2 },
      creditMemo: { subtotal: gbp('-3658.33'), taxTotal: gbp('-731.67'), total: gbp('-4390.00') },
      customerCredit: null,
    });
    expect(result.payload?.creditMemo.lines).toHaveLength(3);
    expect(await statuses(b.sources)).toEqual(['READY_TO_BILL', 'READY_TO_BILL', 'READY_TO_BILL']);
    expect(await agreement(b)).toEqual({ psaBilled: 0, erpBilled: 0 });
    expect(await psaDb(tessera).selectFrom('billing_draft_items').select('id').where('draft_id', '=', b.draftId).execute()).toEqual([]);
  });

  it('INVALID_STATE_TRANSITION once something was paid', async () => {
    const b = await billed();
    const number = await invoiceNumber(b.invoiceId);
    await pay(b.invoiceId, '100.00', 1);
    const before = await erpState(tessera);
    const result = await mutate(tessera, VOID, {
      idempotencyKey: newKey(),
      invoiceId: b.invoiceId,
      expectedVersion: 2,
      action: 'CREDIT',
      reason: 'Wrong',
      voidDate: '2026-11-25',
    });
    expect(result.body).toEqual({
      data: {
        voidInvoice: {
          __typename: 'CapabilityFailure',
          errors: [
            {
              code: 'INVALID_STATE_TRANSITION',
              message: `Invoice ${number} is PARTIALLY_PAID, paid or credited in part: only a POSTED invoice nothing was paid or credited on is voided (credit its lines instead).`,
              field: 'invoiceId',
            },
          ],
          replayed: false,
        },
      },
    });
    expect(await erpState(tessera)).toEqual(before);
  });
});

describe('customer credits', () => {
  it('a credit on a PAID invoice leaves a customer credit, applied to another invoice and refunded, never beyond what remains', async () => {
    const paid = await billed();
    await pay(paid.invoiceId, '4390.00', 1);
    const credited = await mutate<{ invoice: unknown; customerCredit: { id: string; aggregateVersion: number } }>(tessera, CREDIT_LINES, {
      idempotencyKey: newKey(),
      invoiceId: paid.invoiceId,
      expectedVersion: 2,
      lines: [{ lineNumber: 2, action: 'CREDIT' }],
      reason: 'Milestone not accepted',
      creditDate: '2026-11-26',
    });
    expect(credited.payload).toMatchObject({
      invoice: { status: 'PAID', amountPaid: gbp('4390.00'), amountCredited: gbp('0.00'), amountDue: gbp('0.00'), aggregateVersion: 3 },
      customerCredit: {
        status: 'OPEN',
        currency: 'GBP',
        amount: gbp('3000.00'),
        applied: gbp('0.00'),
        refunded: gbp('0.00'),
        remaining: gbp('3000.00'),
        aggregateVersion: 1,
      },
    });
    expect(await agreement(paid)).toEqual({ psaBilled: 11_583_300, erpBilled: 11_583_300 });
    const creditId = credited.payload!.customerCredit.id;

    const other = await billed();
    const tooMuch = await mutate(tessera, APPLY_CREDIT, {
      idempotencyKey: newKey(),
      customerCreditId: creditId,
      invoiceId: other.invoiceId,
      amount: '3000.01',
      expectedVersion: 1,
      appliedOn: '2026-11-27',
    });
    expect(tooMuch.body).toEqual({
      data: {
        applyCustomerCredit: {
          __typename: 'CapabilityFailure',
          errors: [{ code: 'AMOUNT_EXCEEDS_OPEN_BALANCE', message: `Customer credit ${creditId} has 3000.00 GBP left.`, field: 'amount' }],
          replayed: false,
        },
      },
    });
    const applied = await mutate(tessera, APPLY_CREDIT, {
      idempotencyKey: newKey(),
      customerCreditId: creditId,
      invoiceId: other.invoiceId,
      amount: '1000.00',
      expectedVersion: 1,
      appliedOn: '2026-11-27',
    });
    expect(applied.payload).toMatchObject({
      __typename: 'ApplyCustomerCreditSuccess',
      customerCredit: { status: 'OPEN', applied: gbp('1000.00'), remaining: gbp('2000.00'), aggregateVersion: 2 },
      invoice: { status: 'PARTIALLY_PAID', amountPaid: gbp('1000.00'), amountDue: gbp('3390.00'), aggregateVersion: 2 },
    });
    const closed = await mutate(tessera, REFUND_CREDIT, {
      idempotencyKey: newKey(),
      customerCreditId: creditId,
      amount: '2000.00',
      refundDate: '2026-09-30',
      method: 'WIRE',
      reference: 'RF-1',
      expectedVersion: 2,
    });
    expect(closed.body).toEqual({
      data: {
        refundCustomerCredit: {
          __typename: 'CapabilityFailure',
          errors: [{ code: 'PERIOD_CLOSED', message: 'Period 2026-09 of UK01 is CLOSED.', field: 'refundDate' }],
          replayed: false,
        },
      },
    });
    const refund = await mutate(tessera, REFUND_CREDIT, {
      idempotencyKey: newKey(),
      customerCreditId: creditId,
      amount: '2000.00',
      refundDate: '2026-11-28',
      method: 'WIRE',
      reference: 'RF-1',
      expectedVersion: 2,
    });
    expect(refund.payload).toEqual({
      __typename: 'RefundCustomerCreditSuccess',
      customerCredit: {
        id: creditId,
        status: 'USED',
        currency: 'GBP',
        amount: gbp('3000.00'),
        applied: gbp('1000.00'),
        refunded: gbp('2000.00'),
        remaining: gbp('0.00'),
        aggregateVersion: 3,
      },
      refund: { kind: 'REFUNDED', amount: gbp('2000.00'), usedOn: '2026-11-28', method: 'WIRE', reference: 'RF-1', invoice: null },
      replayed: false,
    });
    const again = await mutate(tessera, REFUND_CREDIT, {
      idempotencyKey: newKey(),
      customerCreditId: creditId,
      amount: '0.01',
      refundDate: '2026-11-28',
      method: 'WIRE',
      reference: 'RF-2',
      expectedVersion: 3,
    });
    expect((again.payload as { errors: UserError[] }).errors).toEqual([
      { code: 'AMOUNT_EXCEEDS_OPEN_BALANCE', message: `Customer credit ${creditId} has 0.00 GBP left.`, field: 'amount' },
    ]);
    const account = await tessera.query(
      'query ($id: ID!) { account(id: $id) { customerCredits { id status remaining { amount } uses { kind amount { amount } invoice { id } } } } }',
      { id: uk.account.id },
    );
    const credits = (account.data as { account: { customerCredits: { id: string }[] } }).account.customerCredits;
    expect(credits.find((c) => c.id === creditId)).toEqual({
      id: creditId,
      status: 'USED',
      remaining: { amount: '0.00' },
      uses: [
        { kind: 'APPLIED', amount: { amount: '1000.00' }, invoice: { id: other.invoiceId } },
        { kind: 'REFUNDED', amount: { amount: '2000.00' }, invoice: null },
      ],
    });
  });
});
