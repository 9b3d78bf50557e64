/**
 * The four reconciliation rules (docs/reconciliation.md#rules), each on its own with the exact
 * exceptions it finds, on snapshots built here the way the PSA and the ERP answer when they agree
 * (a released draft's item n is posted as invoice line n; a credit memo credits the items whose
 * sources the PSA shows credited). Properties on random consistent worlds: rules.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { findMismatches, type Mismatch } from '../../../systems/integration/reconciliation/rules.ts';
import type {
  ErpInvoice,
  PsaBillingDraft,
  PsaDraftItem,
  PsaProject,
  PsaSource,
} from '../../../systems/integration/reconciliation/snapshot.ts';

const LE = 'le_US01';

function source(sourceId: string, date: string, amountE4: number, billingStatus: string, sourceType = 'TIME_SPLIT'): PsaSource {
  return { sourceType, sourceId, date, amountE4, billingStatus };
}

/** The draft item billing `billed` (its amount unless given). */
function itemOf(billed: PsaSource, amountE4 = billed.amountE4): PsaDraftItem {
  return { sourceType: billed.sourceType, sourceId: billed.sourceId, amountE4 };
}

function fee(sourceId: string, amountE4: number): PsaDraftItem {
  return { sourceType: 'FEE', sourceId, amountE4 };
}

function draft(id: string, items: readonly PsaDraftItem[], fields: Partial<PsaBillingDraft> = {}): PsaBillingDraft {
  const summaryE4 = items.reduce((sum, item) => sum + item.amountE4, 0);
  return { id, status: 'INVOICED', cutoffDate: '2026-01-31', summaryE4, invoiceId: `inv_${id}`, items, ...fields };
}

function project(sources: readonly PsaSource[], drafts: readonly PsaBillingDraft[], id = 'prj_1'): PsaProject {
  return { id, legalEntityId: LE, currency: 'USD', sources, drafts };
}

/** The invoice the ERP released for `released` (one line per item unless `lines` are given). */
function invoiceOf(released: PsaBillingDraft, fields: Partial<ErpInvoice> = {}, lines?: readonly number[]): ErpInvoice {
  const amounts = lines ?? released.items.map((item) => item.amountE4);
  return {
    id: released.invoiceId!,
    invoiceNumber: `INV-${released.id}`,
    kind: 'INVOICE',
    status: 'ISSUED',
    legalEntityId: LE,
    projectId: 'prj_1',
    currency: 'USD',
    invoiceDate: released.cutoffDate,
    subtotalE4: amounts.reduce((sum, amount) => sum + amount, 0),
    lines: amounts.map((amountE4, index) => ({ lineNumber: index + 1, amountE4 })),
    originalInvoiceId: null,
    ...fields,
  };
}

/** A credit memo crediting `creditE4` (net) of `credited`. */
function memo(id: string, credited: ErpInvoice | null, creditE4: number, fields: Partial<ErpInvoice> = {}): ErpInvoice {
  return {
    id,
    invoiceNumber: `CM-${id}`,
    kind: 'CREDIT_MEMO',
    status: 'ISSUED',
    legalEntityId: LE,
    projectId: credited?.projectId ?? null,
    currency: 'USD',
    invoiceDate: '2026-02-15',
    subtotalE4: -creditE4,
    lines: [{ lineNumber: 1, amountE4: -creditE4 }],
    originalInvoiceId: credited?.id ?? null,
    ...fields,
  };
}

function mismatchesOf(projects: readonly PsaProject[], invoices: readonly ErpInvoice[], period?: string): Mismatch[] {
  return findMismatches({ projects, invoices }, period ? { period } : {}).mismatches;
}

function conservation(month: string, expectedE4: number, actualE4: number, buckets: Partial<Record<string, number>> = {}): Mismatch {
  const b = { unbilled: 0, onDraft: 0, billed: 0, credited: 0, writtenOff: 0, onHold: 0, ...buckets };
  return {
    rule: 'CONSERVATION',
    subjectType: 'ProjectPeriod',
    subjectId: `prj_1@${month}`,
    legalEntityId: LE,
    currency: 'USD',
    expectedE4,
    actualE4,
    owner: 'BILLING_OPERATIONS',
    detail:
      `Approved billable value of prj_1 in ${month} against unbilled ${b.unbilled} + on draft ${b.onDraft} + ` +
      `billed (ERP) ${b.billed} + credited ${b.credited} + written off ${b.writtenOff} + on hold ${b.onHold} (e4 USD).`,
  };
}

