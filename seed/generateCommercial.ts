/**
 * Step 6: what was sold. Milestones and retainer fees fix each project's contract value; then
 * every customer project gets its won opportunity, its contract (CRM header) and contract line
 * (PSA), and the pipeline gets its open and lost deals, including the two open "Acme" deals that
 * the post-merger duplicate check must flag. Finally the PSA project rows are written.
 */
import { addMonths, isoInstant, isoWeekday, monthKey, monthStart, yearOf, type Day } from './calendar.ts';
import { ACQUIRED_LEGAL_ENTITY, HUBSPOT_CUSTOM_STAGES, LOSS_REASONS, SERVICE_OFFERINGS, SOURCE_STAGES, USD_PER_UNIT } from './catalog.ts';
import type { AccountPlan, Accounts } from './generateAccounts.ts';
import { salesforceId } from './generateAccounts.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import { must, type BillingMethod, type MilestonePlan, type ProjectPlan, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';

/** What the commercial step decided that tests or later steps may want to find. */
export interface Commercial {
  /** The project whose milestone is COMPLETE but waits for customer sign-off (docs/demo-data.md#fixtures #5). */
  readonly signOffProject: number;
}

const OPEN_STAGES = [
  ['PROSPECTING', 10, 'PIPELINE'],
  ['QUALIFIED', 25, 'PIPELINE'],
  ['PROPOSAL', 50, 'BEST_CASE'],
  ['NEGOTIATION', 75, 'COMMIT'],
] as const;

const INTERNAL_TYPE: Readonly<Record<string, string>> = { BENCH: 'INTERNAL', ABSENCE: 'ABSENCE', PRESALES: 'PRESALES' };

