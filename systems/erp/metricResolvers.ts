/**
 * The ERP's metric fields (schema/erp/metrics.graphql, docs/metrics.md): DSO by the countback
 * method, backlog, margin and invoice cycle time. Each reads the ERP's aggregates once per field;
 * margin and cycle time read the PSA's side (direct cost, billing-draft cut-offs) once, through the
 * peers and as the caller, with one `_entities` call whatever the number of projects or invoices.
 * A row's legal entity is the whole record, read by the request's loader in one statement.
 */
import { money, parseScaled, formatHours } from '../kernel/decimal.ts';
import { dayNumber, metricPeriod, monthEnd, ratio, type MetricPeriodInput } from '../kernel/metricPeriod.ts';
import { ref } from '../kernel/refs.ts';
import type { ErpContext } from './context.ts';
import type { EntityAmount, MonthlySales, ProjectRevenue } from './ports/metricsPort.ts';

type Ctx = ErpContext;
type Group = 'PROJECT' | 'LEGAL_ENTITY' | 'PORTFOLIO';

/** How many months back countback DSO looks before it stops (docs/metrics.md#dso). */
export const COUNTBACK_MONTHS = 24;

interface Filter {
  readonly legalEntityId?: string | null;
  readonly currency?: string | null;
}
const filterOf = (args: Filter) => ({ legalEntityId: args.legalEntityId ?? null, currency: args.currency ?? null });
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first day of the month `months` before the month of `iso`. */
function monthsBefore(iso: string, months: number): string {
  const year = Number(iso.slice(0, 4));
  const index = Number(iso.slice(5, 7)) - 1 - months;
  const date = new Date(Date.UTC(year, index, 1));
  return date.toISOString().slice(0, 10);
}

/**
 * Countback DSO as an exact fraction (days): from the as-of month back, each month's sales are
 * taken off the receivables until they are used up; a month used in full adds its days (the as-of
 * month its days up to the as-of date), the last one its pro-rated part.
 */
export function countbackDays(
  receivablesE4: number,
  asOf: string,
  salesByMonth: ReadonlyMap<string, number>,
): { numerator: bigint; denominator: bigint; months: number } {
  let remaining = BigInt(receivablesE4);
  let fullDays = 0n;
  for (let back = 0; back < COUNTBACK_MONTHS; back += 1) {
    if (remaining <= 0n) return { numerator: fullDays, denominator: 1n, months: back };
    const start = monthsBefore(asOf, back);
    const end = back === 0 ? asOf : monthEnd(start.slice(0, 7));
    const days = BigInt(dayNumber(end) - dayNumber(start) + 1);
    const sales = BigInt(salesByMonth.get(start.slice(0, 7)) ?? 0);
    if (sales > 0n && remaining <= sales) return { numerator: fullDays * sales + remaining * days, denominator: sales, months: back + 1 };
    fullDays += days;
    remaining -= sales > 0n ? sales : 0n;
  }
  return { numerator: fullDays, denominator: 1n, months: COUNTBACK_MONTHS };
}

async function dso(args: { period: MetricPeriodInput } & Filter, ctx: Ctx) {
  const period = metricPeriod(args.period);
  const filter = filterOf(args);
  const [receivables, monthly, inPeriod] = await Promise.all([
    ctx.read.receivablesAt(period.to, filter),
    ctx.read.monthlySales(monthsBefore(period.to, COUNTBACK_MONTHS - 1), period.to, filter),
    ctx.read.monthlySales(period.from, period.to, filter),
  ]);
  const key = (r: { legalEntityId: string; currency: string }) => `${r.legalEntityId}|${r.currency}`;
  const periodDays = dayNumber(period.to) - dayNumber(period.from) + 1;
  // Legal entities and currencies that invoiced in the period but have nothing receivable still get a row.
  const rows = new Map<string, EntityAmount>();
  for (const s of inPeriod) rows.set(key(s), { legalEntityId: s.legalEntityId, currency: s.currency, amountE4: 0 });
  for (const r of receivables) rows.set(key(r), r);
  return [...rows.values()]
    .sort((a, b) => cmp(a.legalEntityId, b.legalEntityId) || cmp(a.currency, b.currency))
    .map((r) => {
      const salesByMonth = new Map(monthly.filter((s: MonthlySales) => key(s) === key(r)).map((s) => [s.month, s.amountE4]));
      const periodSales = inPeriod.filter((s) => key(s) === key(r)).reduce((sum, s) => sum + s.amountE4, 0);
      const countback = countbackDays(r.amountE4, period.to, salesByMonth);
      return {
        legalEntityId: r.legalEntityId,
        currency: r.currency,
        asOf: period.to,
        receivables: money(r.amountE4, r.currency),
        periodSales: money(periodSales, r.currency),
        periodDays,
        simpleDso: periodSales > 0 && r.amountE4 >= 0 ? bigRatio(BigInt(r.amountE4) * BigInt(periodDays), BigInt(periodSales)) : null,
        countbackDso: bigRatio(countback.numerator, countback.denominator),
        monthsCounted: countback.months,
      };
    });
}