function claim(draftId: string, expectedE4: number, problem: string): Mismatch {
  return {
    rule: 'BILLING_CLAIM_VS_INVOICE',
    subjectType: 'BillingDraft',
    subjectId: draftId,
    legalEntityId: LE,
    currency: 'USD',
    expectedE4,
    actualE4: 0,
    owner: 'ACCOUNTS_RECEIVABLE',
    detail: `INVOICED billing draft ${draftId} ${problem}.`,
  };
}

// January: billed time, and every PSA bucket beside it.
const billed = source('te_1', '2026-01-10', 10_000_000, 'BILLED');
const ready = source('te_2', '2026-01-20', 5_000_000, 'READY_TO_BILL');
const held = source('te_3', '2026-01-21', 2_000_000, 'ON_HOLD');
const writtenOff = source('te_4', '2026-01-22', 1_000_000, 'WRITTEN_OFF');
const onDraft = source('ms_5', '2026-01-23', 3_000_000, 'ON_DRAFT', 'MILESTONE');
const notBillable = source('te_6', '2026-01-24', 7_000_000, 'NOT_BILLABLE');
const released = draft('d1', [itemOf(billed)]);
const inReview = draft('d2', [itemOf(onDraft)], { status: 'IN_REVIEW', invoiceId: null });
const buckets = [billed, ready, held, writtenOff, onDraft, notBillable];

describe('consistent data', () => {
  it('finds nothing when every approved value is in one bucket and the ERP bills what the PSA claimed', () => {
    const result = findMismatches({ projects: [project(buckets, [released, inReview])], invoices: [invoiceOf(released)] });
    expect(result).toEqual({ mismatches: [], checked: { billingDrafts: 1, invoices: 1, creditedInvoices: 0, projectPeriods: 1 } });
  });
});

describe('BILLED_TIME_VS_INVOICE_LINES', () => {
  it('finds an invoice whose lines bill less than the draft claimed, and the month that is short', () => {
    expect(mismatchesOf([project(buckets, [released, inReview])], [invoiceOf(released, {}, [9_999_000])])).toEqual([
      {
        rule: 'BILLED_TIME_VS_INVOICE_LINES',
        subjectType: 'BillingDraft',
        subjectId: 'd1',
        legalEntityId: LE,
        currency: 'USD',
        expectedE4: 10_000_000,
        actualE4: 9_999_000,
        owner: 'ACCOUNTS_RECEIVABLE',
        detail: 'Billing draft d1 (summary 10000000, items 10000000) against INV-d1 (1 lines 9999000, e4 USD).',
      },
      conservation('2026-01', 21_000_000, 20_999_000, {
        unbilled: 5_000_000,
        onDraft: 3_000_000,
        billed: 9_999_000,
        writtenOff: 1_000_000,
        onHold: 2_000_000,
      }),
    ]);
  });

  it('accepts an ERP that consolidates the items into one line', () => {
    const second = source('te_7', '2026-01-11', 4_000_000, 'BILLED');
    const both = draft('d1', [itemOf(billed), itemOf(second)]);
    expect(mismatchesOf([project([billed, second], [both])], [invoiceOf(both, {}, [14_000_000])])).toEqual([]);
  });

  it('finds a draft whose summary disagrees with its items, with the summary against the lines', () => {
    const overstated = draft('d1', [itemOf(billed)], { summaryE4: 10_500_000 });
    expect(mismatchesOf([project([billed], [overstated])], [invoiceOf(overstated)])).toEqual([
      {
        rule: 'BILLED_TIME_VS_INVOICE_LINES',
        subjectType: 'BillingDraft',
        subjectId: 'd1',
        legalEntityId: LE,
        currency: 'USD',
        expectedE4: 10_500_000,
        actualE4: 10_000_000,
        owner: 'ACCOUNTS_RECEIVABLE',
        detail: 'Billing draft d1 (summary 10500000, items 10000000) against INV-d1 (1 lines 10000000, e4 USD).',
      },
    ]);
  });
});