/** Prices the projects and writes opportunities, contracts, contract lines and project rows. */
export function generateCommercial(ctx: SeedContext, ref: Reference, crm: Accounts, portfolio: Portfolio): Commercial {
  const rng = ctx.rng.fork('commercial');
  const { asOf } = ctx.cal;
  const sourceIds = new Set<string>();
  let dealNumber = 0;
  const opportunitySourceId = (account: AccountPlan) =>
    account.source === 'salesforce' ? salesforceId(rng, sourceIds, '006') : String(9_000_000_000 + ++dealNumber * 10 + rng.int(0, 9));
  const sourceStage = (account: AccountPlan, stage: string) =>
    account.source === 'hubspot' && rng.chance(0.5)
      ? must(HUBSPOT_CUSTOM_STAGES[stage], 'stage')
      : must(SOURCE_STAGES[account.source]?.[stage], 'stage');
  const contractsPerAccount = new Map<number, number>();
  let contractSequence = 0;

  const signOff = chooseSignOffProject(portfolio, ctx);
  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER') continue;
    priceProject(rng, ctx, project, project.index === signOff);
  }

  const writeDeal = (deal: {
    account: AccountPlan;
    le: number;
    name: string;
    stage: string;
    probability: number;
    forecast: string;
    type: string;
    amountE4: number;
    close: Day;
    lossReason: string | null;
    lines: readonly { offering: string; method: BillingMethod; amountE4: number; hoursE2: number | null; start: Day; end: Day }[];
  }): string => {
    const id = ctx.nextId('opp');
    const le = must(ref.les[deal.le], 'le');
    ctx.data.crm.opportunities.push({
      id,
      account_id: deal.account.id,
      name: deal.name,
      stage: deal.stage,
      source_stage: sourceStage(deal.account, deal.stage),
      probability: deal.probability,
      forecast_category: deal.forecast,
      type: deal.type,
      amount_e4: deal.amountE4,
      currency: le.currency,
      close_date: ctx.iso(deal.close),
      loss_reason: deal.lossReason,
      legal_entity_id: le.id,
      primary_contact_id: deal.account.contactIds[0] ?? null,
      source_system: deal.account.source,
      source_id: opportunitySourceId(deal.account),
    });
    for (const line of deal.lines) {
      ctx.data.crm.opportunity_lines.push({
        id: ctx.nextId('ol'),
        opportunity_id: id,
        service_offering: line.offering,
        billing_method: line.method,
        amount_e4: line.amountE4,
        estimated_hours_e2: line.hoursE2,
        start_date: ctx.iso(line.start),
        end_date: ctx.iso(line.end),
      });
    }
    return id;
  };

  const writeContract = (c: {
    account: AccountPlan;
    le: number;
    title: string;
    status: string;
    method: BillingMethod;
    start: Day;
    end: Day;
    tcvE4: number;
    opportunityId: string;
    signed: Day | null;
    nteE4: number | null;
    rateCardId: string | null;
  }): { contractId: string; lineId: string } => {
    const le = must(ref.les[c.le], 'le');
    const contractId = ctx.nextId('ctr');
    const year = yearOf(c.signed ?? c.start);
    ctx.data.crm.contracts.push({
      id: contractId,
      contract_number: `SOW-${le.spec.code}-${year}-${String(++contractSequence).padStart(5, '0')}`,
      version: rng.chance(0.08) && c.status === 'ACTIVE' ? 2 : 1,
      title: c.title,
      status: c.status,
      account_id: c.account.id,
      opportunity_id: c.opportunityId,
      legal_entity_id: le.id,
      start_date: ctx.iso(c.start),
      end_date: ctx.iso(c.end),
      tcv_e4: c.tcvE4,
      currency: le.currency,
      billing_method: c.method,
      signed_at: c.signed === null ? null : isoInstant(c.signed, rng.int(9 * 60, 18 * 60)),
      customer_signatory: c.signed === null ? null : (c.account.contactNames[0] ?? null),
    });
    const lineId = ctx.nextId('cl');
    ctx.data.psa.contract_lines.push({
      id: lineId,
      contract_id: contractId,
      billing_method: c.method,
      amount_e4: c.method === 'TIME_AND_MATERIALS' ? null : c.tcvE4,
      nte_e4: c.nteE4,
      currency: le.currency,
      rate_card_id: c.rateCardId,
    });
    return { contractId, lineId };
  };

  // Won deals, contracts and lines of the customer projects.
  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER') continue;
    const account = must(crm.accounts[project.account], 'account');
    const status = contractStatus(rng, project);
    const signedDay = ['SIGNED', 'ACTIVE', 'SUSPENDED', 'COMPLETED', 'EXPIRED'].includes(status)
      ? Math.min(asOf - 1, project.start - rng.int(7, 45))
      : null;
    const previous = contractsPerAccount.get(project.account) ?? 0;
    contractsPerAccount.set(project.account, previous + 1);
    const method = must(project.billingMethod, 'billing method');
    const opportunityId = writeDeal({
      account,
      le: project.le,
      name: `${project.name}`,
      stage: 'CLOSED_WON',
      probability: 100,
      forecast: 'CLOSED',
      type:
        previous === 0
          ? 'NEW_BUSINESS'
          : rng.weighted([
              ['EXPANSION', 60],
              ['RENEWAL', 30],
              ['CHANGE_ORDER', 10],
            ] as const),
      amountE4: project.contractValueE4,
      close: Math.min(asOf - 1, (signedDay ?? asOf - rng.int(1, 20)) - rng.int(0, 10)),
      lossReason: null,
      lines: [
        {
          offering: project.offering,
          method,
          amountE4: project.contractValueE4,
          hoursE2: project.budgetHoursE2,
          start: project.start,
          end: project.end,
        },
      ],
    });
    // Half of the time-and-materials lines are capped above the estimate (API tests bill the uncapped ones freely).
    const nteE4 =
      method === 'TIME_AND_MATERIALS' && rng.chance(0.5) ? Math.ceil((project.plannedRevenueE4 * 1.15) / 10_000_000) * 10_000_000 : null;
    const { contractId, lineId } = writeContract({
      account,
      le: project.le,
      title: `${project.offering} statement of work`,
      status,
      method,
      start: project.start,
      end: project.end,
      tcvE4: project.contractValueE4,
      opportunityId,
      signed: signedDay,
      nteE4,
      rateCardId: project.rateCard?.id ?? null,
    });
    project.contractId = contractId;
    project.contractLineId = lineId;
  }

  // Won deals whose contracts are still being drafted or approved, or were terminated before any work.
  const customers = portfolio.customers;
  for (let n = 0; n < ctx.profile.contractsWithoutProject; n++) {
    const customer = must(customers[rng.int(0, customers.length - 1)], 'customer');
    const account = must(crm.accounts[customer.account], 'account');
    const le = must(ref.les[customer.le], 'le');
    const status = rng.weighted([
      ['DRAFT', 30],
      ['IN_APPROVAL', 35],
      ['APPROVED', 20],
      ['TERMINATED', 15],
    ] as const);
    const method = rng.weighted([
      ['TIME_AND_MATERIALS', 60],
      ['FIXED_FEE', 20],
      ['MILESTONE', 20],
    ] as const);
    const start = asOf + rng.int(20, 90);
    const end = start + rng.int(90, 270);
    const tcvE4 = dealAmountE4(rng, le.currency);
    const offering = rng.pick(SERVICE_OFFERINGS);
    const name = `${account.name} ${offering}`;
    const signed = status === 'TERMINATED' ? asOf - rng.int(20, 60) : null;
    const opportunityId = writeDeal({
      account,
      le: le.index,
      name,
      stage: 'CLOSED_WON',
      probability: 100,
      forecast: 'CLOSED',
      type: 'EXPANSION',
      amountE4: tcvE4,
      close: asOf - rng.int(1, 30),
      lossReason: null,
      lines: [{ offering, method, amountE4: tcvE4, hoursE2: null, start, end }],
    });
    writeContract({
      account,
      le: le.index,
      title: `${offering} statement of work`,
      status,
      method,
      start,
      end,
      tcvE4,
      opportunityId,
      signed,
      nteE4: null,
      rateCardId: customer.rateCard?.id ?? must(ref.standardCards[le.index], 'card').id,
    });
  }

  // The pipeline: open and lost deals over all prospects and customers; the Acme pair first.
  const wonCount = ctx.data.crm.opportunities.length;
  const remaining = Math.max(2, ctx.profile.opportunities - wonCount);
  const openCount = Math.max(2, Math.round(remaining * 0.35));
  const eligible = crm.accounts.filter((a) => a.role !== 'VENDOR');
  const customerLe = new Map(customers.map((c) => [c.account, c.le]));
  const acquired = ref.les.findIndex((le) => le.spec.code === ACQUIRED_LEGAL_ENTITY);
  for (let n = 0; n < remaining; n++) {
    const isOpen = n < openCount;
    const acme = n === 0 ? crm.acme.salesforce : n === 1 ? crm.acme.hubspot : -1;
    const account = must(acme >= 0 ? crm.accounts[acme] : rng.pick(eligible), 'account');
    const le =
      acme >= 0
        ? 0
        : (customerLe.get(account.index) ??
          (account.source === 'hubspot' && acquired >= 0
            ? acquired
            : rng.weighted(ref.les.map((l) => [l.index, l.spec.customerWeight] as const))));
    const currency = must(ref.les[le], 'le').currency;
    const offering = acme >= 0 ? 'Cloud Migration' : rng.pick(SERVICE_OFFERINGS);
    const amountE4 = acme >= 0 ? 420_000 * 10_000 + n * 35_000 * 10_000 : dealAmountE4(rng, currency);
    const stageSpec = acme >= 0 ? must(OPEN_STAGES[2], 'stage') : rng.pick(OPEN_STAGES);
    const close = isOpen ? (acme >= 0 ? asOf + 45 + n * 7 : asOf + rng.int(5, 150)) : rng.int(ctx.cal.windowStart, asOf - 1);
    const start = weekday(close + rng.int(14, 45));
    const method = rng.weighted([
      ['TIME_AND_MATERIALS', 60],
      ['FIXED_FEE', 15],
      ['MILESTONE', 15],
      ['RETAINER', 10],
    ] as const);
    const split = rng.chance(0.3) ? Math.round((amountE4 * 0.6) / 10_000_000) * 10_000_000 : amountE4;
    const lines = [{ offering, method, amountE4: split, hoursE2: null, start, end: start + rng.int(60, 240) }];
    if (split !== amountE4)
      lines.push({
        offering: rng.pick(SERVICE_OFFERINGS),
        method: 'FIXED_FEE',
        amountE4: amountE4 - split,
        hoursE2: null,
        start,
        end: start + rng.int(60, 180),
      });
    writeDeal({
      account,
      le,
      name: acme === crm.acme.hubspot ? 'ACME Corporation Cloud Migration Phase 2' : `${account.name} ${offering}`,
      stage: isOpen ? stageSpec[0] : 'CLOSED_LOST',
      probability: isOpen ? stageSpec[1] : 0,
      forecast: isOpen ? stageSpec[2] : 'OMITTED',
      type: customerLe.has(account.index) ? 'EXPANSION' : 'NEW_BUSINESS',
      amountE4,
      close,
      lossReason: isOpen ? null : rng.pick(LOSS_REASONS),
      lines,
    });
  }

  writeProjectRows(ctx, ref, crm, portfolio);
  return { signOffProject: signOff };
}

