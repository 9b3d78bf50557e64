/**
 * The PSA's metric fields (schema/psa/metrics.graphql, docs/metrics.md): utilization, a resource's
 * time summary, realization and the cost side of margin. Each is one aggregate of the read port per
 * request tick, whatever the number of rows or keys; realization reads the ERP's standard rate cards
 * through the peers, as the caller, once. A row's project or resource is the whole record, read by
 * the request's loader in one statement for all the rows.
 */
import { formatHours, money, parseScaled } from '../kernel/decimal.ts';
import { loaderFamily, valueLoader } from '../kernel/loaders.ts';
import { metricPeriod, monthsOf, ratio, weekdaysBetween, type MetricPeriod, type MetricPeriodInput } from '../kernel/metricPeriod.ts';
import { ref } from '../kernel/refs.ts';
import type { PsaContext } from './context.ts';
import type {
  HourClassTotals,
  ProjectCostTotals,
  RealizationDimension,
  RealizationTotals,
  StandardRate,
  UtilizationDimension,
} from './ports/metricsPort.ts';
import type { PsaReadPort } from './ports/readPort.ts';
import type { Project, Resource } from './ports/types.ts';

type Ctx = PsaContext;

/** A resource's capacity: 8 hours per weekday (the capacity check's day, docs/metrics.md#utilization). */
export const DAY_CAPACITY_E2 = 800;

const NO_HOURS: HourClassTotals = { billableE2: 0, nonBillableE2: 0, creditedE2: 0, excludedE2: 0 };
const NO_COST: ProjectCostTotals = { costsE4: new Map(), costedHoursE2: 0, uncostedHoursE2: 0 };

/** Per-request loaders of the metric fields, kept beside the request's read port. */
const loadersOf = new WeakMap<PsaReadPort, ReturnType<typeof createMetricLoaders>>();
function createMetricLoaders(read: PsaReadPort) {
  return {
    hoursByResource: loaderFamily((period: MetricPeriod) =>
      valueLoader((ids: readonly string[]) => read.resourceHourTotals(ids, period), NO_HOURS),
    ),
    costByProject: valueLoader((ids: readonly string[]) => read.projectCostTotals(ids), NO_COST),
  };
}
function metricLoaders(ctx: Ctx) {
  let loaders = loadersOf.get(ctx.read);
  if (!loaders) {
    loaders = createMetricLoaders(ctx.read);
    loadersOf.set(ctx.read, loaders);
  }
  return loaders;
}

/** The figures shared by a utilization row and a time summary. */
function utilizationFigures(hours: HourClassTotals, capacityE2: number) {
  const availableE2 = capacityE2 - hours.excludedE2;
  return {
    capacityHours: formatHours(capacityE2),
    billableHours: formatHours(hours.billableE2),
    nonBillableHours: formatHours(hours.nonBillableE2),
    creditedHours: formatHours(hours.creditedE2),
    excludedHours: formatHours(hours.excludedE2),
    availableHours: formatHours(availableE2),
    billableUtilization: availableE2 > 0 ? ratio(hours.billableE2, availableE2) : null,
    productiveUtilization: availableE2 > 0 ? ratio(hours.billableE2 + hours.creditedE2, availableE2) : null,
  };
}

const groupId = (key: { resourceId: string | null; practice: string | null; legalEntityId: string | null }) =>
  JSON.stringify([key.resourceId, key.practice, key.legalEntityId]);

async function utilization(args: { period: MetricPeriodInput; groupBy: UtilizationDimension[]; legalEntityId?: string | null }, ctx: Ctx) {
  const period = metricPeriod(args.period);
  const groupBy = [...new Set(args.groupBy)];
  const legalEntityId = args.legalEntityId ?? null;
  const [hours, population] = await Promise.all([
    ctx.read.utilizationHours(period, groupBy, legalEntityId),
    ctx.read.utilizationPopulation(groupBy, legalEntityId),
  ]);
  const months = groupBy.includes('MONTH') ? monthsOf(period) : [{ month: null, ...period }];
  const hoursOf = new Map(hours.map((h) => [`${groupId(h)}|${h.month ?? ''}`, h]));
  const rows = population.flatMap((group) =>
    months.map((m) => {
      const h = hoursOf.get(`${groupId(group)}|${m.month ?? ''}`) ?? NO_HOURS;
      return {
        resourceId: group.resourceId,
        practice: group.practice,
        legalEntity: ref(group.legalEntityId),
        month: m.month,
        resourceCount: group.resources,
        sortKey: [group.legalEntityId ?? '', group.practice ?? '', group.resourceId ?? '', m.month ?? ''],
        ...utilizationFigures(h, group.resources * weekdaysBetween(m.from, m.to) * DAY_CAPACITY_E2),
      };
    }),
  );
  return rows.sort((a, b) => compareKeys(a.sortKey, b.sortKey)).map(({ sortKey: _sortKey, ...row }) => row);
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return (a[i] ?? '') < (b[i] ?? '') ? -1 : 1;
  return 0;
}