describe('BILLING_CLAIM_VS_INVOICE', () => {
  // The claimed items bill no source the PSA lists: only the claim rule speaks.
  const claimed = draft('d1', [{ sourceType: 'TIME_SPLIT', sourceId: 'te_elsewhere', amountE4: 8_000_000 }]);
  const cases: [string, PsaBillingDraft, ErpInvoice[], Mismatch[]][] = [
    ['no invoice', { ...claimed, invoiceId: null }, [], [claim('d1', 8_000_000, 'names invoice (none), which the ERP does not hold')]],
    [
      'an invoice the ERP lacks',
      { ...claimed, invoiceId: 'inv_gone' },
      [],
      [claim('d1', 8_000_000, 'names invoice inv_gone, which the ERP does not hold')],
    ],
    [
      'a voided invoice',
      claimed,
      [invoiceOf(claimed, { status: 'VOIDED' })],
      [claim('d1', 8_000_000, 'names INV-d1, a VOIDED INVOICE in the ERP')],
    ],
    [
      'another project’s invoice',
      claimed,
      [invoiceOf(claimed, { projectId: 'prj_2' })],
      [claim('d1', 8_000_000, 'names INV-d1, which the ERP books to prj_2')],
    ],
    [
      'an invoice in another currency',
      claimed,
      [invoiceOf(claimed, { currency: 'EUR' })],
      [claim('d1', 8_000_000, 'names INV-d1, in EUR not USD')],
    ],
    [
      'a credit memo',
      { ...claimed, invoiceId: 'cm_1' },
      [memo('cm_1', null, 8_000_000)],
      [
        claim('d1', 8_000_000, 'names CM-cm_1, a ISSUED CREDIT_MEMO in the ERP'),
        {
          rule: 'CREDIT_MEMO_VS_SOURCES',
          subjectType: 'CreditMemo',
          subjectId: 'cm_1',
          legalEntityId: LE,
          currency: 'USD',
          expectedE4: 8_000_000,
          actualE4: 0,
          owner: 'ACCOUNTS_RECEIVABLE',
          detail: 'Credit memo CM-cm_1 names no invoice it credits, so no source is known to be credited.',
        },
      ],
    ],
  ];
  it.each(cases)('finds an INVOICED draft that names %s', (_, named, invoices, expected) => {
    expect(mismatchesOf([project([], [named])], invoices)).toEqual(expected);
  });

  it('finds the second draft claiming one invoice, and an invoice no draft claims (a voided one is not)', () => {
    const first = draft('d1', [itemOf(billed)]);
    const second = draft('d2', [itemOf(billed)], { invoiceId: 'inv_d1' });
    const orphan = invoiceOf(draft('orphan', [fee('f', 4_000_000)]));
    const voided = invoiceOf(draft('void', [fee('f', 6_000_000)]), { status: 'VOIDED' });
    const inReviewNaming = draft('d3', [fee('f', 4_000_000)], { status: 'IN_REVIEW', invoiceId: orphan.id });
    expect(mismatchesOf([project([billed], [first, second, inReviewNaming])], [invoiceOf(first), orphan, voided])).toEqual([
      claim('d2', 10_000_000, 'names INV-d1, claimed by another draft first'),
      {
        rule: 'BILLING_CLAIM_VS_INVOICE',
        subjectType: 'Invoice',
        subjectId: 'inv_orphan',
        legalEntityId: LE,
        currency: 'USD',
        expectedE4: 0,
        actualE4: 4_000_000,
        owner: 'BILLING_OPERATIONS',
        detail: 'Invoice INV-orphan is claimed by no INVOICED billing draft of the PSA.',
      },
    ]);
  });
});

