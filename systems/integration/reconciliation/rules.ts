/**
 * The reconciliation rules (docs/reconciliation.md#rules): pure functions from what the PSA and the
 * ERP answered (snapshot.ts) to the mismatches between them. Four rules:
 *
 * - BILLED_TIME_VS_INVOICE_LINES: an INVOICED billing draft's items against its invoice's lines
 *   (line n posts item n), amount by amount.
 * - BILLING_CLAIM_VS_INVOICE: every INVOICED draft names an invoice the ERP holds for the same
 *   project, and every ERP invoice (not voided) is claimed by exactly one INVOICED draft.
 * - CREDIT_MEMO_VS_SOURCES: what credit memos credit on an invoice (net of tax) against the value of
 *   the invoice's sources the PSA shows CREDITED or WRITTEN_OFF, or reopened by a credit.
 * - CONSERVATION: per project and month of the source's date, approved billable value = unbilled +
 *   on draft + billed (as the ERP bills it: invoice lines less credits) + credited + written off + on
 *   hold (docs/invariants.md#inv-11: credited is its own term).
 */
import type { ErpInvoice, PsaBillingDraft, PsaProject, PsaSource, ReconciliationScope, ReconciliationSnapshot } from './snapshot.ts';

export const RECONCILIATION_RULES = [
  'BILLED_TIME_VS_INVOICE_LINES',
  'BILLING_CLAIM_VS_INVOICE',
  'CREDIT_MEMO_VS_SOURCES',
  'CONSERVATION',
] as const;
export type ReconciliationRule = (typeof RECONCILIATION_RULES)[number];

/** The team that fixes an exception (docs/reconciliation.md#owners). */
export type ExceptionOwner = 'BILLING_OPERATIONS' | 'ACCOUNTS_RECEIVABLE';

export interface Mismatch {
  readonly rule: ReconciliationRule;
  /** BillingDraft | Invoice | CreditMemo | ProjectPeriod */
  readonly subjectType: string;
  /** A record id; a ProjectPeriod is `<projectId>@<YYYY-MM>`. */
  readonly subjectId: string;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly expectedE4: number;
  readonly actualE4: number;
  readonly owner: ExceptionOwner;
  readonly detail: string;
}

/** How many subjects each rule looked at. */
export interface Checked {
  readonly billingDrafts: number;
  readonly invoices: number;
  readonly creditedInvoices: number;
  readonly projectPeriods: number;
}

