/**
 * The seeded data a finance team relies on (docs/demo-data.md#what-holds-in-every-tier): tiers `s`
 * and `m` are seeded once each into a temporary SQLite store and read back from there, so the
 * checks see what the systems serve (later columns, defaults and all). Every expectation is
 * recomputed from the stored rows:
 * - conservation per project (docs/invariants.md#inv-11): approved billable value (time, milestones,
 *   expenses) = ready + on hold + on draft + billed + credited + written off, and nothing
 *   unapproved carries value;
 * - links both ways: invoice ↔ credit memo, billing draft ↔ invoice, draft item ↔ source;
 * - expenses decided by someone other than their spender and submitter (docs/invariants.md#inv-8),
 *   each invoiced one claimed once and billed on its own invoice line at amount × (1 + markup) with
 *   its tax treatment (a disbursement untaxed, never marked up);
 * - PSA billed to date = ERP invoiced net of credit memos, per project;
 * - revenue (docs/invariants.md#inv-12): Σ allocated = contract value, the method activation
 *   gives, recognized = the posted lines, invoice-measured schedules at the net invoiced;
 * - a frozen cost rate on every approved entry, and none on time not approved;
 * - contract values derived from the planned effort at the card's rates, in their currency;
 * - hours a person can work: at most MAX_DAY_HOURS a day across projects, practice utilization
 *   at most 100 % in every month.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, isoDate, isWeekday, monthStart, parseDay } from '../../seed/calendar.ts';
import { DEFAULT_AS_OF } from '../../seed/generate.ts';
import type { SeedScale } from '../../seed/scales.ts';
import { seedSystems } from '../../seed/seedSystems.ts';
import type { CrmTables } from '../../systems/crm/adapters/sql/tables.ts';
import type { ErpTables } from '../../systems/erp/adapters/sql/tables.ts';
import { BILLED_INVOICE_STATUSES } from '../../systems/erp/invoiceStatuses.ts';
import { taxOn, withMarkup } from '../../systems/kernel/decimal.ts';
import { REVENUE_METHOD_OF } from '../../systems/erp/machines.ts';
import { openAllSystems, type AllSystems } from '../../systems/openAllSystems.ts';
import type { PsaTables } from '../../systems/psa/adapters/sql/tables.ts';
import { APPROVED_VALUE_STATES } from '../../systems/psa/machines.ts';

/** The most hours one person logs on one day in the demo data, across projects (a day has 24). */
const MAX_DAY_HOURS = 10;
/** Approved value sits in these states; credited sources keep the value they were billed at. */
const VALUE_STATES = new Set<string>([...APPROVED_VALUE_STATES, 'CREDITED']);

