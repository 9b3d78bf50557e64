/**
 * The PSA's metric reads on SQL (docs/metrics.md): each method is one aggregate statement with
 * `GROUP BY`, whatever the number of keys, with the record scope in the same statement.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { restrictingRules, type RecordScope } from '../../../../policies/recordScope.ts';
import { inScope, noKeys } from '../../../kernel/sqlPage.ts';
import type { PsaMetricsReads, UtilizationDimension } from '../../ports/metricsPort.ts';
import type { PsaTables } from './tables.ts';

const SCOPED = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;
/** The utilization population is scoped by the resource's home legal entity (docs/metrics.md#utilization). */
const HOMED = { legalEntity: 'home_legal_entity_id' } as const;

const num = (value: unknown): number => Number(value ?? 0);
const hoursOf = (cls: string) =>
  sql<number>`coalesce(sum(case when time_entries.hour_class = ${cls} then time_entries.hours_e2 else 0 end), 0)`;

export function createSqlPsaMetricReads(db: Kysely<PsaTables>, scope: RecordScope): PsaMetricsReads {
  const restricted = restrictingRules(scope, SCOPED).length > 0;
  // Firm-wide people metrics: a caller restricted to some customers (a partner) sees no population.
  const partner = restrictingRules(scope, { account: 'account_id' }).length > 0;
  const projects = () => inScope(db.selectFrom('projects'), scope, SCOPED);
  const ofVisibleProject = (column: string) => sql<SqlBool>`${sql.ref(column)} in (${projects().select('id')})`;
  /** The population: bookable, not terminated resources homed in a legal entity the scope sees. */
  const population = () =>
    inScope(
      db
        .selectFrom('resources')
        .innerJoin('roles', 'roles.id', 'resources.primary_role_id')
        .where('resources.is_bookable', '=', 1)
        .where('resources.status', '!=', 'TERMINATED')
        .$if(partner, (q) => q.where(sql<SqlBool>`1 = 0`)),
      scope,
      { legalEntity: 'resources.home_legal_entity_id' },
    );
  const dimensionColumns = (groupBy: readonly UtilizationDimension[]) => ({
    resource: groupBy.includes('RESOURCE'),
    practice: groupBy.includes('PRACTICE'),
    legalEntity: groupBy.includes('LEGAL_ENTITY'),
    month: groupBy.includes('MONTH'),
  });

  return {
    utilizationHours: async (period, groupBy, legalEntityId) => {
      const by = dimensionColumns(groupBy);
      const month = sql<string | null>`substr(time_entries.entry_date, 1, 7)`;
      // The period's entries summed per timecard (and month) by the entry_date index first; then the
      // approved timecards of the population (`cross join`: SQLite joins in this order, not by status).
      const entries = db
        .selectFrom('time_entries')
        .select([
          'time_entries.timecard_id as timecard_id',
          (by.month ? month : sql<string | null>`null`).as('month'),
          hoursOf('BILLABLE').as('billable'),
          hoursOf('NON_BILLABLE').as('non_billable'),
          hoursOf('CREDITED').as('credited'),
          hoursOf('EXCLUDED').as('excluded'),
        ])
        .where('time_entries.entry_date', '>=', period.from)
        .where('time_entries.entry_date', '<=', period.to)
        .groupBy('time_entries.timecard_id')
        .$if(by.month, (q) => q.groupBy(month))
        .as('e');
      const rows = await inScope(
        db
          .selectFrom(entries)
          .crossJoin('timecards')
          .innerJoin('resources', 'resources.id', 'timecards.resource_id')
          .innerJoin('roles', 'roles.id', 'resources.primary_role_id')
          .whereRef('timecards.id', '=', 'e.timecard_id')
          .where('timecards.status', '=', 'APPROVED')
          .where('resources.is_bookable', '=', 1)
          .where('resources.status', '!=', 'TERMINATED')
          .$if(partner, (q) => q.where(sql<SqlBool>`1 = 0`)),
        scope,
        { legalEntity: 'resources.home_legal_entity_id' },
      )
        .$if(legalEntityId !== null, (q) => q.where('resources.home_legal_entity_id', '=', legalEntityId ?? ''))
        .select([
          (by.resource ? sql<string | null>`resources.id` : sql<string | null>`null`).as('resource_id'),
          (by.practice ? sql<string | null>`roles.practice` : sql<string | null>`null`).as('practice'),
          (by.legalEntity ? sql<string | null>`resources.home_legal_entity_id` : sql<string | null>`null`).as('legal_entity_id'),
          (by.month ? sql<string | null>`e.month` : sql<string | null>`null`).as('month'),
          sql<number>`coalesce(sum(e.billable), 0)`.as('billable'),
          sql<number>`coalesce(sum(e.non_billable), 0)`.as('non_billable'),
          sql<number>`coalesce(sum(e.credited), 0)`.as('credited'),
          sql<number>`coalesce(sum(e.excluded), 0)`.as('excluded'),
        ])
        .$if(by.resource, (q) => q.groupBy('resources.id'))
        .$if(by.practice, (q) => q.groupBy('roles.practice'))
        .$if(by.legalEntity, (q) => q.groupBy('resources.home_legal_entity_id'))
        .$if(by.month, (q) => q.groupBy('e.month'))
        .execute();
      return rows.map((row) => ({
        resourceId: row.resource_id,
        practice: row.practice,
        legalEntityId: row.legal_entity_id,
        month: row.month,
        billableE2: num(row.billable),
        nonBillableE2: num(row.non_billable),
        creditedE2: num(row.credited),
        excludedE2: num(row.excluded),
      }));
    },
    utilizationPopulation: async (groupBy, legalEntityId) => {
      const by = dimensionColumns(groupBy);
      const rows = await population()
        .$if(legalEntityId !== null, (q) => q.where('resources.home_legal_entity_id', '=', legalEntityId ?? ''))
        .select([
          (by.resource ? sql<string | null>`resources.id` : sql<string | null>`null`).as('resource_id'),
          (by.practice ? sql<string | null>`roles.practice` : sql<string | null>`null`).as('practice'),
          (by.legalEntity ? sql<string | null>`resources.home_legal_entity_id` : sql<string | null>`null`).as('legal_entity_id'),
          sql<number>`count(*)`.as('resources'),
        ])
        .$if(by.resource, (q) => q.groupBy('resources.id'))
        .$if(by.practice, (q) => q.groupBy('roles.practice'))
        .$if(by.legalEntity, (q) => q.groupBy('resources.home_legal_entity_id'))
        .execute();
      return rows.map((row) => ({
        resourceId: row.resource_id,
        practice: row.practice,
        legalEntityId: row.legal_entity_id,
        resources: num(row.resources),
      }));
    },
    resourceHourTotals: async (ids, period) => {
      if (noKeys(ids) || partner) return new Map();
      const rows = await inScope(db.selectFrom('resources'), scope, HOMED)
        .innerJoin('timecards', 'timecards.resource_id', 'resources.id')
        .innerJoin('time_entries', 'time_entries.timecard_id', 'timecards.id')
        .where('resources.id', 'in', ids)
        .where('timecards.status', '=', 'APPROVED')
        .where('time_entries.entry_date', '>=', period.from)
        .where('time_entries.entry_date', '<=', period.to)
        .select([
          'resources.id as id',
          hoursOf('BILLABLE').as('billable'),
          hoursOf('NON_BILLABLE').as('non_billable'),
          hoursOf('CREDITED').as('credited'),
          hoursOf('EXCLUDED').as('excluded'),
        ])
        .groupBy('resources.id')
        .execute();
      return new Map(
        rows.map((row) => [
          row.id,
          {
            billableE2: num(row.billable),
            nonBillableE2: num(row.non_billable),
            creditedE2: num(row.credited),
            excludedE2: num(row.excluded),
          },
        ]),
      );
    },
    realizationTotals: async (period, groupBy, filter, rates) => {
      // The standard rates travel into the statement as a VALUES table: only the lines effective at
      // some day of the period can price an entry of it (a handful of rows per legal entity and role).
      const effective = rates.filter((r) => r.effectiveFrom <= period.to && (r.effectiveTo ?? '9999-12-31') >= period.from);
      const std = effective.length
        ? sql`values ${sql.join(
            effective.map(
              (r) =>
                sql`(${r.legalEntityId}, ${r.roleId}, ${r.currency}, cast(${r.billRateE4} as bigint), ${r.effectiveFrom}, ${r.effectiveTo ?? '9999-12-31'})`,
            ),
          )}`
        : sql`select null, null, null, cast(0 as bigint), null, null where 1 = 0`;
      const projectKey = groupBy === 'PROJECT' ? sql`w.project_id` : sql`null`;
      const entityKey = groupBy === 'PORTFOLIO' ? sql`null` : sql`w.legal_entity_id`;
      const groupKeys: Expression<unknown>[] = [sql`w.currency`];
      if (groupBy === 'PROJECT') groupKeys.push(sql`w.project_id`);
      if (groupBy !== 'PORTFOLIO') groupKeys.push(sql`w.legal_entity_id`);
      const visible = restricted ? sql`and p.id in (${projects().select('id')})` : sql``;
      // Sums are linear, so entries are summed per project, role and day before the rate is looked up
      // (docs/metrics.md#realization): the period's entries come by the entry_date index, each checks
      // its timecard is approved by primary key (`exists`, so no engine drives by timecard status) and
      // they are summed per project, role and day (a); each (legal entity, role, currency, day) is priced
      // once against the effective lines (r), and the days join their price by equality.
      const result = await sql<{
        project_id: string | null;
        legal_entity_id: string | null;
        currency: string;
        hours: unknown;
        credited: unknown;
        priced: unknown;
        standard: unknown;
        billable: unknown;
        billed: unknown;
        priced_billed: unknown;
      }>`
        with std(legal_entity_id, role_id, currency, rate_e4, effective_from, effective_to) as (${std}),
        a as (
          select e.project_id, e.role_id, e.entry_date,
            sum(case when e.hour_class = 'BILLABLE' then e.hours_e2 else 0 end) as hours,
            sum(case when e.hour_class = 'CREDITED' then e.hours_e2 else 0 end) as credited,
            sum(e.hours_e2) as all_hours,
            sum(e.billable_e4) as billable,
            sum(case when e.billing_status = 'BILLED' then e.billable_e4 else 0 end) as billed
          from time_entries e
          where e.hour_class in ('BILLABLE', 'CREDITED') and e.entry_date >= ${period.from} and e.entry_date <= ${period.to}
            and exists (select 1 from timecards t where t.id = e.timecard_id and t.status = 'APPROVED')
          group by e.project_id, e.role_id, e.entry_date
        ),
        w as (
          select a.project_id, a.role_id, a.entry_date, a.hours, a.credited, a.all_hours, a.billable, a.billed,
            p.legal_entity_id, p.currency
          from a join projects p on p.id = a.project_id
          where 1 = 1
          ${filter.legalEntityId ? sql`and p.legal_entity_id = ${filter.legalEntityId}` : sql``}
          ${filter.currency ? sql`and p.currency = ${filter.currency}` : sql``}
          ${visible}
        ),
        r as (
          select k.legal_entity_id, k.role_id, k.currency, k.entry_date, std.rate_e4
          from (select distinct legal_entity_id, role_id, currency, entry_date from w) k
          join std on std.legal_entity_id = k.legal_entity_id and std.role_id = k.role_id and std.currency = k.currency
            and k.entry_date >= std.effective_from and k.entry_date <= std.effective_to
        )
        select ${projectKey} as project_id, ${entityKey} as legal_entity_id, w.currency as currency,
          coalesce(sum(w.hours), 0) as hours,
          coalesce(sum(w.credited), 0) as credited,
          coalesce(sum(case when r.rate_e4 is not null then w.all_hours else 0 end), 0) as priced,
          coalesce(sum(w.all_hours * r.rate_e4), 0) as standard,
          coalesce(sum(w.billable), 0) as billable,
          coalesce(sum(w.billed), 0) as billed,
          coalesce(sum(case when r.rate_e4 is not null then w.billed else 0 end), 0) as priced_billed
        from w
        left join r on r.legal_entity_id = w.legal_entity_id and r.role_id = w.role_id and r.currency = w.currency
          and r.entry_date = w.entry_date
        group by ${sql.join(groupKeys)}
        order by w.currency${groupBy === 'PROJECT' ? sql`, w.project_id` : sql``}${groupBy === 'LEGAL_ENTITY' ? sql`, w.legal_entity_id` : sql``}
      `.execute(db);
      return result.rows.map((row) => ({
        projectId: row.project_id,
        legalEntityId: row.legal_entity_id,
        currency: row.currency,
        billableHoursE2: num(row.hours),
        creditedHoursE2: num(row.credited),
        pricedHoursE2: num(row.priced),
        // hours e2 × rate e4 is e6: one rounding to e4, half away from zero (amounts are never negative here).
        standardValueE4: Number((BigInt(String(row.standard ?? 0)) + 50n) / 100n),
        billableValueE4: num(row.billable),
        billedValueE4: num(row.billed),
        pricedBilledValueE4: num(row.priced_billed),
      }));
    },
    projectCostTotals: async (ids) => {
      if (noKeys(ids)) return new Map();
      // Approved = every entry − the entries of timecards not approved (exact integer sums). Each part
      // sums hours per (project, cost currency, cost rate) first: the first part in the order of the
      // (project_id, cost_currency, cost_rate_e4, hours_e2) index, read alone without a sort; the second
      // the few timecards not approved, found by the status index (`<` or `>`: an index range, where
      // `<>` scans every timecard). Σ hours × rate is then Σ rate × Σ hours per rate, still exact; a
      // group with no approved entry (n = 0) is left out.
      const visible = restricted ? sql`and ${ofVisibleProject('e.project_id')}` : sql``;
      const currency = sql`case when e.cost_rate_e4 is null then null else e.cost_currency end`;
      const result = await sql<{ project_id: string; currency: string | null; cost: unknown; hours: unknown }>`
        select x.project_id as project_id, x.currency as currency,
          coalesce(sum(x.hours * x.rate), 0) as cost, coalesce(sum(x.hours), 0) as hours
        from (
          select e.project_id, ${currency} as currency, e.cost_rate_e4 as rate, sum(e.hours_e2) as hours, count(*) as n
          from time_entries e
          where e.project_id in (${sql.join(ids)}) ${visible}
          group by e.project_id, e.cost_currency, e.cost_rate_e4
          union all
          select e.project_id, ${currency} as currency, e.cost_rate_e4 as rate, -sum(e.hours_e2) as hours, -count(*) as n
          from timecards t cross join time_entries e
          where (t.status < 'APPROVED' or t.status > 'APPROVED') and e.timecard_id = t.id
            and e.project_id in (${sql.join(ids)}) ${visible}
          group by e.project_id, e.cost_currency, e.cost_rate_e4
        ) x
        group by x.project_id, x.currency
        having sum(x.n) > 0
      `.execute(db);
      const rows = result.rows;
      const totals = new Map<string, { costsE4: Map<string, number>; costedHoursE2: number; uncostedHoursE2: number }>();
      for (const row of rows) {
        const total = totals.get(row.project_id) ?? { costsE4: new Map<string, number>(), costedHoursE2: 0, uncostedHoursE2: 0 };
        // A row without a currency holds the entries without a frozen cost rate.
        if (row.currency === null) total.uncostedHoursE2 += num(row.hours);
        else {
          total.costedHoursE2 += num(row.hours);
          total.costsE4.set(row.currency, Number((BigInt(String(row.cost ?? 0)) + 50n) / 100n));
        }
        totals.set(row.project_id, total);
      }
      return totals;
    },
  };
}
