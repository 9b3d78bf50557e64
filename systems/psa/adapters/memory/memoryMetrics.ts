/**
 * The PSA's metric reads over the in-memory vendor: the same groups and sums as the SQL adapter
 * (metricReads.ts, docs/metrics.md), computed from the vendor's records.
 */
import { restrictingRules, type RecordScope } from '../../../../policies/recordScope.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { HourClassTotals, PsaMetricsReads, RealizationTotals, UtilizationDimension } from '../../ports/metricsPort.ts';
import type { Project, Resource } from '../../ports/types.ts';
import { OBJECT, type ObjectType, type PsaRecords } from './objects.ts';

type All = <K extends ObjectType>(type: K) => Promise<PsaRecords[K][]>;

const HOMED = { legalEntity: (r: Resource) => r.homeLegalEntityId };
const CLASS_FIELD: Readonly<Record<string, keyof HourClassTotals>> = {
  BILLABLE: 'billableE2',
  NON_BILLABLE: 'nonBillableE2',
  CREDITED: 'creditedE2',
  EXCLUDED: 'excludedE2',
};
const NONE: HourClassTotals = { billableE2: 0, nonBillableE2: 0, creditedE2: 0, excludedE2: 0 };

function addHours(totals: HourClassTotals, hourClass: string, hoursE2: number): HourClassTotals {
  const field = CLASS_FIELD[hourClass];
  return field ? { ...totals, [field]: totals[field] + hoursE2 } : totals;
}

const roundE6ToE4 = (e6: bigint): number => Number((e6 + 50n) / 100n);

