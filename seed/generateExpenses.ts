/**
 * Step 7b: expenses (docs/demo-data.md#expenses, docs/capabilities.md#expenses). Some contracts get
 * an EXPENSES line (no amount, no cap: it adds nothing to the contract value), most with a markup.
 * The people on a running customer project travel to the client now and then (a journey, a hotel,
 * meals), more on on-site projects; its lead buys tools, a specialist review, materials, and pays
 * fees as the customer's agent (disbursements); people on the bench pay for training. Each expense
 * is submitted within a week of the spend and decided by someone other than the spender (the
 * project manager, else the entity's director), as approveExpense decides it: an approved billable
 * expense freezes its markup (a STANDARD one the EXPENSES line's, a disbursement none) and its
 * billable amount, and is READY_TO_BILL until the billing step claims it.
 */
import { minorUnits, roundToMinor, withMarkup } from '../systems/kernel/decimal.ts';
import type { ExpenseRow } from '../systems/psa/adapters/sql/expenseTables.ts';
import { addMonths, isoInstant, isWeekday, monthStart, type Day } from './calendar.ts';
import { USD_PER_UNIT } from './catalog.ts';
import {
  EXPENSE_MARKUPS,
  JOURNEYS,
  LODGING,
  MEALS,
  PROJECT_COSTS,
  REJECTION_REASONS,
  TRAINING,
  type ExpenseKind,
} from './expenseCatalog.ts';
import type { People } from './generatePeople.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import type { Staffing } from './generateStaffing.ts';
import { must, type AssignmentPlan, type ProjectPlan, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';

/** What billing needs: per project index, its approved billable expenses (row indices) and the day each became billable, in date order. */
export interface ExpenseResult {
  readonly billableByProject: ReadonlyMap<number, readonly { readonly row: number; readonly ready: Day }[]>;
}

/** No expenses (the data set of releases before the PSA's migration 4). */
export const NO_EXPENSES: ExpenseResult = { billableByProject: new Map() };

/** Share of customer contracts with an EXPENSES line (a capped time-and-materials contract always has one). */
const EXPENSES_LINE_SHARE = 0.55;
/** Share of customer projects delivered on site: their people travel most months. */
const ON_SITE_SHARE = 0.55;
/** Chance that someone on the project travels to the client in a month: on site, remote. */
const TRIP_CHANCE = { onSite: 0.5, remote: 0.06 } as const;
/** Chance that a project's lead buys something for the project in a month. */
const PROJECT_COST_CHANCE = 0.3;
/** Chance that someone on the bench pays for training in a month. */
const TRAINING_CHANCE = 0.04;
/** Chance that a travel expense is billed to the customer, by billing method (a disbursement always is). */
const BILLABLE_TRAVEL: Readonly<Record<string, number>> = { TIME_AND_MATERIALS: 0.9, FIXED_FEE: 0.6, MILESTONE: 0.6, RETAINER: 0.4 };
const REJECTED_SHARE = 0.025;

/** Writes the EXPENSES contract lines and every expense submitted by asOf. */
export function generateExpenses(
  ctx: SeedContext,
  ref: Reference,
  people: People,
  portfolio: Portfolio,
  staffing: Staffing,
): ExpenseResult {
  const rng = ctx.rng.fork('expenses');
  const { asOf } = ctx.cal;
  const markupOf = expenseLines(ctx, rng, portfolio);
  const resources = ctx.data.psa.resources;
  const expenses = ctx.data.psa.expenses;
  const pending: { row: ExpenseRow; project: ProjectPlan; ready: Day | null }[] = [];

  const spend = (project: ProjectPlan, assignment: AssignmentPlan, day: Day, kind: ExpenseKind, billable: boolean) => {
    const currency = must(ref.les[project.le], 'le').currency;
    const units = kind.units ? rng.int(kind.units[0], kind.units[1]) : 1;
    const usd = rng.float(kind.usd[0], kind.usd[1]) * units;
    const local = roundToMinor(Math.round((usd / must(USD_PER_UNIT[currency], 'rate')) * 10_000), currency);
    const amountE4 = Math.max(10 ** (4 - minorUnits(currency)), local);
    const description = kind.unit
      ? `${kind.description}, ${units} ${kind.unit}${kind.unit === 'night' && units > 1 ? 's' : ''}`
      : kind.description;
    // Submitted with the week's expense report; decided like a timecard (most within three days).
    let submitted = day + rng.int(0, 6);
    let decided =
      submitted +
      rng.weighted([
        [rng.int(1, 3), 70],
        [rng.int(4, 7), 25],
        [rng.int(8, 10), 5],
      ] as const);
    // A closed project had everything decided (and billed) before it closed.
    if (project.status === 'CLOSED') {
      decided = Math.min(decided, project.end + 10);
      submitted = Math.min(submitted, decided - 1);
    }
    if (submitted > asOf) return;
    const status = decided > asOf ? 'SUBMITTED' : rng.chance(REJECTED_SHARE) ? 'REJECTED' : 'APPROVED';
    const spender = must(resources[assignment.resource], 'spender');
    const approverIndex =
      project.pm >= 0 && project.pm !== assignment.resource ? project.pm : must(people.directorOf[project.le], 'director');
    if (approverIndex === assignment.resource) throw new Error(`seed generator: ${spender.id} would approve their own expense`);
    const approver = must(resources[approverIndex], 'approver');
    const bills = status === 'APPROVED' && billable;
    const markup = bills && kind.taxTreatment === 'STANDARD' ? (markupOf.get(project.index) ?? 0) : 0;
    const decidedRow = status !== 'SUBMITTED';
    const row: ExpenseRow = {
      id: '',
      project_id: project.id,
      resource_id: spender.id,
      expense_date: ctx.iso(day),
      category: kind.category,
      description,
      amount_e4: amountE4,
      currency,
      receipt_reference: receiptReference(rng, kind, ctx.iso(day)),
      billable: billable ? 1 : 0,
      tax_treatment: kind.taxTreatment,
      markup_percent_e4: markup,
      billable_e4: bills ? withMarkup(amountE4, markup, currency) : 0,
      status,
      billing_status: status === 'SUBMITTED' ? 'UNAPPROVED' : bills ? 'READY_TO_BILL' : 'NOT_BILLABLE',
      submitted_at: isoInstant(submitted, rng.int(8 * 60, 19 * 60)),
      submitted_by: spender.email,
      decided_at: decidedRow ? isoInstant(decided, rng.int(9 * 60, 18 * 60)) : null,
      decided_by: decidedRow ? approver.email : null,
      approver_id: decidedRow ? approver.id : null,
      rejection_reason: status === 'REJECTED' ? rng.pick(REJECTION_REASONS) : null,
      aggregate_version: decidedRow ? 2 : 1,
    };
    pending.push({ row, project, ready: bills ? decided : null });
  };

  const { projects } = portfolio;
  const timeable = (a: AssignmentPlan) => a.status === 'ACTIVE' || a.status === 'COMPLETED';
  for (const project of projects) {
    const running = project.status !== 'PLANNED' && project.status !== 'DRAFT' && project.status !== 'CANCELLED';
    if (!running) continue;
    const team = project.assignments.map((i) => must(staffing.assignments[i], 'assignment')).filter(timeable);
    if (project.kind === 'CUSTOMER') {
      const onSite = rng.chance(ON_SITE_SHARE);
      const travelBillable = BILLABLE_TRAVEL[must(project.billingMethod, 'billing method')] ?? 0.5;
      const lead = team.find((a) => a.resource === project.pm) ?? team[0];
      for (const assignment of team) {
        forEachMonth(ctx, project, assignment, (from, to) => {
          if (assignment === lead && rng.chance(PROJECT_COST_CHANCE)) {
            const day = weekdayIn(rng, from, to);
            const kind = rng.weighted(PROJECT_COSTS);
            if (day !== null) spend(project, assignment, day, kind, kind.taxTreatment === 'DISBURSEMENT' || rng.chance(travelBillable));
          }
          if (!rng.chance(onSite ? TRIP_CHANCE.onSite : TRIP_CHANCE.remote)) return;
          const day = weekdayIn(rng, from, to);
          if (day === null) return;
          const billable = rng.chance(travelBillable);
          const journey = rng.weighted(JOURNEYS);
          spend(project, assignment, day, journey, billable);
          if (rng.chance(journey.category === 'MILEAGE' ? 0.35 : 0.75)) spend(project, assignment, day, LODGING, billable);
          if (rng.chance(0.6)) spend(project, assignment, day, rng.pick(MEALS), billable);
        });
      }
    } else if (project.kind === 'BENCH') {
      for (const assignment of team) {
        forEachMonth(ctx, project, assignment, (from, to) => {
          const day = rng.chance(TRAINING_CHANCE) ? weekdayIn(rng, from, to) : null;
          if (day !== null) spend(project, assignment, day, rng.pick(TRAINING), false);
        });
      }
    }
  }
  // Ids in date order, as the people submitted them; billing takes each project's in date order.
  pending.sort((a, b) => (a.row.expense_date < b.row.expense_date ? -1 : a.row.expense_date > b.row.expense_date ? 1 : 0));
  const billableByProject = new Map<number, { row: number; ready: Day }[]>();
  for (const { row, project, ready } of pending) {
    row.id = ctx.nextId('exp');
    if (ready !== null) {
      let list = billableByProject.get(project.index);
      if (!list) billableByProject.set(project.index, (list = []));
      list.push({ row: expenses.length, ready });
    }
    expenses.push(row);
  }
  return { billableByProject };
}

/**
 * The EXPENSES lines: on about half the customer contracts, always on a capped time-and-materials
 * one (so its expenses bill on their own line, not against the time cap). No amount and no cap, so
 * Σ line values is still the contract value (docs/model.md#contractline). Returns each project's markup.
 */
function expenseLines(ctx: SeedContext, rng: Rng, portfolio: Portfolio): Map<number, number> {
  const lines = ctx.data.psa.contract_lines;
  const capped = new Set(lines.filter((line) => line.nte_e4 !== null).map((line) => line.contract_id));
  const markupOf = new Map<number, number>();
  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER') continue;
    const contractId = must(project.contractId, 'contract');
    if (!capped.has(contractId) && !rng.chance(EXPENSES_LINE_SHARE)) continue;
    const markup = rng.weighted(EXPENSE_MARKUPS);
    if (markup !== null) markupOf.set(project.index, markup);
    const primary = must(
      lines.find((line) => line.contract_id === contractId),
      'contract line',
    );
    lines.push({
      id: ctx.nextId('cl'),
      contract_id: contractId,
      billing_method: 'EXPENSES',
      amount_e4: null,
      nte_e4: null,
      currency: primary.currency,
      rate_card_id: null,
      markup_percent_e4: markup,
    });
  }
  return markupOf;
}