/** Collects the first violations of an invariant instead of asserting row by row. */
function violations(): { check: (ok: boolean, what: string) => void; readonly found: string[] } {
  const found: string[] = [];
  return {
    found,
    check(ok, what) {
      if (!ok && found.length < 10) found.push(what);
    },
  };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Every row of every table the checks read, as stored. */
async function readStore(systems: AllSystems) {
  const psa = systems.psa.db as Kysely<PsaTables>;
  const erp = systems.erp.db as Kysely<ErpTables>;
  const crm = systems.crm.db as Kysely<CrmTables>;
  const [projects, timecards, entries, milestones, drafts, items, resources, roles, lines, assignments, expenses] = await Promise.all([
    psa.selectFrom('projects').selectAll().execute(),
    psa.selectFrom('timecards').selectAll().execute(),
    psa.selectFrom('time_entries').selectAll().execute(),
    psa.selectFrom('milestones').selectAll().execute(),
    psa.selectFrom('billing_drafts').selectAll().execute(),
    psa.selectFrom('billing_draft_items').selectAll().execute(),
    psa.selectFrom('resources').selectAll().execute(),
    psa.selectFrom('roles').selectAll().execute(),
    psa.selectFrom('contract_lines').selectAll().execute(),
    psa.selectFrom('assignments').selectAll().execute(),
    psa.selectFrom('expenses').selectAll().execute(),
  ]);
  const [invoices, schedules, scheduleLines, periods, erpProjects, rateCardLines, invoiceLines, billingProfiles, taxProfiles] =
    await Promise.all([
      erp.selectFrom('invoices').selectAll().execute(),
      erp.selectFrom('revenue_schedules').selectAll().execute(),
      erp.selectFrom('revenue_schedule_lines').selectAll().execute(),
      erp.selectFrom('accounting_periods').selectAll().execute(),
      erp.selectFrom('erp_projects').selectAll().execute(),
      erp.selectFrom('rate_card_lines').selectAll().execute(),
      erp.selectFrom('invoice_lines').selectAll().execute(),
      erp.selectFrom('billing_profiles').selectAll().execute(),
      erp.selectFrom('tax_profiles').selectAll().execute(),
    ]);
  const contracts = await crm.selectFrom('contracts').selectAll().execute();
  return {
    projects,
    timecards,
    entries,
    milestones,
    drafts,
    items,
    resources,
    roles,
    lines,
    assignments,
    expenses,
    invoices,
    schedules,
    scheduleLines,
    periods,
    erpProjects,
    rateCardLines,
    invoiceLines,
    billingProfiles,
    taxProfiles,
    contracts,
  };
}

/** The line that bills each contract's method (its EXPENSES line, when it has one, bills only expenses). */
function primaryLines<L extends { readonly contract_id: string; readonly billing_method: string }>(lines: readonly L[]): Map<string, L> {
  return new Map(lines.filter((l) => l.billing_method !== 'EXPENSES').map((l) => [l.contract_id, l]));
}

type Store = Awaited<ReturnType<typeof readStore>>;

describe.each(['s', 'm'] as const)('the seeded tier %s', (scale: SeedScale) => {
  let dataDir: string;
  let systems: AllSystems;
  let store: Store;
  const asOf = DEFAULT_AS_OF;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-seed-invariants-'));
    systems = await openAllSystems({ kind: 'sqlite', dataDir });
    await seedSystems({ crm: systems.crm.db, psa: systems.psa.db, erp: systems.erp.db }, { scale });
    store = await readStore(systems);
  }, 180_000);

  afterAll(async () => {
    await systems?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('conserves approved billable value on every project (INV-11)', () => {
    const projects = new Map(store.projects.map((p) => [p.id, p]));
    const timecards = new Map(store.timecards.map((t) => [t.id, t]));
    const approvedValue = new Map<string, number>();
    const inStates = new Map<string, number>();
    const { check, found } = violations();
    for (const entry of store.entries) {
      const approved = timecards.get(entry.timecard_id)?.status === 'APPROVED';
      const billsTime = projects.get(entry.project_id)?.billing_method === 'TIME_AND_MATERIALS';
      if (approved && billsTime && entry.hour_class === 'BILLABLE') add(approvedValue, entry.project_id, entry.billable_e4);
      if (VALUE_STATES.has(entry.billing_status)) add(inStates, entry.project_id, entry.billable_e4);
      else check(entry.billable_e4 === 0, `${entry.id} is ${entry.billing_status} with a value`);
      check(approved || entry.billing_status === 'UNAPPROVED' || entry.hour_class !== 'BILLABLE', `${entry.id} not approved`);
    }
    for (const milestone of store.milestones) {
      if (milestone.approved_for_billing === 1) add(approvedValue, milestone.project_id, milestone.amount_e4);
      check(
        (milestone.approved_for_billing === 1) === VALUE_STATES.has(milestone.billing_status),
        `${milestone.id} approved ${milestone.approved_for_billing} but ${milestone.billing_status}`,
      );
      if (VALUE_STATES.has(milestone.billing_status)) add(inStates, milestone.project_id, milestone.amount_e4);
    }
    for (const expense of store.expenses) {
      const bills = expense.status === 'APPROVED' && expense.billing_status !== 'NOT_BILLABLE';
      if (bills) add(approvedValue, expense.project_id, expense.billable_e4);
      check(bills === VALUE_STATES.has(expense.billing_status), `${expense.id} ${expense.status} but ${expense.billing_status}`);
      if (VALUE_STATES.has(expense.billing_status)) add(inStates, expense.project_id, expense.billable_e4);
      else check(expense.billable_e4 === 0 && expense.markup_percent_e4 === 0, `${expense.id} is ${expense.billing_status} with a value`);
      if (expense.status === 'SUBMITTED')
        check(expense.billing_status === 'UNAPPROVED', `${expense.id} submitted, ${expense.billing_status}`);
    }
    for (const project of store.projects) {
      check((approvedValue.get(project.id) ?? 0) === (inStates.get(project.id) ?? 0), `${project.id} conservation`);
    }
    expect(found).toEqual([]);
    expect([...approvedValue.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('totals every timecard from its entries: no billable total where nothing bills', () => {
    const projects = new Map(store.projects.map((p) => [p.id, p]));
    const entriesOf = groupBy(store.entries, (e) => e.timecard_id);
    const { check, found } = violations();
    for (const timecard of store.timecards) {
      const own = entriesOf.get(timecard.id) ?? [];
      check(timecard.total_hours_e2 === own.reduce((sum, e) => sum + e.hours_e2, 0), `${timecard.id} hours`);
      check(timecard.total_billable_e4 === own.reduce((sum, e) => sum + e.billable_e4, 0), `${timecard.id} billable`);
      if (projects.get(timecard.project_id)?.billing_method !== 'TIME_AND_MATERIALS' || timecard.status !== 'APPROVED') {
        check(timecard.total_billable_e4 === 0, `${timecard.id} (${timecard.status}) shows a billable total that does not bill`);
      }
    }
    expect(found).toEqual([]);
  });

  it('links every credit memo and the invoice it credits, both ways', () => {
    const invoices = new Map(store.invoices.map((i) => [i.id, i]));
    const memos = store.invoices.filter((i) => i.kind === 'CREDIT_MEMO');
    const memosOf = groupBy(memos, (m) => m.original_invoice_id ?? '');
    const { check, found } = violations();
    for (const memo of memos) {
      const original = invoices.get(memo.original_invoice_id ?? '');
      check(original?.kind === 'INVOICE' && original.status === 'CREDITED', `${memo.id} names ${memo.original_invoice_id}`);
      check(original?.project_id === memo.project_id && original.currency === memo.currency, `${memo.id} project and currency`);
      check(memo.amount_credited_e4 === 0 && memo.invoice_date >= (original?.invoice_date ?? ''), `${memo.id} credited, dated`);
    }
    for (const invoice of store.invoices.filter((i) => i.kind === 'INVOICE')) {
      const own = memosOf.get(invoice.id) ?? [];
      const credited = -own.reduce((sum, m) => sum + m.total_e4, 0);
      check(invoice.amount_credited_e4 === credited, `${invoice.id} amountCredited ${invoice.amount_credited_e4} vs ${credited}`);
      check((invoice.status === 'CREDITED') === own.length > 0, `${invoice.id} ${invoice.status} with ${own.length} memos`);
      if (invoice.status === 'CREDITED') check(invoice.total_e4 === invoice.amount_paid_e4 + credited, `${invoice.id} settled`);
    }
    expect(found).toEqual([]);
    expect(memos.length).toBeGreaterThan(0);
  });

  it('links every billing draft and its invoice, both ways', () => {
    const invoices = new Map(store.invoices.map((i) => [i.id, i]));
    const drafts = new Map(store.drafts.map((d) => [d.id, d]));
    const { check, found } = violations();
    for (const draft of store.drafts) {
      const invoice = invoices.get(draft.invoice_id ?? '');
      if (draft.status === 'INVOICED') {
        check(invoice?.source_billing_draft_id === draft.id, `${draft.id} → ${draft.invoice_id}`);
        check(invoice?.invoice_number === draft.invoice_number, `${draft.id} invoice number`);
        check(invoice?.subtotal_e4 === draft.summary_e4 && invoice.project_id === draft.project_id, `${draft.id} amount, project`);
      } else {
        check(draft.status === 'IN_REVIEW' && draft.invoice_id === null && draft.invoice_number === null, `${draft.id} ${draft.status}`);
      }
    }
    for (const invoice of store.invoices) {
      if (invoice.source_billing_draft_id === null) {
        // Only credit memos and manual invoices (the voided duplicates) come without a draft.
        check(invoice.kind === 'CREDIT_MEMO' || invoice.status === 'VOIDED', `${invoice.id} without a draft`);
        continue;
      }
      check(drafts.get(invoice.source_billing_draft_id)?.invoice_id === invoice.id, `${invoice.id} ← its draft`);
    }
    expect(found).toEqual([]);
  });

  it('links every draft item and the source it bills, both ways, at the source value', () => {
    const drafts = new Map(store.drafts.map((d) => [d.id, d]));
    const entries = new Map(store.entries.map((e) => [e.id, e]));
    const milestones = new Map(store.milestones.map((m) => [m.id, m]));
    const expenses = new Map(store.expenses.map((e) => [e.id, e]));
    const itemOf = new Map(store.items.map((i) => [`${i.source_type}|${i.source_id}`, i]));
    const { check, found } = violations();
    for (const item of store.items) {
      const draft = drafts.get(item.draft_id);
      const source =
        item.source_type === 'TIME_SPLIT'
          ? entries.get(item.source_id)
          : item.source_type === 'MILESTONE'
            ? milestones.get(item.source_id)
            : item.source_type === 'EXPENSE'
              ? expenses.get(item.source_id)
              : undefined;
      check(source !== undefined, `${item.id} (${item.source_type} ${item.source_id}) points at no source`);
      if (!source || !draft) continue;
      const value = 'billable_e4' in source ? source.billable_e4 : source.amount_e4;
      check(item.amount_e4 === value && source.project_id === draft.project_id, `${item.id} value or project`);
      const expected = draft.status === 'IN_REVIEW' ? ['ON_DRAFT'] : ['BILLED', 'CREDITED'];
      check(expected.includes(source.billing_status), `${item.id}: its source is ${source.billing_status}, its draft ${draft.status}`);
    }
    const claimed = ['ON_DRAFT', 'BILLED', 'CREDITED'];
    for (const entry of store.entries) {
      if (claimed.includes(entry.billing_status)) check(itemOf.has(`TIME_SPLIT|${entry.id}`), `${entry.id} claimed by no item`);
    }
    for (const milestone of store.milestones) {
      if (claimed.includes(milestone.billing_status)) check(itemOf.has(`MILESTONE|${milestone.id}`), `${milestone.id} claimed by no item`);
    }
    for (const expense of store.expenses) {
      check(
        claimed.includes(expense.billing_status) === itemOf.has(`EXPENSE|${expense.id}`),
        `${expense.id} ${expense.billing_status}: its item`,
      );
    }
    expect(found).toEqual([]);
  });

  it("agrees on billed to date per project: the PSA's billed sources = the ERP's invoiced net of credit memos", () => {
    const psaBilled = new Map<string, number>();
    for (const entry of store.entries) if (entry.billing_status === 'BILLED') add(psaBilled, entry.project_id, entry.billable_e4);
    for (const milestone of store.milestones) {
      if (milestone.billing_status === 'BILLED') add(psaBilled, milestone.project_id, milestone.amount_e4);
    }
    for (const expense of store.expenses) if (expense.billing_status === 'BILLED') add(psaBilled, expense.project_id, expense.billable_e4);
    const erpBilled = new Map<string, number>();
    for (const invoice of store.invoices) {
      if (BILLED_INVOICE_STATUSES.includes(invoice.status)) add(erpBilled, invoice.project_id ?? '', invoice.subtotal_e4);
    }
    const { check, found } = violations();
    for (const project of store.projects) {
      check(
        (psaBilled.get(project.id) ?? 0) === (erpBilled.get(project.id) ?? 0),
        `${project.id} PSA ${psaBilled.get(project.id)} ERP ${erpBilled.get(project.id)}`,
      );
    }
    expect(found).toEqual([]);
  });

  it('allocates each contract value exactly, with the method activation gives, and recognizes what the lines posted', () => {
    const contracts = new Map(store.contracts.map((c) => [c.id, c]));
    const projects = new Map(store.projects.map((p) => [p.id, p]));
    const periods = new Map(store.periods.map((p) => [p.id, p]));
    const linesOf = groupBy(store.scheduleLines, (l) => l.schedule_id);
    const erpProjects = new Map(store.erpProjects.map((p) => [p.project_id, p]));
    const allocated = new Map<string, number>();
    // Recognition ran for every period that ended before asOf's month.
    const lastRun = isoDate(monthStart(parseDay(asOf)) - 1);
    const { check, found } = violations();
    for (const schedule of store.schedules) {
      const project = projects.get(schedule.project_id);
      const method = REVENUE_METHOD_OF[project?.billing_method ?? ''];
      check(schedule.method === method && erpProjects.get(schedule.project_id)?.revenue_method === method, `${schedule.id} method`);
      add(allocated, project?.contract_id ?? '', schedule.allocated_e4);
      check(schedule.recognized_e4 >= 0 && schedule.recognized_e4 <= schedule.allocated_e4, `${schedule.id} recognized within allocation`);
      const own = (linesOf.get(schedule.id) ?? []).sort((a, b) =>
        (periods.get(a.period_id)?.start_date ?? '') < (periods.get(b.period_id)?.start_date ?? '') ? -1 : 1,
      );
      check(schedule.recognized_e4 === own.reduce((sum, l) => sum + l.amount_e4, 0), `${schedule.id} recognized = Σ lines`);
      let cumulative = 0;
      for (const line of own) {
        cumulative += line.amount_e4;
        const period = periods.get(line.period_id);
        check(line.recognized_cum_e4 === cumulative && line.amount_e4 !== 0, `${line.id} cumulative`);
        check(period?.legal_entity_id === project?.legal_entity_id && (period?.end_date ?? '') <= lastRun, `${line.id} period`);
        check(line.posted_at > (period?.end_date ?? '') && line.posted_at.slice(0, 10) <= asOf, `${line.id} posted after its period`);
      }
      const status = schedule.status;
      if (status === 'COMPLETED') check(schedule.recognized_e4 === schedule.allocated_e4, `${schedule.id} COMPLETED`);
      if (status === 'PLANNED' || status === 'CANCELLED') check(own.length === 0, `${schedule.id} ${status} with lines`);
      if (schedule.method === 'AS_INVOICED' || schedule.method === 'MILESTONE_OUTPUT') {
        if (status === 'ON_HOLD') continue;
        const invoiced = store.invoices
          .filter((i) => i.project_id === schedule.project_id && BILLED_INVOICE_STATUSES.includes(i.status) && i.invoice_date <= lastRun)
          .reduce((sum, i) => sum + i.subtotal_e4, 0);
        check(schedule.recognized_e4 === Math.min(schedule.allocated_e4, invoiced), `${schedule.id} recognized the net invoiced`);
      }
    }
    for (const project of store.projects) {
      if (project.type !== 'CUSTOMER_BILLABLE') continue;
      const contract = contracts.get(project.contract_id ?? '');
      check(allocated.get(project.contract_id ?? '') === contract?.tcv_e4, `${project.contract_id}: Σ allocated = contract value`);
    }
    expect(found).toEqual([]);
    expect(store.scheduleLines.length).toBeGreaterThan(0);
  });

  it('values each contract line at the contract value: T&M capped above it if at all, milestones (fixed fee, milestone) adding up to it, retainer fees a month each', () => {
    const contracts = new Map(store.contracts.map((c) => [c.id, c]));
    const lines = primaryLines(store.lines);
    const milestonesOf = groupBy(store.milestones, (m) => m.project_id);
    // An EXPENSES line adds nothing to the contract value (no amount, no cap) and takes the expenses
    // off the time-and-materials cap; without one, expenses count against it (docs/model.md#contractline).
    const expensesLine = new Set(store.lines.filter((l) => l.billing_method === 'EXPENSES').map((l) => l.contract_id));
    for (const line of store.lines) {
      if (line.billing_method === 'EXPENSES') expect([line.amount_e4, line.nte_e4, line.rate_card_id]).toEqual([null, null, null]);
    }
    const draftContract = new Map(store.drafts.map((d) => [d.id, d.contract_id ?? '']));
    const drafted = new Map<string, number>();
    for (const item of store.items) {
      const contract = draftContract.get(item.draft_id) ?? '';
      if (item.source_type !== 'EXPENSE' || !expensesLine.has(contract)) add(drafted, contract, item.amount_e4);
    }
    const { check, found } = violations();
    for (const project of store.projects) {
      if (project.type !== 'CUSTOMER_BILLABLE') continue;
      const contract = contracts.get(project.contract_id ?? '');
      const line = lines.get(project.contract_id ?? '');
      const own = milestonesOf.get(project.id) ?? [];
      const sum = own.reduce((total, m) => total + m.amount_e4, 0);
      if (project.billing_method === 'TIME_AND_MATERIALS') {
        // No amount; a capped line is capped above the contract value (INV-20) and drafted within the cap.
        check(
          line?.amount_e4 === null && (line.nte_e4 ?? Infinity) >= (contract?.tcv_e4 ?? 0) && own.length === 0,
          `${project.id} T&M line`,
        );
        check((drafted.get(project.contract_id ?? '') ?? 0) <= (line?.nte_e4 ?? Infinity), `${project.id} drafted beyond its cap`);
        continue;
      }
      check(line?.amount_e4 === contract?.tcv_e4, `${project.id} line amount`);
      if (project.billing_method === 'RETAINER') {
        // One fee a month from the history's first month (earlier months were billed before it).
        check(own.length > 0 && own.every((m) => m.amount_e4 === own[0]?.amount_e4 && m.requires_sign_off === 0), `${project.id} fees`);
        check(sum <= (contract?.tcv_e4 ?? 0) && (contract?.tcv_e4 ?? 0) % (own[0]?.amount_e4 ?? 1) === 0, `${project.id} fee x months`);
      } else {
        check(sum === contract?.tcv_e4, `${project.id} Σ milestones = contract value`);
      }
    }
    expect(found).toEqual([]);
  });

  it('decides every expense by someone else and prices it at approval: amount × (1 + its line markup), none on a disbursement', () => {
    const projects = new Map(store.projects.map((p) => [p.id, p]));
    const resources = new Map(store.resources.map((r) => [r.id, r]));
    const markupOf = new Map(
      store.lines.filter((l) => l.billing_method === 'EXPENSES').map((l) => [l.contract_id, l.markup_percent_e4 ?? 0]),
    );
    const { check, found } = violations();
    for (const expense of store.expenses) {
      const project = projects.get(expense.project_id);
      const spender = resources.get(expense.resource_id);
      check(expense.currency === project?.currency && expense.amount_e4 > 0, `${expense.id} amount, currency`);
      check(expense.expense_date >= (project?.start_date ?? '') && expense.expense_date <= (project?.end_date ?? ''), `${expense.id} date`);
      check(expense.expense_date <= asOf && expense.submitted_at.slice(0, 10) >= expense.expense_date, `${expense.id} submitted after it`);
      check(expense.submitted_by === spender?.email, `${expense.id} submitted by its spender`);
      if (expense.status === 'SUBMITTED') {
        check(expense.decided_at === null && expense.approver_id === null, `${expense.id} undecided`);
        continue;
      }
      // Segregation of duties (docs/invariants.md#inv-8): neither the submitter nor the spender decides.
      const approver = resources.get(expense.approver_id ?? '');
      check(approver !== undefined && approver.id !== spender?.id && expense.decided_by === approver.email, `${expense.id} approver`);
      check(expense.decided_by !== expense.submitted_by, `${expense.id} decided by its submitter`);
      check((expense.decided_at ?? '') > expense.submitted_at && (expense.decided_at ?? '').slice(0, 10) <= asOf, `${expense.id} decided`);
      check((expense.status === 'REJECTED') === (expense.rejection_reason !== null), `${expense.id} reason`);
      const bills = expense.status === 'APPROVED' && expense.billable === 1 && project?.type === 'CUSTOMER_BILLABLE';
      const markup = bills && expense.tax_treatment === 'STANDARD' ? (markupOf.get(project?.contract_id ?? '') ?? 0) : 0;
      check(expense.markup_percent_e4 === markup, `${expense.id} markup ${expense.markup_percent_e4}, its line's ${markup}`);
      check(expense.billable_e4 === (bills ? withMarkup(expense.amount_e4, markup, expense.currency) : 0), `${expense.id} billable amount`);
    }
    expect(found).toEqual([]);
    const statuses = new Set(store.expenses.map((e) => `${e.status} ${e.billing_status}`));
    for (const state of [
      'APPROVED BILLED',
      'APPROVED READY_TO_BILL',
      'APPROVED NOT_BILLABLE',
      'SUBMITTED UNAPPROVED',
      'REJECTED NOT_BILLABLE',
    ])
      expect(statuses, state).toContain(state);
  });

  it('invoices each claimed expense once, on its own line at its billable amount, with its tax treatment', () => {
    const drafts = new Map(store.drafts.map((d) => [d.id, d]));
    const invoices = new Map(store.invoices.map((i) => [i.id, i]));
    const expenses = new Map(store.expenses.map((e) => [e.id, e]));
    const itemsOf = groupBy(
      [...store.items].sort((a, b) => (a.id < b.id ? -1 : 1)),
      (i) => i.draft_id,
    );
    const linesOf = groupBy(store.invoiceLines, (l) => l.invoice_id);
    const profiles = new Map(store.billingProfiles.map((b) => [`${b.account_id}|${b.legal_entity_id}`, b]));
    const taxes = new Map(store.taxProfiles.map((t) => [t.id, t]));
    const claims = new Map<string, number>();
    const billed = new Map<string, number>();
    const { check, found } = violations();
    for (const item of store.items) if (item.source_type === 'EXPENSE') add(claims, item.source_id, 1);
    for (const [id, count] of claims) check(count === 1 && expenses.has(id), `${id} claimed ${count} times`);
    for (const [draftId, items] of itemsOf) {
      const draft = drafts.get(draftId);
      const invoice = invoices.get(draft?.invoice_id ?? '');
      if (!invoice) continue;
      const tax = taxes.get(profiles.get(`${invoice.account_id}|${invoice.legal_entity_id}`)?.tax_profile_id ?? '');
      // Line n bills the n-th run of consecutive items (as creditInvoiceLines cuts them): an expense's run is itself alone.
      const lines = (linesOf.get(invoice.id) ?? []).sort((a, b) => a.line_number - b.line_number);
      let next = 0;
      for (const line of lines) {
        const run: typeof items = [];
        let sumE4 = 0;
        while (next < items.length && (run.length === 0 || sumE4 < line.amount_e4)) {
          const item = items[next++]!;
          run.push(item);
          sumE4 += item.amount_e4;
        }
        check(sumE4 === line.amount_e4, `${invoice.id} line ${line.line_number} bills no run of items`);
        const expense = expenses.get(run[0]?.source_type === 'EXPENSE' ? run[0].source_id : '');
        if (!expense) continue;
        add(billed, expense.tax_treatment, 1);
        check(run.length === 1 && run[0]?.tax_treatment === expense.tax_treatment, `${expense.id} alone on its line, with its treatment`);
        check(line.amount_e4 === withMarkup(expense.amount_e4, expense.markup_percent_e4, expense.currency), `${expense.id} line amount`);
        check(line.amount_e4 === expense.billable_e4 && line.quantity_e2 === 100, `${expense.id} billable amount`);
        const disbursement = expense.tax_treatment === 'DISBURSEMENT';
        check(!disbursement || expense.markup_percent_e4 === 0, `${expense.id} disbursement marked up`);
        check(line.tax_code === (disbursement ? 'DISBURSEMENT' : tax?.default_tax_code), `${expense.id} tax code ${line.tax_code}`);
        check(
          line.tax_e4 === (disbursement ? 0 : taxOn(line.amount_e4, tax?.rate_percent_e4 ?? -1, invoice.currency)),
          `${expense.id} tax`,
        );
      }
      check(next === items.length, `${invoice.id}: items beyond its lines`);
    }
    expect(found).toEqual([]);
    expect(billed.get('STANDARD') ?? 0).toBeGreaterThan(0);
    expect(billed.get('DISBURSEMENT') ?? 0).toBeGreaterThan(0);
    expect(store.expenses.some((e) => e.markup_percent_e4 > 0 && e.billing_status === 'BILLED')).toBe(true);
  });

  it('freezes the resource cost rate on every approved entry, and none on time not approved', () => {
    const timecards = new Map(store.timecards.map((t) => [t.id, t]));
    const resources = new Map(store.resources.map((r) => [r.id, r]));
    const assignments = new Map(store.assignments.map((a) => [a.id, a]));
    const { check, found } = violations();
    let approved = 0;
    for (const entry of store.entries) {
      const timecard = timecards.get(entry.timecard_id);
      const resource = resources.get(timecard?.resource_id ?? '');
      const assignment = assignments.get(timecard?.assignment_id ?? '');
      if (timecard?.status === 'APPROVED') {
        approved++;
        check(entry.cost_rate_e4 !== null && entry.cost_rate_e4 > 0, `${entry.id} has no cost rate`);
        check(entry.cost_rate_e4 === resource?.cost_rate_e4 && entry.cost_currency === resource.cost_currency, `${entry.id} cost rate`);
        check(entry.cost_rate_e4 === assignment?.cost_rate_e4, `${entry.id} assignment cost rate`);
        check(entry.bill_rate_e4 === assignment?.bill_rate_e4, `${entry.id} bill rate`);
      } else {
        check(entry.cost_rate_e4 === null && entry.bill_rate_e4 === null && entry.billable_e4 === 0, `${entry.id} priced before approval`);
      }
    }
    for (const assignment of store.assignments) {
      const resource = resources.get(assignment.resource_id);
      const currency = assignment.cost_currency ?? assignment.currency;
      check(assignment.cost_rate_e4 === resource?.cost_rate_e4 && currency === resource.cost_currency, `${assignment.id} cost`);
    }
    expect(found).toEqual([]);
    expect(approved).toBeGreaterThan(0);
  });

  it('values contracts at the planned effort and the rate card, in their currency (no floor)', () => {
    const projects = store.projects.filter((p) => p.type === 'CUSTOMER_BILLABLE');
    const contracts = new Map(store.contracts.map((c) => [c.id, c]));
    const cardOf = new Map([...primaryLines(store.lines)].map(([contract, l]) => [contract, l.rate_card_id]));
    const ratesOf = groupBy(store.rateCardLines, (l) => l.rate_card_id);
    const { check, found } = violations();
    const values = new Map<number, number>();
    for (const project of projects) {
      const contract = contracts.get(project.contract_id ?? '');
      const value = contract?.tcv_e4 ?? 0;
      values.set(value, (values.get(value) ?? 0) + 1);
      check(contract?.currency === project.currency, `${project.id} currency`);
      if ((project.budget_hours_e2 ?? 0) === 0) continue;
      // The value per planned hour lies between the card's lowest rate and 15 % above its highest.
      const rates = (ratesOf.get(cardOf.get(project.contract_id ?? '') ?? '') ?? []).map((l) => l.bill_rate_e4);
      const perHour = value / ((project.budget_hours_e2 ?? 1) / 100);
      check(
        perHour >= Math.min(...rates) * 0.95 && perHour <= Math.max(...rates) * 1.2,
        `${project.id} ${value / 1e4} for ${project.budget_hours_e2} hours e2`,
      );
    }
    expect(found).toEqual([]);
    // No value is shared by more than a few contracts (the old floor made most of them 1,000,000.00).
    expect(Math.max(...values.values())).toBeLessThanOrEqual(Math.max(2, Math.ceil(projects.length * 0.03)));
  });

  it('keeps hours humane: at most MAX_DAY_HOURS a person a day, practice utilization at most 100 % a month', () => {
    const timecards = new Map(store.timecards.map((t) => [t.id, t]));
    const resources = new Map(store.resources.map((r) => [r.id, r]));
    const practiceOf = new Map(store.roles.map((r) => [r.id, r.practice]));
    const projects = new Map(store.projects.map((p) => [p.id, p]));
    const day = new Map<string, number>();
    const billable = new Map<string, number>();
    const excluded = new Map<string, number>();
    const people = new Map<string, Set<string>>();
    for (const entry of store.entries) {
      const timecard = timecards.get(entry.timecard_id);
      const resourceId = timecard?.resource_id ?? '';
      add(day, `${resourceId}|${entry.entry_date}`, entry.hours_e2);
      if (timecard?.status !== 'APPROVED') continue;
      const key = `${practiceOf.get(resources.get(resourceId)?.primary_role_id ?? '')}|${entry.entry_date.slice(0, 7)}`;
      let set = people.get(key);
      if (!set) people.set(key, (set = new Set()));
      set.add(resourceId);
      const customer = projects.get(entry.project_id)?.type === 'CUSTOMER_BILLABLE';
      if (entry.hour_class === 'BILLABLE' && customer) add(billable, key, entry.hours_e2);
      if (entry.hour_class === 'EXCLUDED') add(excluded, key, entry.hours_e2);
    }
    const { check, found } = violations();
    for (const [key, hours] of day) check(hours <= MAX_DAY_HOURS * 100, `${key}: ${hours / 100} h`);
    // Billable utilization B / (CAP - X) (docs/metrics.md#utilization), CAP = 8 h a weekday of the month in the history.
    const windowStart = Math.min(...store.entries.map((e) => parseDay(e.entry_date)));
    const utilization: number[] = [];
    for (const [key, set] of people) {
      const month = parseDay(`${key.split('|')[1]}-01`);
      let weekdays = 0;
      for (let d = Math.max(month, windowStart); d < Math.min(addMonths(month, 1), parseDay(asOf) + 1); d++) if (isWeekday(d)) weekdays++;
      const capacity = set.size * weekdays * 800 - (excluded.get(key) ?? 0);
      const ratio = (billable.get(key) ?? 0) / capacity;
      utilization.push(ratio);
      check(ratio <= 1, `${key}: billable utilization ${(ratio * 100).toFixed(1)} %`);
    }
    expect(found).toEqual([]);
    expect(Math.max(...utilization)).toBeGreaterThan(0.5);
  });
});