interface ErpRateCards {
  rateCards: {
    currency: string;
    legalEntity: { id: string };
    customer: { id: string } | null;
    lines: { role: { id: string } | null; billRate: { amount: string }; effectiveFrom: string; effectiveTo: string | null }[];
  }[];
}

// Only the standard cards travel (a tenth of the lines of every card on the demo data); `customer` is still checked.
const RATE_CARDS = `query StandardRateCards { rateCards(standard: true) { currency legalEntity { id } customer { id } lines { role { id } billRate { amount } effectiveFrom effectiveTo } } }`;

/** The standard rate cards (no customer) of the legal entities the caller sees, from the ERP that owns them. */
async function standardRates(ctx: Ctx): Promise<StandardRate[]> {
  const data = await ctx.peers.read<ErpRateCards>('erp', RATE_CARDS);
  return (data.rateCards ?? [])
    .filter((card) => card.customer === null)
    .flatMap((card) =>
      card.lines.flatMap((line) =>
        line.role
          ? [
              {
                legalEntityId: card.legalEntity.id,
                roleId: line.role.id,
                currency: card.currency,
                billRateE4: parseScaled(line.billRate.amount),
                effectiveFrom: line.effectiveFrom,
                effectiveTo: line.effectiveTo,
              },
            ]
          : [],
      ),
    );
}

async function realization(
  args: { period: MetricPeriodInput; groupBy: RealizationDimension; legalEntityId?: string | null; currency?: string | null },
  ctx: Ctx,
) {
  const period = metricPeriod(args.period);
  const totals = await ctx.read.realizationTotals(
    period,
    args.groupBy,
    { legalEntityId: args.legalEntityId ?? null, currency: args.currency ?? null },
    await standardRates(ctx),
  );
  return totals.map((t: RealizationTotals) => ({
    projectId: t.projectId,
    legalEntity: ref(t.legalEntityId),
    currency: t.currency,
    billableHours: formatHours(t.billableHoursE2),
    creditedHours: formatHours(t.creditedHoursE2),
    pricedHours: formatHours(t.pricedHoursE2),
    standardValue: money(t.standardValueE4, t.currency),
    billableValue: money(t.billableValueE4, t.currency),
    billedValue: money(t.billedValueE4, t.currency),
    billingRealization: ratio(t.pricedBilledValueE4, t.standardValueE4),
  }));
}

export const psaMetricQueries = {
  utilization: (_: unknown, args: Parameters<typeof utilization>[0], ctx: Ctx) => utilization(args, ctx),
  realization: (_: unknown, args: Parameters<typeof realization>[0], ctx: Ctx) => realization(args, ctx),
};

/**
 * The rows' entities the PSA owns itself: the record, through the request's loader (one statement
 * for every row's project or resource, the one `project(id:)`, `resource(id:)` and `_entities`
 * read), not a `{ id }` stub. A stub only suits another subgraph's entity (the legal entity), whose
 * fields the gateway fetches from its owner; here the PSA itself resolves the fields asked of it.
 */
export const psaMetricRowTypes = {
  UtilizationRow: {
    resource: (row: { resourceId: string | null }, _: unknown, ctx: Ctx) =>
      row.resourceId === null ? null : ctx.loaders.resource.load(row.resourceId),
  },
  RealizationRow: {
    project: (row: { projectId: string | null }, _: unknown, ctx: Ctx) =>
      row.projectId === null ? null : ctx.loaders.project.load(row.projectId),
  },
};

export const psaMetricResourceFields = {
  timeSummary: async (resource: Resource, args: { period: MetricPeriodInput }, ctx: Ctx) => {
    const period = metricPeriod(args.period);
    const hours = await metricLoaders(ctx).hoursByResource(period).load(resource.id);
    const capacity =
      resource.isBookable && resource.status !== 'TERMINATED' ? weekdaysBetween(period.from, period.to) * DAY_CAPACITY_E2 : 0;
    return { from: period.from, to: period.to, ...utilizationFigures(hours, capacity) };
  },
};

export const psaMetricProjectFields = {
  directCost: async (project: Project, _: unknown, ctx: Ctx) => {
    const cost = await metricLoaders(ctx).costByProject.load(project.id);
    return {
      amounts: [...cost.costsE4].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, amountE4]) => money(amountE4, currency)),
      costedHours: formatHours(cost.costedHoursE2),
      uncostedHours: formatHours(cost.uncostedHoursE2),
    };
  },
};
