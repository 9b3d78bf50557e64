/**
 * An invoice with expense lines (docs/capabilities.md#expenses): a recharged expense (STANDARD,
 * marked up on the PSA side) is taxed like the service at the invoice's tax profile; a disbursement
 * is outside the scope of tax (tax code DISBURSEMENT, no tax). Exact amounts, line by line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  RELEASE_V2,
  billableContract,
  call,
  draftFixture,
  draftOn,
  newKey,
  psaDb,
  seededContracts,
  type DraftItemSpec,
  type SeededContract,
} from './erpKit.ts';

let tessera: TestTessera;
let ukActive: SeededContract;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  ukActive = billableContract(await seededContracts(tessera), 'le_UK01');
});
afterAll(() => tessera?.stop());

/** 7.50 h at 150.00, a 123.45 taxi recharged at 10 % markup (135.80), a 50.00 court fee passed on at cost. */
const ITEMS: DraftItemSpec[] = [
  { sourceType: 'TIME_SPLIT', description: '2026-11-02 Senior Consultant', quantity: '7.50', unitPrice: '150.00', amount: '1125.00' },
  {
    sourceType: 'EXPENSE',
    description: '2026-11-03 Travel: Taxi to the client (markup 10%)',
    quantity: '1.00',
    unitPrice: '135.80',
    amount: '135.80',
  },
  {
    sourceType: 'EXPENSE',
    taxTreatment: 'DISBURSEMENT',
    description: '2026-11-04 Other: Court filing fee (disbursement)',
    quantity: '1.00',
    unitPrice: '50.00',
    amount: '50.00',
  },
];

interface Line {
  lineNumber: number;
  description: string;
  taxCode: string;
  amount: { amount: string };
  taxAmount: { amount: string };
}

describe('releaseInvoiceV2 with expense lines', () => {
  it('taxes the recharge at the profile rate and leaves the disbursement outside the scope of tax', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive, ITEMS));
    const draftItems = await psaDb(tessera)
      .selectFrom('billing_draft_items')
      .select(['source_type', 'tax_treatment'])
      .where('draft_id', '=', draftId)
      .orderBy('id')
      .execute();
    expect(draftItems).toEqual([
      { source_type: 'TIME_SPLIT', tax_treatment: 'STANDARD' },
      { source_type: 'EXPENSE', tax_treatment: 'STANDARD' },
      { source_type: 'EXPENSE', tax_treatment: 'DISBURSEMENT' },
    ]);
    const result = await call<unknown>(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
    });
    const invoice = (
      result.body.data as {
        releaseInvoiceV2: {
          __typename: string;
          invoice: { lines: Line[]; subtotal: { amount: string }; taxTotal: { amount: string }; total: { amount: string } };
        };
      }
    ).releaseInvoiceV2;
    expect(invoice.__typename).toBe('ReleaseInvoiceSuccess');
    // 20 % VAT: 1125.00 → 225.00, 135.80 → 27.16; the disbursement 0.00.
    expect(
      invoice.invoice.lines.map((line) => [line.lineNumber, line.description, line.amount.amount, line.taxCode, line.taxAmount.amount]),
    ).toEqual([
      [1, ITEMS[0]!.description, '1125.00', 'GB-VAT-STD', '225.00'],
      [2, ITEMS[1]!.description, '135.80', 'GB-VAT-STD', '27.16'],
      [3, ITEMS[2]!.description, '50.00', 'DISBURSEMENT', '0.00'],
    ]);
    expect([invoice.invoice.subtotal.amount, invoice.invoice.taxTotal.amount, invoice.invoice.total.amount]).toEqual([
      '1310.80',
      '252.16',
      '1562.96',
    ]);
  });
});