/** n / d with one decimal, half away from zero (n, d ≥ 0). */
function bigRatio(n: bigint, d: bigint): string {
  const tenths = (n * 20n + d) / (d * 2n);
  return `${tenths / 10n}.${tenths % 10n}`;
}

interface Grouped {
  key: string;
  project: { id: string } | null;
  legalEntityId: string | null;
  currency: string;
}
function groupOf(group: Group, row: { projectId: string; legalEntityId: string; currency: string }): Grouped {
  const projectId = group === 'PROJECT' ? row.projectId : null;
  const legalEntityId = group === 'PORTFOLIO' ? null : row.legalEntityId;
  return {
    key: `${projectId ?? ''}|${legalEntityId ?? ''}|${row.currency}`,
    project: ref(projectId),
    legalEntityId,
    currency: row.currency,
  };
}

async function backlog(args: { groupBy: Group } & Filter, ctx: Ctx) {
  const revenue = await ctx.read.projectRevenue({ ...filterOf(args), projectIds: null });
  const groups = new Map<string, Grouped & { contractedE4: number; recognizedE4: number }>();
  for (const row of revenue) {
    const g = groupOf(args.groupBy, row);
    const sum = groups.get(g.key) ?? { ...g, contractedE4: 0, recognizedE4: 0 };
    groups.set(g.key, { ...sum, contractedE4: sum.contractedE4 + row.allocatedE4, recognizedE4: sum.recognizedE4 + row.recognizedE4 });
  }
  return [...groups.values()]
    .sort((a, b) => cmp(a.key, b.key))
    .map(({ key: _key, ...g }) => ({
      project: g.project,
      legalEntityId: g.legalEntityId,
      currency: g.currency,
      contracted: money(g.contractedE4, g.currency),
      recognized: money(g.recognizedE4, g.currency),
      backlog: money(g.contractedE4 - g.recognizedE4, g.currency),
    }));
}

interface PsaProjectCost {
  _entities: ({ id: string; directCost: { amounts: { amount: string; currency: string }[]; uncostedHours: string } } | null)[];
}
const PROJECT_COSTS = `query ProjectCosts($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Project { id directCost { amounts { amount currency } uncostedHours } } }
}`;

async function margin(args: { groupBy: Group; projectIds?: string[] | null } & Filter, ctx: Ctx) {
  const revenue = await ctx.read.projectRevenue({ ...filterOf(args), projectIds: args.projectIds ?? null });
  const projectIds = [...new Set(revenue.map((r: ProjectRevenue) => r.projectId))];
  const costs = new Map<string, { amountsE4: Map<string, number>; uncostedE2: number }>();
  if (projectIds.length > 0) {
    const data = await ctx.peers.read<PsaProjectCost>('psa', PROJECT_COSTS, {
      representations: projectIds.map((id) => ({ __typename: 'Project', id })),
    });
    for (const entity of data._entities) {
      if (!entity) continue;
      costs.set(entity.id, {
        amountsE4: new Map(entity.directCost.amounts.map((m) => [m.currency, parseScaled(m.amount)])),
        uncostedE2: parseScaled(entity.directCost.uncostedHours, 100),
      });
    }
  }
  const groups = new Map<string, Grouped & { revenueE4: number; costE4: number; otherE4: Map<string, number>; uncostedE2: number }>();
  const costCounted = new Set<string>();
  for (const row of revenue) {
    const g = groupOf(args.groupBy, row);
    const sum = groups.get(g.key) ?? { ...g, revenueE4: 0, costE4: 0, otherE4: new Map<string, number>(), uncostedE2: 0 };
    sum.revenueE4 += row.recognizedE4;
    // A project's cost counts once, in the group of its first (by currency) revenue row.
    const cost = costs.get(row.projectId);
    if (cost && !costCounted.has(row.projectId)) {
      costCounted.add(row.projectId);
      sum.uncostedE2 += cost.uncostedE2;
      for (const [currency, amountE4] of cost.amountsE4) {
        if (currency === row.currency) sum.costE4 += amountE4;
        else sum.otherE4.set(currency, (sum.otherE4.get(currency) ?? 0) + amountE4);
      }
    }
    groups.set(g.key, sum);
  }
  return [...groups.values()]
    .sort((a, b) => cmp(a.key, b.key))
    .map((g) => ({
      project: g.project,
      legalEntityId: g.legalEntityId,
      currency: g.currency,
      revenue: money(g.revenueE4, g.currency),
      directCost: money(g.costE4, g.currency),
      margin: money(g.revenueE4 - g.costE4, g.currency),
      marginPercent: g.revenueE4 > 0 ? ratio((g.revenueE4 - g.costE4) * 100, g.revenueE4, 2) : null,
      otherCurrencyCost: [...g.otherE4].sort(([a], [b]) => cmp(a, b)).map(([currency, amountE4]) => money(amountE4, currency)),
      uncostedHours: formatHours(g.uncostedE2),
    }));
}

