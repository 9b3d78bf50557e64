/**
 * Step 9: billing. A billing run drafts, per project, every source that became billable before
 * the run: approved T&M time dated up to the cutoff (the day before the run), milestones approved
 * for billing, the retainer fee of the previous month, and approved billable expenses (an item each,
 * with its tax treatment: a disbursement's invoice line is untaxed, lineTax). Runs are on the 1st of every month;
 * some T&M contracts also bill on the 16th (semi-monthly) or every Monday (weekly). Each draft
 * item claims its source once (INV-2); the draft is released and posted as an ERP invoice in the
 * period of its invoice date, with tax from the customer's billing profile. A few drafts of the
 * latest runs are still in review. Afterwards a few invoices are credited in full (credit memos
 * carry negative amounts, status CREDITED, like the invoice they credit) and a few manual
 * invoices are voided.
 */
import { lineTax } from '../systems/erp/capabilities/lineTax.ts';
import { taxOn } from '../systems/kernel/decimal.ts';
import { expenseDescription } from '../systems/psa/capabilities/expenseItems.ts';
import type { ExpenseCategory, TaxTreatment } from '../systems/psa/ports/types.ts';
import type { BillingDraftSeedRow as BillingDraftRow, TimeEntrySeedRow as TimeEntryRow } from '../systems/psa/adapters/sql/tables.ts';
import type { InvoiceSeedRow as InvoiceRow } from '../systems/erp/adapters/sql/tables.ts';
import { addMonths, civil, mondayOf, monthStart, type Day } from './calendar.ts';
import type { Accounts } from './generateAccounts.ts';
import type { ExpenseResult } from './generateExpenses.ts';
import type { Finance, CustomerTerms } from './generateFinance.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import type { TimeResult } from './generateTime.ts';
import { must, type Dataset, type MilestonePlan, type ProjectPlan, type SeedContext } from './model.ts';

/** An invoice line as the seed writes it (the first migration's columns). */
type InvoiceLineRow = Dataset['erp']['invoice_lines'][number];
import type { Rng } from './random.ts';

/** An invoice under construction; ids and numbers are given once all invoices are known. */
export interface PendingInvoice {
  readonly row: InvoiceRow;
  readonly lines: InvoiceLineRow[];
  readonly day: Day;
  readonly dueDay: Day;
  readonly project: ProjectPlan;
  readonly terms: CustomerTerms;
  readonly draft: BillingDraftRow | null;
  /** Time entry row indices the invoice bills. */
  readonly entries: readonly number[];
  /** Expense row indices the invoice bills. */
  readonly expenses: readonly number[];
}

/** The billing result: every invoice, with the plans payments and revenue need. */
export interface Billing {
  /** Every invoice and credit memo, in invoice-date order, with ids assigned. */
  readonly invoices: readonly PendingInvoice[];
}

/** Share of the drafts since the last month-end run still in review on asOf. */
const IN_REVIEW_SHARE = 0.06;
const CREDIT_MEMO_SHARE = 0.03;
const VOID_SHARE = 0.01;

/** What a draft item bills: approved time, a milestone (a retainer's monthly fee is one too), or an approved expense. */
type Source =
  | { readonly kind: 'TIME'; readonly entry: number }
  | { readonly kind: 'MILESTONE'; readonly milestone: MilestonePlan }
  | { readonly kind: 'EXPENSE'; readonly expense: number };

/** A draft item before it has an id, with the invoice line it is summarized on. */
interface PlannedItem {
  readonly type: string;
  readonly sourceId: string;
  readonly description: string;
  readonly quantityE2: number;
  readonly unitE4: number;
  readonly amountE4: number;
  readonly lineKey: string;
  readonly line: string;
  /** An expense's tax treatment (time and milestones are STANDARD, the column's default). */
  readonly taxTreatment?: TaxTreatment;
}

interface DraftPlan {
  readonly project: ProjectPlan;
  readonly run: Day;
  readonly sources: Source[];
}

