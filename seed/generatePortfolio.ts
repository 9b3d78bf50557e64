/**
 * Step 4: the project portfolio. Picks the customers (promoting their CRM accounts), their
 * negotiated rate cards, and plans every project: status, dates, billing method and staffing
 * demand. Dates follow from the status so that the status is true on asOf: a CLOSED project ended
 * early enough to be fully approved and billed, an ACTIVE one spans asOf, a PLANNED one starts later.
 */
import { isoWeekday, yearOf, dayOf, type Day } from './calendar.ts';
import { ACQUIRED_LEGAL_ENTITY, SERVICE_OFFERINGS } from './catalog.ts';
import type { Accounts } from './generateAccounts.ts';
import type { People } from './generatePeople.ts';
import { apportion } from './apportion.ts';
import { buildRateCard, type Reference } from './generateReference.ts';
import { must, type BillingMethod, type ProjectKind, type ProjectPlan, type RateCardPlan, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';
import type { CustomerProjectStatus, InternalKind } from './scales.ts';

/** A customer: its account, its legal entity, its appetite and its negotiated rate card. */
export interface CustomerPlan {
  readonly account: number;
  readonly le: number;
  /** Relative propensity to buy more projects. */
  readonly weight: number;
  readonly rateCard: RateCardPlan | null;
}

/** Every project planned, with the internal projects of each legal entity. */
export interface Portfolio {
  readonly customers: readonly CustomerPlan[];
  /** Internal projects first, then customer projects by start date. */
  readonly projects: readonly ProjectPlan[];
  /** Internal project index per legal entity and kind. */
  readonly internalOf: readonly Readonly<Partial<Record<InternalKind, number>>>[];
  /** The project whose customer is on credit hold (docs/demo-data.md#fixtures #10). */
  readonly creditHoldProject: number;
}

const INTERNAL: Readonly<Record<InternalKind, { readonly type: string; readonly name: string; readonly code: string }>> = {
  BENCH: { type: 'INTERNAL', name: 'Bench & Training', code: 'BENCH' },
  ABSENCE: { type: 'ABSENCE', name: 'Time Off', code: 'PTO' },
  PRESALES: { type: 'PRESALES', name: 'Presales Support', code: 'PRESALES' },
};

/** Billing-method mix (docs/demo-data.md#tiers: T&M 55%, fixed-fee/milestone 30%, retainer 10%; mixed counted as T&M). */
const METHOD_MIX: readonly (readonly [BillingMethod, number])[] = [
  ['TIME_AND_MATERIALS', 60],
  ['FIXED_FEE', 15],
  ['MILESTONE', 15],
  ['RETAINER', 10],
];

/** Share of delivery capacity sold to customers: leaves room for bench, leave and presales. */
const SOLD_CAPACITY = 0.8;

/** Chooses customers and negotiated rate cards, and plans every project (no rows yet). */
export function generatePortfolio(ctx: SeedContext, ref: Reference, people: People, crm: Accounts): Portfolio {
  const rng = ctx.rng.fork('portfolio');
  const { profile, cal } = ctx;
  const counts = profile.customerProjects;
  const customerProjectCount = Object.values(counts).reduce((a, b) => a + b, 0);

  // Customers: each legal entity sells to its own; the acquired German firm's are HubSpot companies.
  const customerCount = Math.max(1, Math.ceil(customerProjectCount * 0.62));
  const perLe = apportion(
    customerCount,
    ref.les.map((le) => le.spec.customerWeight),
  );
  const ordinary = (source: string) =>
    rng.shuffle(
      crm.accounts.filter((a) => a.role === 'ORDINARY' && a.source === source && a.index !== crm.acme.salesforce).map((a) => a.index),
    );
  const salesforcePool = ordinary('salesforce');
  const hubspotPool = ordinary('hubspot');
  const customers: CustomerPlan[] = [];
  for (const le of ref.les) {
    for (let n = 0; n < (perLe[le.index] ?? 0); n++) {
      const acquired = le.spec.code === ACQUIRED_LEGAL_ENTITY;
      const fromHubspot = acquired || rng.chance(0.1);
      const account =
        le.index === 0 && n === 0 ? crm.acme.salesforce : must((fromHubspot ? hubspotPool : salesforcePool).pop(), 'customer account');
      customers.push({
        account,
        le: le.index,
        weight: rng.weighted([
          [1, 60],
          [2, 25],
          [4, 12],
          [8, 3],
        ] as const),
        rateCard: null,
      });
    }
  }
  // The largest customers negotiated their own rates.
  const byWeight = customers.map((c, i) => i).sort((a, b) => must(customers[b], 'c').weight - must(customers[a], 'c').weight || a - b);
  for (const i of byWeight.slice(0, profile.customerRateCards)) {
    const customer = must(customers[i], 'customer');
    const account = must(crm.accounts[customer.account], 'account');
    const card = buildRateCard(ctx, {
      le: must(ref.les[customer.le], 'le'),
      roles: ref.roles,
      versionStarts: ref.versionStarts,
      currentVersion: ref.currentVersion,
      accountId: account.id,
      accountName: account.name,
      discount: rng.int(5, 10) / 100,
    });
    customers[i] = { ...customer, rateCard: card };
  }
  for (const customer of customers) must(ctx.data.crm.accounts[customer.account], 'account row').type = 'CUSTOMER';

  // Statuses and customers are paired at random; every customer gets at least one project.
  const statuses: CustomerProjectStatus[] = [];
  for (const status of ['ACTIVE', 'ON_HOLD', 'CLOSING', 'CLOSED', 'PLANNED', 'DRAFT', 'CANCELLED'] as const) {
    for (let n = 0; n < counts[status]; n++) statuses.push(status);
  }
  const owners = customers.map((_, i) => i).slice(0, customerProjectCount);
  const weights = customers.map((c, i) => [i, c.weight] as const);
  while (owners.length < customerProjectCount) owners.push(rng.weighted(weights));
  rng.shuffle(owners);

  interface Draft {
    status: CustomerProjectStatus;
    customer: CustomerPlan;
    start: Day;
    end: Day;
    method: BillingMethod;
    size: number;
    fte: number;
    holdDay: Day | null;
    creditHold: boolean;
  }
  const drafts: Draft[] = [];
  let creditHoldAssigned = false;
  // Methods come from a shuffled deck in the exact mix; dates are stratified within each status,
  // so even the ten projects of tier S spread over the history instead of clustering by chance.
  const deck: BillingMethod[] = [];
  apportion(
    statuses.length,
    METHOD_MIX.map(([, weight]) => weight),
  ).forEach((count, i) => {
    for (let k = 0; k < count; k++) deck.push(must(METHOD_MIX[i], 'method')[0]);
  });
  rng.shuffle(deck);
  const seen = new Map<CustomerProjectStatus, number>();
  statuses.forEach((status, n) => {
    const customer = must(customers[must(owners[n], 'owner')], 'customer');
    const creditHold = status === 'ON_HOLD' && !creditHoldAssigned;
    if (creditHold) creditHoldAssigned = true;
    const method = creditHold ? 'TIME_AND_MATERIALS' : must(deck[n], 'method');
    const k = seen.get(status) ?? 0;
    seen.set(status, k + 1);
    const position = (k + rng.next()) / Math.max(1, counts[status]);
    const { start, end, holdDay } = plannedDates(rng, ctx, status, creditHold, position);
    const size =
      rng.weighted([
        [0.5, 30],
        [1, 40],
        [1.8, 20],
        [3, 10],
      ] as const) * (method === 'RETAINER' ? 0.6 : 1);
    drafts.push({ status, customer, start, end, method, size, fte: 0, holdDay, creditHold });
  });
  coverMethods(drafts);
  sizeDemand(ctx, drafts);
  // Stable sort: project ids and codes follow start dates.
  drafts.sort((a, b) => a.start - b.start);

  const projects: ProjectPlan[] = [];
  const internalOf: Partial<Record<InternalKind, number>>[] = ref.les.map(() => ({}));
  const internalStart = dayOf(yearOf(cal.windowStart), 1, 1);
  const internalEnd = dayOf(yearOf(cal.asOf) + 1, 12, 31);
  for (const le of ref.les) {
    for (const kind of profile.internalKinds) {
      const spec = INTERNAL[kind];
      const plan = newProject(ctx, projects.length, {
        code: `${le.spec.code}-INT-${spec.code}`,
        name: `${le.spec.code} ${spec.name}`,
        offering: spec.name,
        kind,
        le: le.index,
        account: -1,
        status: 'ACTIVE',
        billingMethod: null,
        start: internalStart,
        end: internalEnd,
        fte: 0,
        rateCard: null,
      });
      plan.pm = must(people.directorOf[le.index], 'director');
      must(internalOf[le.index], 'internal map')[kind] = plan.index;
      projects.push(plan);
    }
  }
  const sequence = ref.les.map(() => 0);
  let creditHoldProject = -1;
  for (const draft of drafts) {
    const le = must(ref.les[draft.customer.le], 'le');
    const account = must(crm.accounts[draft.customer.account], 'account');
    const n = (sequence[le.index] = (sequence[le.index] ?? 0) + 1);
    const offering = rng.pick(SERVICE_OFFERINGS);
    const plan = newProject(ctx, projects.length, {
      code: `${le.spec.code}-${String(n).padStart(4, '0')}`,
      name: `${shortName(account.name)} ${offering}`,
      offering,
      kind: 'CUSTOMER',
      le: le.index,
      account: draft.customer.account,
      status: draft.status,
      billingMethod: draft.method,
      start: draft.start,
      end: draft.end,
      fte: draft.fte,
      rateCard: draft.customer.rateCard ?? must(ref.standardCards[le.index], 'standard card'),
    });
    plan.holdDay = draft.holdDay;
    plan.creditHold = draft.creditHold;
    if (draft.creditHold) creditHoldProject = plan.index;
    projects.push(plan);
  }
  return { customers, projects, internalOf, creditHoldProject };
}

function newProject(
  ctx: SeedContext,
  index: number,
  fields: {
    code: string;
    name: string;
    offering: string;
    kind: ProjectKind;
    le: number;
    account: number;
    status: string;
    billingMethod: BillingMethod | null;
    start: Day;
    end: Day;
    fte: number;
    rateCard: RateCardPlan | null;
  },
): ProjectPlan {
  return {
    index,
    id: ctx.nextId('prj'),
    ...fields,
    holdDay: null,
    creditHold: false,
    pm: -1,
    contractId: null,
    contractLineId: null,
    budgetHoursE2: 0,
    plannedRevenueE4: 0,
    contractValueE4: 0,
    retainerFeeE4: 0,
    milestones: [],
    assignments: [],
  };
}

function shortName(name: string): string {
  return name.replace(/ (Inc\.|Ltd|Group|plc|LLC|GmbH|Corp|Holdings|AG|SA)$/, '');
}

function nextWeekday(day: Day): Day {
  const weekday = isoWeekday(day);
  return weekday === 6 ? day + 2 : weekday === 7 ? day + 1 : day;
}

function previousWeekday(day: Day): Day {
  const weekday = isoWeekday(day);
  return weekday === 6 ? day - 1 : weekday === 7 ? day - 2 : day;
}

/**
 * Start and end days that make `status` true on asOf. Customer projects may start up to nine
 * months before the time window (their early time is outside the history), never end before it.
 * `position` in [0, 1) places the project within the range its status allows (stratification).
 */
function plannedDates(
  rng: Rng,
  ctx: SeedContext,
  status: CustomerProjectStatus,
  creditHold: boolean,
  position: number,
): { start: Day; end: Day; holdDay: Day | null } {
  const { asOf, windowStart, closedEndMax, asOfMonthStart } = ctx.cal;
  const months = rng.weighted([
    [rng.int(2, 4), 25],
    [rng.int(4, 7), 45],
    [rng.int(7, 12), 30],
  ] as const);
  const duration = Math.round(months * 30.4);
  const earliest = windowStart - 270;
  let start: Day;
  let end: Day;
  let holdDay: Day | null = null;
  switch (status) {
    case 'ACTIVE':
    case 'ON_HOLD': {
      // Age first (a running project's age is spread evenly, its duration biased long, as in any
      // steady portfolio); a held project has enough history to have been invoiced and to owe.
      const youngest = status === 'ON_HOLD' ? Math.min(100, asOf - windowStart) : 7;
      const oldest = Math.max(youngest, Math.min(300, asOf - earliest));
      start = nextWeekday(asOf - oldest + Math.floor(position * (oldest - youngest + 1)));
      end = previousWeekday(Math.max(start + duration, asOf + 21 + Math.floor(duration / 4)));
      if (status === 'ON_HOLD') {
        // Credit hold: the last billing run (on the 1st of asOf's month) was already blocked.
        holdDay = creditHold ? Math.max(start + 30, asOfMonthStart - rng.int(5, 12)) : asOf - rng.int(7, 40);
      }
      break;
    }
    case 'CLOSING': {
      end = previousWeekday(closedEndMax + 1 + Math.floor(position * Math.max(1, asOf - 1 - closedEndMax)));
      if (end <= closedEndMax) end = nextWeekday(closedEndMax + 1);
      start = nextWeekday(end - duration);
      break;
    }
    case 'CLOSED': {
      const first = Math.min(windowStart + 45, closedEndMax);
      end = previousWeekday(first + Math.floor(position * (closedEndMax - first + 1)));
      start = nextWeekday(Math.max(end - duration, earliest));
      break;
    }
    case 'PLANNED':
      start = nextWeekday(asOf + 3 + Math.floor(position * 73));
      end = previousWeekday(start + duration);
      break;
    case 'DRAFT':
      start = nextWeekday(asOf + rng.int(30, 120));
      end = previousWeekday(start + duration);
      break;
    case 'CANCELLED':
      start = nextWeekday(asOf + rng.int(-60, 60));
      end = previousWeekday(start + duration);
      break;
  }
  return { start, end, holdDay };
}

/**
 * Gives each project its staffing demand (FTE) so that, week by week, the projects running then
 * together ask for about SOLD_CAPACITY of the delivery headcount: a project's relative size is
 * divided by the average number of projects running alongside it. Without this the weeks early in
 * the history (fewer projects had started) would be idle and the recent ones overbooked.
 */
function sizeDemand(
  ctx: SeedContext,
  drafts: { status: CustomerProjectStatus; start: Day; end: Day; holdDay: Day | null; size: number; fte: number }[],
): void {
  const { windowStart, asOf } = ctx.cal;
  const people = ctx.profile.people;
  const target = (people.billableEmployees + people.contractors + people.subcontractors) * SOLD_CAPACITY;
  const weeks = Math.floor((asOf - windowStart) / 7) + 1;
  const running = new Float64Array(weeks);
  const spanOf = (d: { status: CustomerProjectStatus; start: Day; end: Day; holdDay: Day | null }) => {
    if (d.status === 'PLANNED' || d.status === 'DRAFT' || d.status === 'CANCELLED') return null;
    const from = Math.max(0, Math.floor((d.start - windowStart) / 7));
    const to = Math.min(weeks - 1, Math.floor((Math.min(d.end, d.holdDay ?? d.end) - windowStart) / 7));
    return from <= to ? { from, to } : null;
  };
  for (const draft of drafts) {
    const span = spanOf(draft);
    if (span) for (let w = span.from; w <= span.to; w++) running[w] = (running[w] ?? 0) + draft.size;
  }
  const now = Math.max(1, running[weeks - 1] ?? 1);
  for (const draft of drafts) {
    const span = spanOf(draft);
    let load = now;
    if (span) {
      let sum = 0;
      for (let w = span.from; w <= span.to; w++) sum += running[w] ?? 0;
      load = Math.max(1, sum / (span.to - span.from + 1));
    }
    draft.fte = Math.max(0.5, Math.round(((target * draft.size) / load) * 4) / 4);
  }
}

/**
 * Every billing method runs among the ACTIVE projects, even in the small tier: a missing method
 * goes to the longest-running ACTIVE projects (milestones first, so that one has delivered some).
 */
function coverMethods(drafts: { status: CustomerProjectStatus; start: Day; method: BillingMethod }[]): void {
  const active = drafts.filter((d) => d.status === 'ACTIVE').sort((a, b) => a.start - b.start);
  const missing = (['MILESTONE', 'FIXED_FEE', 'RETAINER', 'TIME_AND_MATERIALS'] as const).filter(
    (m) => !active.some((d) => d.method === m),
  );
  let next = 0;
  for (const method of missing) {
    // Take a project whose method is held by another ACTIVE project too.
    while (next < active.length && active.filter((d) => d.method === active[next]?.method).length < 2) next++;
    const draft = active[next++];
    if (draft) draft.method = method;
  }
}