interface PsaDraftCutoffs {
  _entities: ({ id: string; cutoffDate: string } | null)[];
}
const DRAFT_CUTOFFS = `query DraftCutoffs($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on BillingDraft { id cutoffDate } }
}`;

async function invoiceCycleTime(args: { period: MetricPeriodInput } & Filter, ctx: Ctx) {
  const period = metricPeriod(args.period);
  const invoices = await ctx.read.invoicesFromDrafts(period, filterOf(args));
  const draftIds = [...new Set(invoices.map((i) => i.billingDraftId))];
  const cutoffs = new Map<string, string>();
  if (draftIds.length > 0) {
    const data = await ctx.peers.read<PsaDraftCutoffs>('psa', DRAFT_CUTOFFS, {
      representations: draftIds.map((id) => ({ __typename: 'BillingDraft', id })),
    });
    for (const draft of data._entities) if (draft) cutoffs.set(draft.id, draft.cutoffDate);
  }
  const groups = new Map<string, { days: number[]; unmatched: number }>();
  for (const invoice of invoices) {
    const g = groups.get(invoice.legalEntityId) ?? { days: [], unmatched: 0 };
    const cutoff = cutoffs.get(invoice.billingDraftId);
    if (cutoff === undefined) g.unmatched += 1;
    else g.days.push(dayNumber(invoice.invoiceDate) - dayNumber(cutoff));
    groups.set(invoice.legalEntityId, g);
  }
  return [...groups]
    .sort(([a], [b]) => cmp(a, b))
    .map(([legalEntityId, g]) => {
      const sorted = [...g.days].sort((a, b) => a - b);
      return {
        legalEntityId,
        invoiceCount: g.days.length,
        invoicesWithoutCutoff: g.unmatched,
        averageDays: sorted.length
          ? ratio(
              sorted.reduce((s, d) => s + d, 0),
              sorted.length,
              2,
            )
          : null,
        medianDays: sorted.length ? ratio((sorted[(sorted.length - 1) >> 1] ?? 0) + (sorted[sorted.length >> 1] ?? 0), 2, 1) : null,
        maxDays: sorted.length ? (sorted[sorted.length - 1] ?? null) : null,
      };
    });
}

/**
 * The rows' legal entity, an entity the ERP owns itself: the record, through the request's loader
 * (one statement for every row, the one `legalEntity(id:)` and `_entities` read), not a `{ id }`
 * stub. A stub only suits another subgraph's entity (the project, the PSA's), whose fields the
 * gateway fetches from its owner; here the ERP itself resolves the fields asked of it.
 */
const legalEntityOfRow = (row: { legalEntityId: string | null }, _: unknown, ctx: Ctx) =>
  row.legalEntityId === null ? null : ctx.loaders.legalEntity.load(row.legalEntityId);
export const erpMetricRowTypes = {
  DsoRow: { legalEntity: legalEntityOfRow },
  BacklogRow: { legalEntity: legalEntityOfRow },
  MarginRow: { legalEntity: legalEntityOfRow },
  InvoiceCycleTimeRow: { legalEntity: legalEntityOfRow },
};

export const erpMetricQueries = {
  dso: (_: unknown, args: Parameters<typeof dso>[0], ctx: Ctx) => dso(args, ctx),
  backlog: (_: unknown, args: Parameters<typeof backlog>[0], ctx: Ctx) => backlog(args, ctx),
  margin: (_: unknown, args: Parameters<typeof margin>[0], ctx: Ctx) => margin(args, ctx),
  invoiceCycleTime: (_: unknown, args: Parameters<typeof invoiceCycleTime>[0], ctx: Ctx) => invoiceCycleTime(args, ctx),
};