export function createMemoryPsaMetricReads(all: All, visibleProjects: () => Promise<Project[]>, scope: RecordScope): PsaMetricsReads {
  const partner = restrictingRules(scope, { account: (p: Project) => p.accountId }).length > 0;
  const population = async (legalEntityId: string | null) => {
    if (partner) return [];
    const roles = new Map((await all(OBJECT.role)).map((r) => [r.id, r]));
    return (await all(OBJECT.resource))
      .filter(isVisible(scope, HOMED))
      .filter((r) => r.isBookable && r.status !== 'TERMINATED' && (legalEntityId === null || r.homeLegalEntityId === legalEntityId))
      .map((r) => ({ resource: r, practice: roles.get(r.primaryRoleId)?.practice ?? '' }));
  };
  const keyOf = (groupBy: readonly UtilizationDimension[], resource: Resource, practice: string) => ({
    resourceId: groupBy.includes('RESOURCE') ? resource.id : null,
    practice: groupBy.includes('PRACTICE') ? practice : null,
    legalEntityId: groupBy.includes('LEGAL_ENTITY') ? resource.homeLegalEntityId : null,
  });
  const approvedTimecards = async () => new Map((await all(OBJECT.timecard)).filter((t) => t.status === 'APPROVED').map((t) => [t.id, t]));

  return {
    utilizationHours: async (period, groupBy, legalEntityId) => {
      const people = new Map((await population(legalEntityId)).map((p) => [p.resource.id, p]));
      const timecards = await approvedTimecards();
      const groups = new Map<string, ReturnType<typeof keyOf> & { month: string | null } & HourClassTotals>();
      for (const entry of await all(OBJECT.entry)) {
        const timecard = timecards.get(entry.timecardId);
        const person = timecard ? people.get(timecard.resourceId) : undefined;
        if (!person || entry.date < period.from || entry.date > period.to) continue;
        const key = {
          ...keyOf(groupBy, person.resource, person.practice),
          month: groupBy.includes('MONTH') ? entry.date.slice(0, 7) : null,
        };
        const id = JSON.stringify(key);
        groups.set(id, { ...key, ...addHours(groups.get(id) ?? NONE, entry.hourClass, entry.hoursE2) });
      }
      return [...groups.values()];
    },
    utilizationPopulation: async (groupBy, legalEntityId) => {
      const groups = new Map<string, ReturnType<typeof keyOf> & { resources: number }>();
      for (const person of await population(legalEntityId)) {
        const key = keyOf(groupBy, person.resource, person.practice);
        const id = JSON.stringify(key);
        groups.set(id, { ...key, resources: (groups.get(id)?.resources ?? 0) + 1 });
      }
      return [...groups.values()];
    },
    resourceHourTotals: async (ids, period) => {
      if (partner) return new Map();
      const wanted = new Set((await all(OBJECT.resource)).filter(isVisible(scope, HOMED)).map((r) => r.id));
      const timecards = await approvedTimecards();
      const totals = new Map<string, HourClassTotals>();
      for (const entry of await all(OBJECT.entry)) {
        const resourceId = timecards.get(entry.timecardId)?.resourceId;
        if (!resourceId || !ids.includes(resourceId) || !wanted.has(resourceId)) continue;
        if (entry.date < period.from || entry.date > period.to) continue;
        totals.set(resourceId, addHours(totals.get(resourceId) ?? NONE, entry.hourClass, entry.hoursE2));
      }
      return totals;
    },
    realizationTotals: async (period, groupBy, filter, rates) => {
      const projects = new Map((await visibleProjects()).map((p) => [p.id, p]));
      const timecards = await approvedTimecards();
      const groups = new Map<string, RealizationTotals & { standardE6: bigint }>();
      for (const entry of await all(OBJECT.entry)) {
        const project = projects.get(entry.projectId);
        if (!project || !timecards.has(entry.timecardId) || (entry.hourClass !== 'BILLABLE' && entry.hourClass !== 'CREDITED')) continue;
        if (entry.date < period.from || entry.date > period.to) continue;
        if (
          (filter.legalEntityId && project.legalEntityId !== filter.legalEntityId) ||
          (filter.currency && project.currency !== filter.currency)
        )
          continue;
        const rate = rates.find(
          (r) =>
            r.legalEntityId === project.legalEntityId &&
            r.roleId === entry.roleId &&
            r.currency === project.currency &&
            entry.date >= r.effectiveFrom &&
            entry.date <= (r.effectiveTo ?? '9999-12-31'),
        );
        const projectId = groupBy === 'PROJECT' ? project.id : null;
        const legalEntityId = groupBy === 'PORTFOLIO' ? null : project.legalEntityId;
        const id = JSON.stringify([project.currency, projectId, legalEntityId]);
        const g = groups.get(id) ?? {
          projectId,
          legalEntityId,
          currency: project.currency,
          billableHoursE2: 0,
          creditedHoursE2: 0,
          pricedHoursE2: 0,
          standardValueE4: 0,
          standardE6: 0n,
          billableValueE4: 0,
          billedValueE4: 0,
          pricedBilledValueE4: 0,
        };
        const billed = entry.billingStatus === 'BILLED' ? entry.billableE4 : 0;
        groups.set(id, {
          ...g,
          billableHoursE2: g.billableHoursE2 + (entry.hourClass === 'BILLABLE' ? entry.hoursE2 : 0),
          creditedHoursE2: g.creditedHoursE2 + (entry.hourClass === 'CREDITED' ? entry.hoursE2 : 0),
          pricedHoursE2: g.pricedHoursE2 + (rate ? entry.hoursE2 : 0),
          standardE6: g.standardE6 + (rate ? BigInt(entry.hoursE2) * BigInt(rate.billRateE4) : 0n),
          billableValueE4: g.billableValueE4 + entry.billableE4,
          billedValueE4: g.billedValueE4 + billed,
          pricedBilledValueE4: g.pricedBilledValueE4 + (rate ? billed : 0),
        });
      }
      return [...groups.values()]
        .map(({ standardE6, ...g }) => ({ ...g, standardValueE4: roundE6ToE4(standardE6) }))
        .sort(
          (a, b) =>
            cmp(a.currency, b.currency) || cmp(a.projectId ?? '', b.projectId ?? '') || cmp(a.legalEntityId ?? '', b.legalEntityId ?? ''),
        );
    },
    projectCostTotals: async (ids) => {
      const visible = new Set((await visibleProjects()).map((p) => p.id));
      const timecards = await approvedTimecards();
      const sums = new Map<string, { costsE6: Map<string, bigint>; costedHoursE2: number; uncostedHoursE2: number }>();
      for (const entry of await all(OBJECT.entry)) {
        if (!ids.includes(entry.projectId) || !visible.has(entry.projectId) || !timecards.has(entry.timecardId)) continue;
        const s = sums.get(entry.projectId) ?? { costsE6: new Map<string, bigint>(), costedHoursE2: 0, uncostedHoursE2: 0 };
        if (entry.costRateE4 === null || entry.costCurrency === null) s.uncostedHoursE2 += entry.hoursE2;
        else {
          s.costedHoursE2 += entry.hoursE2;
          s.costsE6.set(entry.costCurrency, (s.costsE6.get(entry.costCurrency) ?? 0n) + BigInt(entry.hoursE2) * BigInt(entry.costRateE4));
        }
        sums.set(entry.projectId, s);
      }
      return new Map(
        [...sums].map(([id, s]) => [
          id,
          {
            costsE4: new Map([...s.costsE6].map(([currency, e6]) => [currency, roundE6ToE4(e6)])),
            costedHoursE2: s.costedHoursE2,
            uncostedHoursE2: s.uncostedHoursE2,
          },
        ]),
      );
    },
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