/** Calls `visit` with each month's days of the assignment on the project, within the history and before any hold. */
function forEachMonth(ctx: SeedContext, project: ProjectPlan, assignment: AssignmentPlan, visit: (from: Day, to: Day) => void): void {
  const { asOf, windowStart } = ctx.cal;
  const from = Math.max(windowStart, assignment.start, project.start);
  let to = Math.min(asOf, assignment.end, project.end);
  if (project.holdDay !== null) to = Math.min(to, project.holdDay - 1);
  for (let month = monthStart(from); month <= to; month = addMonths(month, 1)) {
    const first = Math.max(from, month);
    const last = Math.min(to, addMonths(month, 1) - 1);
    if (first <= last) visit(first, last);
  }
}

/** A weekday in [from, to], or null when the range has none. */
function weekdayIn(rng: Rng, from: Day, to: Day): Day | null {
  const day = rng.int(from, to);
  for (let d = day; d <= to; d++) if (isWeekday(d)) return d;
  for (let d = day - 1; d >= from; d--) if (isWeekday(d)) return d;
  return null;
}

/** An airline e-ticket, a hotel folio, a shop's receipt number; a mileage log has none. */
function receiptReference(rng: Rng, kind: ExpenseKind, date: string): string | null {
  switch (kind.receipt) {
    case 'TICKET':
      return `ETKT ${rng.int(100, 999)}-${rng.int(1_000_000_000, 9_999_999_999)}`;
    case 'FOLIO':
      return `Folio ${rng.int(10_000, 99_999)}`;
    case 'RECEIPT':
      // Small meals sometimes come without a receipt.
      return kind.category === 'MEALS' && rng.chance(0.15) ? null : `RCPT-${date.replaceAll('-', '')}-${rng.int(1000, 9999)}`;
    default:
      return null;
  }
}
