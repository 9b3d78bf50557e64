/**
 * Line credits on seeded invoices (docs/capabilities.md#creditinvoicelines, docs/invariants.md#inv-11):
 * the seed posts one line per role, rate and month, each billing several time entries of its draft.
 * Crediting such a line credits (CREDIT) or reopens (REOPEN) every entry it billed and no other,
 * so the PSA's billed value of the draft and the ERP's net billed of the invoice stay equal; an
 * amount credit of the same invoice is refused with CREDIT_BY_LINES_REQUIRED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { ISSUE_CREDIT_MEMO, call, erpDb, newKey, psaDb, ukContract, type UserError } from './erpKit.ts';
import { CREDIT_LINES } from './correctionsKit.ts';

let tessera: TestTessera;

beforeAll(async () => {
  [tessera] = await startWith(ukContract);
});
afterAll(() => tessera?.stop());

interface SeededLine {
  lineNumber: number;
  amountE4: number;
  /** The time entries of the draft with the line's role and month (its description "<role> time, <yyyy-mm>"). */
  entries: string[];
}

interface Seeded {
  invoiceId: string;
  invoiceNumber: string;
  draftId: string;
  version: number;
  lines: SeededLine[];
  entries: string[];
}

/** The first open seeded UK invoice (by id) whose first two lines each bill more than one time entry. */
async function seededInvoice(): Promise<Seeded> {
  const erp = erpDb(tessera);
  const invoices = await erp
    .selectFrom('invoices')
    .select(['id', 'invoice_number', 'source_billing_draft_id', 'aggregate_version'])
    .where('legal_entity_id', '=', 'le_UK01')
    .where('kind', '=', 'INVOICE')
    .where('status', '=', 'POSTED')
    .where('amount_credited_e4', '=', 0)
    .where('source_billing_draft_id', 'is not', null)
    .where('invoice_date', '<=', '2026-11-25')
    .orderBy('id')
    .execute();
  for (const invoice of invoices) {
    const lines = await erp
      .selectFrom('invoice_lines')
      .select(['line_number', 'description', 'amount_e4'])
      .where('invoice_id', '=', invoice.id)
      .orderBy('line_number')
      .execute();
    const items = await psaDb(tessera)
      .selectFrom('billing_draft_items')
      .select(['source_type', 'source_id', 'description'])
      .where('draft_id', '=', invoice.source_billing_draft_id!)
      .execute();
    const mapped = lines.map((line) => {
      const [role, month] = line.description.split(' time, ');
      const entries = items
        .filter(
          (item) => item.source_type === 'TIME_SPLIT' && item.description.startsWith(month ?? '?') && item.description.endsWith(` ${role}`),
        )
        .map((item) => item.source_id);
      return { lineNumber: line.line_number, amountE4: Number(line.amount_e4), entries };
    });
    if (mapped.length >= 2 && mapped[0]!.entries.length > 1 && mapped[1]!.entries.length > 1) {
      return {
        invoiceId: invoice.id,
        invoiceNumber: invoice.invoice_number,
        draftId: invoice.source_billing_draft_id!,
        version: invoice.aggregate_version,
        lines: mapped,
        entries: items.filter((item) => item.source_type === 'TIME_SPLIT').map((item) => item.source_id),
      };
    }
  }
  throw new Error('no seeded UK invoice with two consolidated lines in an open period');
}

async function entryStatuses(ids: readonly string[]): Promise<Map<string, { status: string; amountE4: number }>> {
  const rows = await psaDb(tessera)
    .selectFrom('time_entries')
    .select(['id', 'billing_status', 'billable_e4'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.id, { status: row.billing_status, amountE4: Number(row.billable_e4) }]));
}

/** The PSA's billed value of the draft's entries against the ERP's net billed of the invoice (lines less memos). */
async function agreement(seeded: Seeded): Promise<{ psaBilled: number; erpBilled: number }> {
  const entries = await entryStatuses(seeded.entries);
  const erp = erpDb(tessera);
  const invoice = await erp.selectFrom('invoices').select('subtotal_e4').where('id', '=', seeded.invoiceId).executeTakeFirstOrThrow();
  const memos = await erp.selectFrom('invoices').select('subtotal_e4').where('original_invoice_id', '=', seeded.invoiceId).execute();
  return {
    psaBilled: [...entries.values()].filter((e) => e.status === 'BILLED').reduce((sum, e) => sum + e.amountE4, 0),
    erpBilled: Number(invoice.subtotal_e4) + memos.reduce((sum, memo) => sum + Number(memo.subtotal_e4), 0),
  };
}

describe('creditInvoiceLines on a seeded invoice', () => {
  it('credits one consolidated line and reopens another: exactly their entries move, the PSA and the ERP agree', async () => {
    const seeded = await seededInvoice();
    const [first, second] = [seeded.lines[0]!, seeded.lines[1]!];
    const before = await entryStatuses(seeded.entries);
    expect([...before.values()].every((e) => e.status === 'BILLED')).toBe(true);
    // Each line bills exactly its entries: their billable values sum to the line.
    for (const line of [first, second]) expect(line.entries.reduce((sum, id) => sum + before.get(id)!.amountE4, 0)).toBe(line.amountE4);
    const start = await agreement(seeded);
    expect(start.psaBilled).toBe(start.erpBilled);

    const amountCredit = await call<{ userErrors: UserError[] }>(tessera, ISSUE_CREDIT_MEMO, {
      idempotencyKey: newKey(),
      invoiceId: seeded.invoiceId,
      amount: '1.00',
      reason: 'Discount',
      expectedVersion: seeded.version,
      creditDate: '2026-11-25',
    });
    expect(amountCredit.payload?.userErrors.map((error) => error.code)).toEqual(['CREDIT_BY_LINES_REQUIRED']);

    const result = await mutate<{ __typename: string; invoice?: { aggregateVersion: number }; creditMemo?: { lines: unknown[] } }>(
      tessera,
      CREDIT_LINES,
      {
        idempotencyKey: newKey(),
        invoiceId: seeded.invoiceId,
        expectedVersion: seeded.version,
        reason: 'Hours disputed',
        creditDate: '2026-11-25',
        lines: [
          { lineNumber: first.lineNumber, action: 'CREDIT' },
          { lineNumber: second.lineNumber, action: 'REOPEN' },
        ],
      },
    );
    expect(result.payload?.__typename).toBe('CreditInvoiceLinesSuccess');
    expect(result.payload?.creditMemo?.lines).toHaveLength(2);
    expect(result.payload?.invoice?.aggregateVersion).toBe(seeded.version + 1);

    const after = await entryStatuses(seeded.entries);
    const expected = new Map(seeded.entries.map((id) => [id, 'BILLED']));
    for (const id of first.entries) expected.set(id, 'CREDITED');
    for (const id of second.entries) expected.set(id, 'READY_TO_BILL');
    expect(new Map([...after].map(([id, e]) => [id, e.status]))).toEqual(expected);
    expect(await agreement(seeded)).toEqual({
      psaBilled: start.psaBilled - first.amountE4 - second.amountE4,
      erpBilled: start.erpBilled - first.amountE4 - second.amountE4,
    });
  });
});