/** Runs the billing history: drafts, items, invoices, lines, milestone rows, credit memos, voids. */
export function generateBilling(
  ctx: SeedContext,
  ref: Reference,
  crm: Accounts,
  portfolio: Portfolio,
  finance: Finance,
  time: TimeResult,
  expenseResult: ExpenseResult,
): Billing {
  const rng = ctx.rng.fork('billing');
  const { asOf, asOfMonthStart } = ctx.cal;
  const entries = ctx.data.psa.time_entries;
  const expenses = ctx.data.psa.expenses;
  const drafts = new Map<string, DraftPlan>();
  const draftOf = (project: ProjectPlan, run: Day): DraftPlan => {
    const key = `${run}:${project.index}`;
    let draft = drafts.get(key);
    if (!draft) drafts.set(key, (draft = { project, run, sources: [] }));
    return draft;
  };
  /** Billing runs are blocked for a project on credit hold from its hold day on. */
  const blocked = (project: ProjectPlan, run: Day) => project.creditHold && project.holdDay !== null && run > project.holdDay;
  const milestoneStatus = new Map<MilestonePlan, string>();

  // Which run picks each source up: the first run after it became billable.
  const frequencies = ctx.rng.fork('billing-frequency');
  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER' || project.status === 'CANCELLED') continue;
    const frequency = project.billingMethod === 'TIME_AND_MATERIALS' ? billingFrequency(frequencies, project) : 'MONTHLY';
    for (const entry of time.billableByProject.get(project.index) ?? []) {
      const ready = Math.max(
        must(time.entryDay[entry], 'entry day'),
        must(time.timecardApprovedDay[must(time.entryTimecard[entry], 'tc')], 'approval'),
      );
      const run = nextRun(frequency, ready);
      if (run > asOf) continue;
      if (blocked(project, run)) must(entries[entry], 'entry').billing_status = 'ON_HOLD';
      else draftOf(project, run).sources.push({ kind: 'TIME', entry });
    }
    for (const milestone of project.milestones) {
      if (milestone.approvedOn === null) {
        milestoneStatus.set(milestone, 'UNAPPROVED');
        continue;
      }
      const run = addMonths(milestone.approvedOn, 1);
      milestoneStatus.set(milestone, 'READY_TO_BILL');
      if (run <= asOf && !blocked(project, run)) draftOf(project, run).sources.push({ kind: 'MILESTONE', milestone });
    }
    // Approved billable expenses, in date order, on the project's runs like its time.
    for (const { row, ready } of expenseResult.billableByProject.get(project.index) ?? []) {
      const run = nextRun(frequency, ready);
      if (run > asOf) continue;
      if (blocked(project, run)) must(expenses[row], 'expense').billing_status = 'ON_HOLD';
      else draftOf(project, run).sources.push({ kind: 'EXPENSE', expense: row });
    }
  }

  const roleName = new Map(ref.roles.map((role) => [role.id, role.spec.name]));
  const pending: PendingInvoice[] = [];
  const ordered = [...drafts.values()].sort((a, b) => a.run - b.run || a.project.index - b.project.index);
  // Drafts of the runs since the last month-end run may still be in review (at least one is).
  const recent = ordered.filter((plan) => plan.run >= asOfMonthStart && plan.sources.some((source) => source.kind === 'TIME'));
  const inReviewDrafts = new Set(rng.shuffle([...recent]).slice(0, Math.max(1, Math.round(recent.length * IN_REVIEW_SHARE))));
  for (const plan of ordered) {
    const { project, run } = plan;
    const le = must(ref.les[project.le], 'le');
    const currency = le.currency;
    const account = must(crm.accounts[project.account], 'account');
    const terms = must(finance.terms.get(`${account.id}|${le.id}`), 'billing profile');
    const inReview = inReviewDrafts.has(plan);
    const draftId = ctx.nextId('bd');
    const draft: BillingDraftRow = {
      id: draftId,
      project_id: project.id,
      contract_id: project.contractId,
      legal_entity_id: le.id,
      account_id: account.id,
      cutoff_date: ctx.iso(run - 1),
      status: inReview ? 'IN_REVIEW' : 'INVOICED',
      summary_e4: 0,
      currency,
      invoice_id: null,
    };
    ctx.data.psa.billing_drafts.push(draft);
    const lines = new Map<
      string,
      {
        description: string;
        quantityE2: number;
        unitE4: number;
        amountE4: number;
        taxTreatment: TaxTreatment | undefined;
        items: PlannedItem[];
      }
    >();
    const billedEntries: number[] = [];
    const billedExpenses: number[] = [];
    for (const source of plan.sources) {
      let item: PlannedItem;
      if (source.kind === 'TIME') {
        const entry: TimeEntryRow = must(entries[source.entry], 'entry');
        const role = roleName.get(entry.role_id) ?? entry.role_id;
        const rate = must(entry.bill_rate_e4, 'bill rate');
        entry.billing_status = inReview ? 'ON_DRAFT' : 'BILLED';
        billedEntries.push(source.entry);
        const month = entry.entry_date.slice(0, 7);
        item = {
          type: 'TIME_SPLIT',
          sourceId: entry.id,
          description: `${entry.entry_date} ${role}`,
          quantityE2: entry.hours_e2,
          unitE4: rate,
          amountE4: entry.billable_e4,
          lineKey: `${entry.role_id}|${rate}|${month}`,
          line: `${role} time, ${month}`,
        };
      } else if (source.kind === 'EXPENSE') {
        const expense = must(expenses[source.expense], 'expense');
        expense.billing_status = inReview ? 'ON_DRAFT' : 'BILLED';
        billedExpenses.push(source.expense);
        const taxTreatment = expense.tax_treatment as TaxTreatment;
        // Described and taxed as generateBillingDraft and releaseInvoice do: one item and one line each.
        const description = expenseDescription({
          date: expense.expense_date,
          category: expense.category as ExpenseCategory,
          description: expense.description,
          markupPercentE4: expense.markup_percent_e4,
          taxTreatment,
        });
        item = {
          type: 'EXPENSE',
          sourceId: expense.id,
          description,
          quantityE2: 100,
          unitE4: expense.billable_e4,
          amountE4: expense.billable_e4,
          lineKey: expense.id,
          line: description,
          taxTreatment,
        };
      } else {
        const m = source.milestone;
        milestoneStatus.set(m, inReview ? 'ON_DRAFT' : 'BILLED');
        item = {
          type: 'MILESTONE',
          sourceId: m.id,
          description: m.name,
          quantityE2: 100,
          unitE4: m.amountE4,
          amountE4: m.amountE4,
          lineKey: m.id,
          line: m.name,
        };
      }
      draft.summary_e4 += item.amountE4;
      const line = lines.get(item.lineKey);
      if (line) {
        line.quantityE2 += item.quantityE2;
        line.amountE4 += item.amountE4;
        line.items.push(item);
      } else {
        lines.set(item.lineKey, {
          description: item.line,
          quantityE2: item.quantityE2,
          unitE4: item.unitE4,
          amountE4: item.amountE4,
          taxTreatment: item.taxTreatment,
          items: [item],
        });
      }
    }
    // Items in line order, each line's items consecutive: line n bills the n-th run of items, which
    // is how creditInvoiceLines finds the sources a consolidated line billed.
    for (const line of lines.values()) {
      for (const item of line.items) {
        ctx.data.psa.billing_draft_items.push({
          id: ctx.nextId('bdi'),
          draft_id: draftId,
          source_type: item.type,
          source_id: item.sourceId,
          description: item.description,
          quantity_e2: item.quantityE2,
          unit_price_e4: item.unitE4,
          amount_e4: item.amountE4,
          // Only expense items carry the column (migration 4's), so a data set without them fits an older store.
          ...(item.taxTreatment ? { tax_treatment: item.taxTreatment } : {}),
        });
      }
    }
    if (inReview) continue;
    const day = Math.min(asOf, run + rng.int(0, 3));
    pending.push(
      newInvoice(ctx, ref, {
        kind: 'INVOICE',
        status: 'POSTED',
        project,
        account: account.id,
        terms,
        day,
        draft,
        entries: billedEntries,
        expenses: billedExpenses,
        lines: [...lines.values()].map(({ items: _items, taxTreatment, ...l }) => ({
          ...l,
          ...lineTax({ amountE4: l.amountE4, taxTreatment }, { defaultTaxCode: terms.taxCode, ratePercentE4: terms.taxRateE4 }, currency),
        })),
      }),
    );
  }

  for (const project of portfolio.projects) {
    for (const m of project.milestones) {
      const status = milestoneStatus.get(m) ?? 'UNAPPROVED';
      const accepted = m.requiresSignOff && m.approvedOn !== null;
      ctx.data.psa.milestones.push({
        id: m.id,
        project_id: project.id,
        name: m.name,
        target_date: ctx.iso(m.target),
        actual_date: m.actual === null ? null : ctx.iso(m.actual),
        amount_e4: m.amountE4,
        currency: must(ref.les[project.le], 'le').currency,
        status:
          m.actual === null ? (m.target - 30 <= asOf && started(project) ? 'IN_PROGRESS' : 'PLANNED') : accepted ? 'ACCEPTED' : 'COMPLETE',
        requires_sign_off: m.requiresSignOff ? 1 : 0,
        approved_for_billing: m.approvedOn === null ? 0 : 1,
        billing_status: status,
      });
    }
  }

  // Disputed T&M invoices credited in full (the credited time is not re-billed), before any payment.
  const creditable = pending.filter((inv) => inv.entries.length > 0 && inv.day <= asOf - 35 && !inv.project.creditHold);
  const creditCount = Math.min(creditable.length, Math.max(1, Math.round(pending.length * CREDIT_MEMO_SHARE)));
  const credits: { readonly memo: PendingInvoice; readonly original: PendingInvoice }[] = [];
  for (const original of rng.shuffle([...creditable]).slice(0, creditCount)) {
    original.row.status = 'CREDITED';
    for (const entry of original.entries) must(entries[entry], 'entry').billing_status = 'CREDITED';
    for (const expense of original.expenses) must(expenses[expense], 'expense').billing_status = 'CREDITED';
    const memo = newInvoice(ctx, ref, {
      kind: 'CREDIT_MEMO',
      status: 'CREDITED',
      project: original.project,
      account: original.row.account_id,
      terms: original.terms,
      day: Math.min(asOf - 1, original.day + rng.int(7, 28)),
      draft: null,
      entries: [],
      expenses: [],
      lines: original.lines.map((l) => ({
        description: `Credit: ${l.description}`,
        quantityE2: negate(l.quantity_e2),
        unitE4: l.unit_price_e4,
        amountE4: negate(l.amount_e4),
        taxCode: l.tax_code,
        taxE4: negate(l.tax_e4),
      })),
    });
    credits.push({ memo, original });
    pending.push(memo);
  }

  // Manual invoices keyed twice and voided in their (then open) period.
  const billed = pending.filter((inv) => inv.row.kind === 'INVOICE');
  const voidCount = Math.max(1, Math.round(billed.length * VOID_SHARE));
  for (let n = 0; n < voidCount && billed.length > 0; n++) {
    const like = must(billed[rng.int(0, billed.length - 1)], 'invoice');
    const currency = like.row.currency;
    const amountE4 = Math.max(1_000_000, Math.round((like.row.subtotal_e4 * rng.float(0.1, 0.5)) / 1_000_000) * 1_000_000);
    pending.push(
      newInvoice(ctx, ref, {
        kind: 'INVOICE',
        status: 'VOIDED',
        project: like.project,
        account: like.row.account_id,
        terms: like.terms,
        day: Math.min(asOf, like.day + rng.int(1, 5)),
        draft: null,
        entries: [],
        expenses: [],
        lines: [
          {
            description: 'Professional services (duplicate entry, voided)',
            quantityE2: 100,
            unitE4: amountE4,
            amountE4,
            taxCode: like.terms.taxCode,
            taxE4: taxOn(amountE4, like.terms.taxRateE4, currency),
          },
        ],
      }),
    );
  }

  // Numbers and ids follow invoice dates (gapless per legal entity and document type).
  pending.sort((a, b) => a.day - b.day);
  const counters = new Map<string, number>();
  for (const invoice of pending) {
    const id = ctx.nextId('inv');
    const le = must(ref.les[invoice.project.le], 'le');
    const type = invoice.row.kind === 'CREDIT_MEMO' ? 'CM' : 'INV';
    const key = `${le.spec.code}-${type}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    invoice.row.id = id;
    invoice.row.invoice_number = `${key}-${String(n).padStart(6, '0')}`;
    if (invoice.draft) {
      invoice.draft.invoice_id = id;
      invoice.draft.invoice_number = invoice.row.invoice_number;
    }
    ctx.data.erp.invoices.push(invoice.row);
    invoice.lines.forEach((line, i) => {
      line.id = ctx.nextId('invl');
      line.invoice_id = id;
      line.line_number = i + 1;
      ctx.data.erp.invoice_lines.push(line);
    });
  }
  // Each credit memo names the invoice it credits, which keeps the total credited against it (as creditInvoice does).
  for (const { memo, original } of credits) {
    memo.row.original_invoice_id = original.row.id;
    memo.row.amount_credited_e4 = 0;
    original.row.amount_credited_e4 = negate(memo.row.total_e4);
  }
  return { invoices: pending };
}

/** Work has begun (projects planned, in draft or cancelled deliver nothing). */
function started(project: ProjectPlan): boolean {
  return project.status !== 'PLANNED' && project.status !== 'DRAFT' && project.status !== 'CANCELLED';
}

/** Negation without -0, which would not survive a round trip through SQL (or toEqual). */
function negate(value: number): number {
  return value === 0 ? 0 : -value;
}

/**
 * How often a T&M contract bills (docs/model.md#contractline (ContractLine.billingFrequency)): mostly monthly,
 * many semi-monthly (cutoffs on the 15th and month end), a few large staff-augmentation
 * contracts weekly. Only running projects bill weekly, so a closed project's last run is never
 * later than the month-end run of asOf's month.
 */
type Frequency = 'MONTHLY' | 'SEMI_MONTHLY' | 'WEEKLY';

function billingFrequency(rng: Rng, project: ProjectPlan): Frequency {
  const frequency = rng.weighted([
    ['MONTHLY', 55],
    ['SEMI_MONTHLY', 40],
    ['WEEKLY', 5],
  ] as const);
  return frequency === 'WEEKLY' && project.status !== 'ACTIVE' ? 'SEMI_MONTHLY' : frequency;
}

/** The first billing run strictly after `day`; its cutoff is the day before the run. */
function nextRun(frequency: Frequency, day: Day): Day {
  if (frequency === 'WEEKLY') return mondayOf(day) + 7;
  if (frequency === 'SEMI_MONTHLY' && civil(day).day < 16) return monthStart(day) + 15;
  return addMonths(day, 1);
}

function newInvoice(
  ctx: SeedContext,
  ref: Reference,
  spec: {
    kind: string;
    status: string;
    project: ProjectPlan;
    account: string;
    terms: CustomerTerms;
    day: Day;
    draft: BillingDraftRow | null;
    entries: number[];
    expenses: number[];
    lines: readonly { description: string; quantityE2: number; unitE4: number; amountE4: number; taxCode: string; taxE4: number }[];
  },
): PendingInvoice {
  const le = must(ref.les[spec.project.le], 'le');
  const dueDay = spec.kind === 'CREDIT_MEMO' ? spec.day : spec.day + spec.terms.termsDays;
  const lines: InvoiceLineRow[] = spec.lines.map((l) => ({
    id: '',
    invoice_id: '',
    line_number: 0,
    description: l.description,
    quantity_e2: l.quantityE2,
    unit_price_e4: l.unitE4,
    amount_e4: l.amountE4,
    tax_code: l.taxCode,
    tax_e4: l.taxE4,
  }));
  const subtotal = lines.reduce((sum, l) => sum + l.amount_e4, 0);
  const tax = lines.reduce((sum, l) => sum + l.tax_e4, 0);
  const row: InvoiceRow = {
    id: '',
    invoice_number: '',
    kind: spec.kind,
    status: spec.status,
    legal_entity_id: le.id,
    account_id: spec.account,
    contract_id: spec.project.contractId,
    project_id: spec.project.id,
    invoice_date: ctx.iso(spec.day),
    due_date: ctx.iso(dueDay),
    posting_period_id: ref.periodId(le.index, spec.day),
    currency: le.currency,
    subtotal_e4: subtotal,
    tax_e4: tax,
    total_e4: subtotal + tax,
    amount_paid_e4: 0,
    source_billing_draft_id: spec.draft?.id ?? null,
  };
  return {
    row,
    lines,
    day: spec.day,
    dueDay,
    project: spec.project,
    terms: spec.terms,
    draft: spec.draft,
    entries: spec.entries,
    expenses: spec.expenses,
  };
}