/** A deal size: median ~90k USD with a long tail (docs/demo-data.md#tiers), in `currency`, rounded to 1,000. */
function dealAmountE4(rng: Rng, currency: string): number {
  const usd =
    rng.weighted([
      [rng.int(20, 90), 50],
      [rng.int(90, 300), 38],
      [rng.int(300, 900), 12],
    ] as const) * 1000;
  const local = usd / must(USD_PER_UNIT[currency], 'fx');
  return Math.max(1000, Math.round(local / 1000) * 1000) * 10_000;
}

function previousWeekday(day: Day): Day {
  const w = isoWeekday(day);
  return w >= 6 ? day - (w - 5) : day;
}

function weekday(day: Day): Day {
  const w = isoWeekday(day);
  return w === 6 ? day + 2 : w === 7 ? day + 1 : day;
}

function contractStatus(rng: Rng, project: ProjectPlan): string {
  switch (project.status) {
    case 'ON_HOLD':
      return project.creditHold ? 'SUSPENDED' : 'ACTIVE';
    case 'CLOSED':
      return rng.chance(0.85) ? 'COMPLETED' : 'EXPIRED';
    case 'PLANNED':
      return rng.chance(0.7) ? 'ACTIVE' : 'SIGNED';
    case 'DRAFT':
      return rng.chance(0.5) ? 'APPROVED' : 'IN_APPROVAL';
    case 'CANCELLED':
      return 'CANCELLED';
    default:
      return 'ACTIVE';
  }
}