describe('CREDIT_MEMO_VS_SOURCES', () => {
  const kept = source('te_1', '2026-01-10', 10_000_000, 'BILLED');
  const credited = source('te_2', '2026-01-12', 4_000_000, 'CREDITED');
  const both = draft('d1', [itemOf(kept), itemOf(credited)]);
  const invoice = invoiceOf(both);
  const creditRule = (expectedE4: number, actualE4: number, numbers: string, tail: string): Mismatch => ({
    rule: 'CREDIT_MEMO_VS_SOURCES',
    subjectType: 'Invoice',
    subjectId: 'inv_d1',
    legalEntityId: LE,
    currency: 'USD',
    expectedE4,
    actualE4,
    owner: 'BILLING_OPERATIONS',
    detail: `Credit memos ${numbers} credit INV-d1; the PSA shows ${tail}`,
  });
  const ofDraft = 'the sources of billing draft d1 credited or written off for the actual amount.';

  it('finds nothing when the memos credit what the PSA shows credited (a voided memo credits nothing)', () => {
    const memos = [
      memo('cm_1', invoice, 1_500_000),
      memo('cm_2', invoice, 2_500_000),
      memo('cm_3', invoice, 9_000_000, { status: 'VOIDED' }),
    ];
    const result = findMismatches({ projects: [project([kept, credited], [both])], invoices: [invoice, ...memos] });
    expect(result).toEqual({ mismatches: [], checked: { billingDrafts: 1, invoices: 1, creditedInvoices: 1, projectPeriods: 1 } });
  });

  it('finds a credit that leaves the credited time BILLED in the PSA: the invoice, and the month the ERP bills less', () => {
    const stillBilled = { ...credited, billingStatus: 'BILLED' };
    expect(mismatchesOf([project([kept, stillBilled], [both])], [invoice, memo('cm_1', invoice, 4_000_000)])).toEqual([
      creditRule(4_000_000, 0, 'CM-cm_1', ofDraft),
      conservation('2026-01', 14_000_000, 10_000_000, { billed: 10_000_000 }),
    ]);
  });

  it('finds nothing when a line credit reopened its source: the item left the draft, the source is unbilled again', () => {
    const reopenedSource = { ...credited, billingStatus: 'READY_TO_BILL' };
    const reopenedDraft = draft('d1', [itemOf(kept), { ...itemOf(credited), reopened: true }]);
    const result = findMismatches({
      projects: [project([kept, reopenedSource], [reopenedDraft])],
      invoices: [invoice, memo('cm_1', invoice, 4_000_000)],
    });
    expect(result).toEqual({ mismatches: [], checked: { billingDrafts: 1, invoices: 1, creditedInvoices: 1, projectPeriods: 1 } });
  });

  it('finds memos crediting less than the PSA shows credited, with every memo named', () => {
    const memos = [memo('cm_1', invoice, 1_000_000), memo('cm_2', invoice, 2_000_000)];
    expect(mismatchesOf([project([kept, credited], [both])], [invoice, ...memos])).toEqual([
      creditRule(3_000_000, 4_000_000, 'CM-cm_1, CM-cm_2', ofDraft),
      conservation('2026-01', 14_000_000, 15_000_000, { billed: 11_000_000, credited: 4_000_000 }),
    ]);
  });

  it('finds a memo that names no invoice, or one the ERP does not hold, and a memo on an invoice no draft claims', () => {
    const orphan = invoiceOf(draft('orphan', [fee('f', 5_000_000)]));
    const invoices = [
      orphan,
      memo('cm_1', null, 2_500_000),
      memo('cm_2', null, 700_000, { originalInvoiceId: 'inv_gone' }),
      memo('cm_3', orphan, 5_000_000),
    ];
    expect(mismatchesOf([project([], [])], invoices)).toEqual([
      expect.objectContaining({ rule: 'BILLING_CLAIM_VS_INVOICE', subjectId: 'inv_orphan', expectedE4: 0, actualE4: 5_000_000 }),
      expect.objectContaining({
        rule: 'CREDIT_MEMO_VS_SOURCES',
        subjectType: 'CreditMemo',
        subjectId: 'cm_1',
        expectedE4: 2_500_000,
        actualE4: 0,
        owner: 'ACCOUNTS_RECEIVABLE',
      }),
      expect.objectContaining({
        rule: 'CREDIT_MEMO_VS_SOURCES',
        subjectType: 'CreditMemo',
        subjectId: 'cm_2',
        expectedE4: 700_000,
        actualE4: 0,
        owner: 'ACCOUNTS_RECEIVABLE',
      }),
      {
        rule: 'CREDIT_MEMO_VS_SOURCES',
        subjectType: 'Invoice',
        subjectId: 'inv_orphan',
        legalEntityId: LE,
        currency: 'USD',
        expectedE4: 5_000_000,
        actualE4: 0,
        owner: 'BILLING_OPERATIONS',
        detail: 'Credit memos CM-cm_3 credit INV-orphan; the PSA shows no billing draft claiming it.',
      },
    ]);
  });
});