const APPROVED_STATUSES: ReadonlySet<string> = new Set(['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'BILLED', 'CREDITED', 'WRITTEN_OFF']);
const CREDITED_STATUSES: ReadonlySet<string> = new Set(['CREDITED', 'WRITTEN_OFF']);

export function findMismatches(
  snapshot: ReconciliationSnapshot,
  scope: ReconciliationScope = {},
): { mismatches: Mismatch[]; checked: Checked } {
  const facts = factsOf(snapshot);
  const inPeriod = (date: string) => !scope.period || date.startsWith(`${scope.period}-`);
  const mismatches: Mismatch[] = [];
  let billingDrafts = 0;
  let invoices = 0;
  let creditedInvoices = 0;
  let projectPeriods = 0;

  for (const project of snapshot.projects) {
    for (const draft of project.drafts) {
      if (draft.status !== 'INVOICED' || !inPeriod(draft.cutoffDate)) continue;
      billingDrafts++;
      mismatches.push(...draftRules(project, draft, facts));
    }
  }
  for (const invoice of snapshot.invoices) {
    if (invoice.kind !== 'INVOICE' || invoice.status === 'VOIDED' || !inPeriod(invoice.invoiceDate)) continue;
    invoices++;
    const claims = facts.claimsOf.get(invoice.id) ?? [];
    if (claims.length === 0) {
      mismatches.push({
        ...subject('BILLING_CLAIM_VS_INVOICE', 'Invoice', invoice.id, invoice),
        expectedE4: 0,
        actualE4: invoice.subtotalE4,
        owner: 'BILLING_OPERATIONS',
        detail: `Invoice ${invoice.invoiceNumber} is claimed by no INVOICED billing draft of the PSA.`,
      });
    }
  }
  for (const memo of facts.unlinkedMemos) {
    if (!inPeriod(memo.invoiceDate)) continue;
    mismatches.push({
      ...subject('CREDIT_MEMO_VS_SOURCES', 'CreditMemo', memo.id, memo),
      expectedE4: -memo.subtotalE4,
      actualE4: 0,
      owner: 'ACCOUNTS_RECEIVABLE',
      detail: `Credit memo ${memo.invoiceNumber} names no invoice it credits, so no source is known to be credited.`,
    });
  }
  for (const [invoiceId, memos] of facts.memosOf) {
    if (!memos.some((memo) => inPeriod(memo.invoiceDate))) continue;
    const invoice = facts.invoices.get(invoiceId)!;
    const numbers = memos.map((memo) => memo.invoiceNumber).join(', ');
    creditedInvoices++;
    const creditedE4 = memos.reduce((sum, memo) => sum - memo.subtotalE4, 0);
    const draft = facts.claimsOf.get(invoice.id)?.[0];
    const project = draft ? facts.projectOfDraft.get(draft.id) : undefined;
    const sourceCreditE4 =
      draft && project
        ? draft.items.reduce((sum, item) => {
            const status = facts.sourceOf.get(sourceKey(project.id, item))?.billingStatus;
            return item.reopened || (status && CREDITED_STATUSES.has(status)) ? sum + item.amountE4 : sum;
          }, 0)
        : 0;
    if (sourceCreditE4 !== creditedE4) {
      mismatches.push({
        ...subject('CREDIT_MEMO_VS_SOURCES', 'Invoice', invoice.id, invoice),
        expectedE4: creditedE4,
        actualE4: sourceCreditE4,
        owner: 'BILLING_OPERATIONS',
        detail:
          `Credit memos ${numbers} credit ${invoice.invoiceNumber}; the PSA shows ` +
          (draft
            ? `the sources of billing draft ${draft.id} credited or written off for the actual amount.`
            : 'no billing draft claiming it.'),
      });
    }
  }
  for (const project of snapshot.projects) {
    for (const [month, balance] of conservation(project, facts)) {
      if (scope.period && month !== scope.period) continue;
      projectPeriods++;
      const actualE4 = balance.unbilled + balance.onDraft + balance.billed + balance.credited + balance.writtenOff + balance.onHold;
      if (actualE4 === balance.approved) continue;
      mismatches.push({
        rule: 'CONSERVATION',
        subjectType: 'ProjectPeriod',
        subjectId: `${project.id}@${month}`,
        legalEntityId: project.legalEntityId,
        currency: project.currency,
        expectedE4: balance.approved,
        actualE4,
        owner: 'BILLING_OPERATIONS',
        detail:
          `Approved billable value of ${project.id} in ${month} against unbilled ${balance.unbilled} + on draft ${balance.onDraft} + ` +
          `billed (ERP) ${balance.billed} + credited ${balance.credited} + written off ${balance.writtenOff} + on hold ${balance.onHold} (e4 ${project.currency}).`,
      });
    }
  }
  return { mismatches, checked: { billingDrafts, invoices, creditedInvoices, projectPeriods } };
}

interface Facts {
  readonly invoices: ReadonlyMap<string, ErpInvoice>;
  /** The INVOICED drafts naming each invoice. */
  readonly claimsOf: ReadonlyMap<string, PsaBillingDraft[]>;
  readonly projectOfDraft: ReadonlyMap<string, PsaProject>;
  /** Credit memos by the invoice they credit. */
  readonly memosOf: ReadonlyMap<string, ErpInvoice[]>;
  /** Credit memos that name no invoice the ERP holds. */
  readonly unlinkedMemos: readonly ErpInvoice[];
  /** `<projectId>|<sourceType>|<sourceId>` → source. */
  readonly sourceOf: ReadonlyMap<string, PsaSource>;
}

function factsOf(snapshot: ReconciliationSnapshot): Facts {
  const invoices = new Map(snapshot.invoices.map((invoice) => [invoice.id, invoice]));
  const claimsOf = new Map<string, PsaBillingDraft[]>();
  const projectOfDraft = new Map<string, PsaProject>();
  const sourceOf = new Map<string, PsaSource>();
  for (const project of snapshot.projects) {
    for (const source of project.sources) sourceOf.set(sourceKey(project.id, source), source);
    for (const draft of project.drafts) {
      projectOfDraft.set(draft.id, project);
      if (draft.status === 'INVOICED' && draft.invoiceId) claimsOf.set(draft.invoiceId, [...(claimsOf.get(draft.invoiceId) ?? []), draft]);
    }
  }
  const memosOf = new Map<string, ErpInvoice[]>();
  const unlinkedMemos: ErpInvoice[] = [];
  for (const memo of snapshot.invoices) {
    if (memo.kind !== 'CREDIT_MEMO' || memo.status === 'VOIDED') continue;
    const credited = memo.originalInvoiceId;
    if (credited && invoices.get(credited)?.kind === 'INVOICE') memosOf.set(credited, [...(memosOf.get(credited) ?? []), memo]);
    else unlinkedMemos.push(memo);
  }
  return { invoices, claimsOf, projectOfDraft, memosOf, unlinkedMemos, sourceOf };
}

function sourceKey(projectId: string, source: { sourceType: string; sourceId: string }): string {
  return `${projectId}|${source.sourceType}|${source.sourceId}`;
}

function subject(rule: ReconciliationRule, subjectType: string, subjectId: string, record: { legalEntityId: string; currency: string }) {
  return { rule, subjectType, subjectId, legalEntityId: record.legalEntityId, currency: record.currency };
}

/** The invoice that properly answers an INVOICED draft's claim, or why none does. */
function claimedInvoice(project: PsaProject, draft: PsaBillingDraft, facts: Facts): { invoice: ErpInvoice } | { problem: string } {
  const invoice = draft.invoiceId ? facts.invoices.get(draft.invoiceId) : undefined;
  if (!draft.invoiceId || !invoice) return { problem: `names invoice ${draft.invoiceId ?? '(none)'}, which the ERP does not hold` };
  if (invoice.kind !== 'INVOICE' || invoice.status === 'VOIDED')
    return { problem: `names ${invoice.invoiceNumber}, a ${invoice.status} ${invoice.kind} in the ERP` };
  if (invoice.projectId !== project.id)
    return { problem: `names ${invoice.invoiceNumber}, which the ERP books to ${invoice.projectId ?? 'no project'}` };
  if (invoice.currency !== project.currency)
    return { problem: `names ${invoice.invoiceNumber}, in ${invoice.currency} not ${project.currency}` };
  if ((facts.claimsOf.get(invoice.id) ?? [])[0]?.id !== draft.id)
    return { problem: `names ${invoice.invoiceNumber}, claimed by another draft first` };
  return { invoice };
}

function draftRules(project: PsaProject, draft: PsaBillingDraft, facts: Facts): Mismatch[] {
  const claimed = claimedInvoice(project, draft, facts);
  const base = { subjectType: 'BillingDraft', subjectId: draft.id, legalEntityId: project.legalEntityId, currency: project.currency };
  if ('problem' in claimed) {
    return [
      {
        ...base,
        rule: 'BILLING_CLAIM_VS_INVOICE',
        expectedE4: draft.summaryE4,
        actualE4: 0,
        owner: 'ACCOUNTS_RECEIVABLE',
        detail: `INVOICED billing draft ${draft.id} ${claimed.problem}.`,
      },
    ];
  }
  const { invoice } = claimed;
  const claimedE4 = draft.items.reduce((sum, item) => sum + item.amountE4, 0);
  const postedE4 = invoice.lines.reduce((sum, line) => sum + line.amountE4, 0);
  if (claimedE4 === postedE4 && draft.summaryE4 === claimedE4) return [];
  return [
    {
      ...base,
      rule: 'BILLED_TIME_VS_INVOICE_LINES',
      // The items against the lines; when those agree, the summary (the claim's total) against them.
      expectedE4: claimedE4 !== postedE4 ? claimedE4 : draft.summaryE4,
      actualE4: postedE4,
      owner: 'ACCOUNTS_RECEIVABLE',
      detail:
        `Billing draft ${draft.id} (summary ${draft.summaryE4}, items ${claimedE4}) against ${invoice.invoiceNumber} ` +
        `(${invoice.lines.length} lines ${postedE4}, e4 ${project.currency}).`,
    },
  ];
}

interface Balance {
  approved: number;
  unbilled: number;
  onDraft: number;
  billed: number;
  credited: number;
  writtenOff: number;
  onHold: number;
}

/** Per month of the sources' dates: the approved value in its PSA buckets, and what the ERP billed for it. */
function conservation(project: PsaProject, facts: Facts): Map<string, Balance> {
  const months = new Map<string, Balance>();
  const at = (date: string) => {
    const month = date.slice(0, 7);
    let balance = months.get(month);
    if (!balance) months.set(month, (balance = { approved: 0, unbilled: 0, onDraft: 0, billed: 0, credited: 0, writtenOff: 0, onHold: 0 }));
    return balance;
  };
  for (const source of project.sources) {
    if (!APPROVED_STATUSES.has(source.billingStatus)) continue;
    const balance = at(source.date);
    balance.approved += source.amountE4;
    if (source.billingStatus === 'READY_TO_BILL') balance.unbilled += source.amountE4;
    else if (source.billingStatus === 'ON_DRAFT') balance.onDraft += source.amountE4;
    else if (source.billingStatus === 'ON_HOLD') balance.onHold += source.amountE4;
    else if (source.billingStatus === 'CREDITED') balance.credited += source.amountE4;
    else if (source.billingStatus === 'WRITTEN_OFF') balance.writtenOff += source.amountE4;
  }
  for (const draft of project.drafts) {
    const claimed = draft.status === 'INVOICED' ? claimedInvoice(project, draft, facts) : null;
    if (!claimed || 'problem' in claimed) continue;
    for (const [month, billedE4] of billedByMonth(project, draft, claimed.invoice, facts)) at(`${month}-01`).billed += billedE4;
  }
  return months;
}

/** Item kinds that bill an approved billable source of the PSA (time, milestones, expenses; FEE and ADJUSTMENT items bill none). */
const SOURCE_ITEMS: ReadonlySet<string> = new Set(['TIME_SPLIT', 'MILESTONE', 'EXPENSE']);

/**
 * What the ERP bills for the draft's sources, per month of their dates: the invoice's lines in
 * proportion to the draft's items (an ERP may post one line per item or consolidate them), for the
 * items that bill a source (time, milestones), by month; less its credits, taken off the months of
 * the sources the PSA shows credited or written off (all the draft's sources when it shows none).
 * Shares are rounded down to the e4 unit and the last month takes what rounding left, so they add up exactly.
 */
function billedByMonth(project: PsaProject, draft: PsaBillingDraft, invoice: ErpInvoice, facts: Facts): Map<string, number> {
  const months = new Map<string, number>();
  const creditedMonths = new Map<string, number>();
  let allItemsE4 = 0;
  for (const item of draft.items) {
    allItemsE4 += item.amountE4;
    if (!SOURCE_ITEMS.has(item.sourceType)) continue;
    const source = facts.sourceOf.get(sourceKey(project.id, item));
    const month = (source?.date ?? draft.cutoffDate).slice(0, 7);
    months.set(month, (months.get(month) ?? 0) + item.amountE4);
    if (item.reopened || (source && CREDITED_STATUSES.has(source.billingStatus)))
      creditedMonths.set(month, (creditedMonths.get(month) ?? 0) + item.amountE4);
  }
  if (months.size === 0) return new Map();
  const sourceItemsE4 = [...months.values()].reduce((sum, value) => sum + value, 0);
  const creditE4 = (facts.memosOf.get(invoice.id) ?? []).reduce((sum, memo) => sum - memo.subtotalE4, 0);
  const linesE4 = invoice.lines.reduce((sum, line) => sum + line.amountE4, 0);
  const billed = spread(allItemsE4 === 0 ? linesE4 : proportion(linesE4, sourceItemsE4, allItemsE4), months);
  for (const [month, share] of spread(creditE4, creditedMonths.size > 0 ? creditedMonths : months)) {
    billed.set(month, (billed.get(month) ?? 0) - share);
  }
  return billed;
}

/** `value` over the months in proportion to their weights, rounded down, the last month taking the rest. */
function spread(value: number, weights: ReadonlyMap<string, number>): Map<string, number> {
  const whole = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  const sorted = [...weights.entries()].sort(([a], [b]) => a.localeCompare(b));
  const shares = new Map<string, number>();
  let left = value;
  sorted.forEach(([month, weight], index) => {
    const share = index === sorted.length - 1 ? left : proportion(value, weight, whole);
    left -= share;
    shares.set(month, share);
  });
  return shares;
}

/** value × part / whole, exactly when part = whole, else rounded toward zero. */
function proportion(value: number, part: number, whole: number): number {
  if (part === whole || whole === 0) return value;
  return Number((BigInt(value) * BigInt(part)) / BigInt(whole));
}