/** The first ACTIVE milestone project with a recently delivered milestone. */
function chooseSignOffProject(portfolio: Portfolio, ctx: SeedContext): number {
  const { asOf } = ctx.cal;
  const candidates = portfolio.projects.filter((p) => p.kind === 'CUSTOMER' && p.status === 'ACTIVE' && p.billingMethod === 'MILESTONE');
  const withPast = candidates.find((p) => milestoneTargets(p, ctx).some((t) => t <= asOf - 3));
  const longest = [...candidates].sort((a, b) => a.start - b.start)[0];
  return (withPast ?? longest)?.index ?? -1;
}

/** Milestone count and target days: spread over the part of the project inside the history window. */
function milestoneTargets(project: ProjectPlan, ctx: SeedContext): Day[] {
  const months = (project.end - project.start) / 30.4;
  const count = project.billingMethod === 'FIXED_FEE' ? (months > 6 ? 4 : 3) : Math.min(6, Math.max(2, Math.round(months / 1.5)));
  // Milestones before the window would be billed by invoices outside the dataset.
  const from = Math.max(project.start, ctx.cal.windowStart) + 21;
  const span = Math.max(7, project.end - from);
  const targets: Day[] = [];
  for (let i = 1; i <= count; i++) {
    let day = from + Math.round((span * i) / count);
    const w = isoWeekday(day);
    if (w >= 6) day -= w - 5;
    targets.push(Math.min(day, project.end));
  }
  return targets;
}