describe('CONSERVATION', () => {
  it('finds billed time the ERP never invoiced', () => {
    expect(mismatchesOf([project([billed, ready], [])], [])).toEqual([
      conservation('2026-01', 15_000_000, 5_000_000, { unbilled: 5_000_000, billed: 0 }),
    ]);
  });

  it('spreads an invoice over the months of its sources, rounding down, the last month taking the rest', () => {
    const jan = source('te_1', '2026-01-10', 1_000_000, 'BILLED');
    const feb = source('ms_2', '2026-02-03', 2_000_000, 'BILLED', 'MILESTONE');
    const twoMonths = draft('d1', [itemOf(jan), itemOf(feb)], { cutoffDate: '2026-02-28' });
    // 2,999,999 × 1/3 = 999,999.67: January gets 999,999 and February the remaining 2,000,000.
    const found = mismatchesOf([project([jan, feb], [twoMonths])], [invoiceOf(twoMonths, {}, [1_000_000, 1_999_999])]);
    expect(found.map((m) => [m.rule, m.subjectId, m.expectedE4, m.actualE4])).toEqual([
      ['BILLED_TIME_VS_INVOICE_LINES', 'd1', 3_000_000, 2_999_999],
      ['CONSERVATION', 'prj_1@2026-01', 1_000_000, 999_999],
    ]);
  });

  it('leaves fees and adjustments out: they bill no source', () => {
    const withFee = draft('d1', [
      itemOf(billed),
      fee('fee_1', 500_000),
      { sourceType: 'ADJUSTMENT', sourceId: 'adj_1', amountE4: -250_000 },
    ]);
    expect(mismatchesOf([project([billed], [withFee])], [invoiceOf(withFee)])).toEqual([]);
  });

  it('takes a credit off the months of the sources it credits, beside fees', () => {
    const jan = source('te_1', '2026-01-10', 10_000_000, 'BILLED');
    const febCredited = source('te_2', '2026-02-02', 4_000_000, 'CREDITED');
    const withFee = draft('d1', [itemOf(jan), itemOf(febCredited), fee('fee_1', 1_000_000)], { cutoffDate: '2026-02-28' });
    const invoice = invoiceOf(withFee);
    const result = findMismatches({
      projects: [project([jan, febCredited], [withFee])],
      invoices: [invoice, memo('cm_1', invoice, 4_000_000)],
    });
    expect(result).toEqual({ mismatches: [], checked: { billingDrafts: 1, invoices: 1, creditedInvoices: 1, projectPeriods: 2 } });
  });

  it('looks at one month with a period: its drafts, invoices, credits and conservation only', () => {
    const jan = source('te_1', '2026-01-10', 1_000_000, 'BILLED');
    const feb = source('te_2', '2026-02-10', 2_000_000, 'BILLED');
    const janDraft = draft('d1', [itemOf(jan)]);
    const febDraft = draft('d2', [itemOf(feb)], { cutoffDate: '2026-02-28' });
    const invoices = [invoiceOf(janDraft, {}, [900_000]), invoiceOf(febDraft, {}, [1_900_000])];
    const projects = [project([jan, feb], [janDraft, febDraft])];
    const february = findMismatches({ projects, invoices }, { period: '2026-02' });
    expect(february.checked).toEqual({ billingDrafts: 1, invoices: 1, creditedInvoices: 0, projectPeriods: 1 });
    expect(february.mismatches.map((m) => [m.rule, m.subjectId, m.expectedE4, m.actualE4])).toEqual([
      ['BILLED_TIME_VS_INVOICE_LINES', 'd2', 2_000_000, 1_900_000],
      ['CONSERVATION', 'prj_1@2026-02', 2_000_000, 1_900_000],
    ]);
    expect(mismatchesOf(projects, invoices).map((m) => m.subjectId)).toEqual(['d1', 'd2', 'prj_1@2026-01', 'prj_1@2026-02']);
  });
});