/** Fixes contract value, milestones and retainer fee of a customer project. */
function priceProject(rng: Rng, ctx: SeedContext, project: ProjectPlan, signOffFixture: boolean): void {
  const { asOf, windowStart } = ctx.cal;
  const currency = project.rateCard?.currency ?? 'USD';
  // An unstaffed project is priced as a small engagement (50k USD in its currency).
  const planned =
    project.plannedRevenueE4 > 0 ? project.plannedRevenueE4 : Math.round(50_000 / must(USD_PER_UNIT[currency], 'fx')) * 10_000;
  // Whole thousands of the contract currency, at least one thousand (never a floor above the planned effort).
  const toThousands = (e4: number) => Math.max(1, Math.round(e4 / 10_000_000)) * 10_000_000;
  switch (project.billingMethod) {
    case 'TIME_AND_MATERIALS':
      // The estimate is the planned effort at the card's rates, rounded up: what the time bills stays within it.
      project.contractValueE4 = Math.max(1, Math.ceil(planned / 10_000_000)) * 10_000_000;
      return;
    case 'RETAINER': {
      let months = 0;
      for (let m = monthStart(project.start); m <= project.end; m = addMonths(m, 1)) months++;
      project.retainerFeeE4 = Math.max(100, Math.round(planned / months / 1_000_000)) * 1_000_000;
      project.contractValueE4 = project.retainerFeeE4 * months;
      // The monthly fee is a billing source of its own: one milestone per month of the history and
      // after (earlier months were billed before the dataset begins), due at month end, billable
      // once the month is over (docs/demo-data.md#billing-cash-and-revenue).
      const started = project.status !== 'PLANNED' && project.status !== 'DRAFT' && project.status !== 'CANCELLED';
      for (let m = monthStart(Math.max(project.start, windowStart)); m <= project.end; m = addMonths(m, 1)) {
        const monthEnd = addMonths(m, 1) - 1;
        const ended = started && monthEnd < asOf && (project.holdDay === null || monthEnd < project.holdDay);
        project.milestones.push({
          id: ctx.nextId('ms'),
          name: `Retainer fee ${monthKey(m)}`,
          target: Math.min(monthEnd, project.end),
          amountE4: project.retainerFeeE4,
          requiresSignOff: false,
          actual: ended ? Math.min(monthEnd, project.end) : null,
          approvedOn: ended ? Math.min(monthEnd, project.end) : null,
        });
      }
      return;
    }
    case 'FIXED_FEE':
    case 'MILESTONE': {
      const value = toThousands(planned * rng.float(1, 1.15));
      project.contractValueE4 = value;
      const targets = milestoneTargets(project, ctx);
      // The sign-off fixture needs a delivered milestone: pull the first one in if none is due yet.
      if (signOffFixture && !targets.some((t) => t <= asOf - 3) && targets.length > 0) {
        targets[0] = Math.max(project.start + 1, previousWeekday(asOf - 5));
      }
      // Work is delivered only once a project has started (and not on cancelled ones).
      const started = project.status !== 'PLANNED' && project.status !== 'DRAFT' && project.status !== 'CANCELLED';
      const pendingIndex = signOffFixture ? targets.reduce((found, t, i) => (t <= asOf - 3 ? i : found), -1) : -1;
      let left = value;
      targets.forEach((target, i) => {
        const last = i === targets.length - 1;
        const amount = last ? left : Math.round(value / targets.length / 1_000_000) * 1_000_000;
        left -= amount;
        const requiresSignOff = project.billingMethod === 'MILESTONE' && (i === pendingIndex || rng.chance(0.6));
        const milestone: MilestonePlan = {
          id: ctx.nextId('ms'),
          name:
            project.billingMethod === 'FIXED_FEE'
              ? `Fixed fee instalment ${i + 1} of ${targets.length}`
              : `Deliverable ${i + 1}: ${rng.pick(DELIVERABLES)}`,
          target,
          amountE4: amount,
          requiresSignOff,
          actual: null,
          approvedOn: null,
        };
        if (target <= asOf && started) {
          milestone.actual = Math.max(project.start, target - rng.int(0, 4));
          // A closed project's milestones were all accepted in time for its final billing run.
          const acceptedOn = milestone.actual + (project.status === 'CLOSED' ? rng.int(0, 5) : rng.int(2, 12));
          if (!requiresSignOff) milestone.approvedOn = milestone.actual;
          else if (i !== pendingIndex && acceptedOn <= asOf) milestone.approvedOn = acceptedOn;
        }
        project.milestones.push(milestone);
      });
      return;
    }
    default:
      return;
  }
}

const DELIVERABLES = ['Discovery report', 'Solution design', 'Build complete', 'User acceptance', 'Go-live', 'Hypercare exit'];

function writeProjectRows(ctx: SeedContext, ref: Reference, crm: Accounts, portfolio: Portfolio): void {
  const people = ctx.data.psa.resources;
  for (const project of portfolio.projects) {
    const le = must(ref.les[project.le], 'le');
    const customer = project.kind === 'CUSTOMER';
    ctx.data.psa.projects.push({
      id: project.id,
      code: project.code,
      name: project.name,
      status: project.status,
      type: customer ? 'CUSTOMER_BILLABLE' : must(INTERNAL_TYPE[project.kind], 'internal type'),
      billing_method: project.billingMethod,
      account_id: customer ? must(crm.accounts[project.account], 'account').id : null,
      contract_id: project.contractId,
      legal_entity_id: le.id,
      start_date: ctx.iso(project.start),
      end_date: ctx.iso(project.end),
      currency: le.currency,
      project_manager_id: project.pm >= 0 ? must(people[project.pm], 'pm').id : null,
      budget_hours_e2: customer ? project.budgetHoursE2 : null,
      planned_revenue_e4: customer
        ? project.billingMethod === 'TIME_AND_MATERIALS'
          ? project.plannedRevenueE4
          : project.contractValueE4
        : null,
    });
  }
}
