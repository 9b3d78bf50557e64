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
      const rows = await population()
        .innerJoin('timecards', 'timecards.resource_id', 'resources.id')
        .innerJoin('time_entries', 'time_entries.timecard_id', 'timecards.id')
        .where('timecards.status', '=', 'APPROVED')
        .where('time_entries.entry_date', '>=', period.from)
        .where('time_entries.entry_date', '<=', period.to)
        .$if(legalEntityId !== null, (q) => q.where('resources.home_legal_entity_id', '=', legalEntityId ?? ''))
        .select([
          (by.resource ? sql<string | null>`resources.id` : sql<string | null>`null`).as('resource_id'),
          (by.practice ? sql<string | null>`roles.practice` : sql<string | null>`null`).as('practice'),
          (by.legalEntity ? sql<string | null>`resources.home_legal_entity_id` : sql<string | null>`null`).as('legal_entity_id'),
          (by.month ? month : sql<string | null>`null`).as('month'),
          hoursOf('BILLABLE').as('billable'),
          hoursOf('NON_BILLABLE').as('non_billable'),
          hoursOf('CREDITED').as('credited'),
          hoursOf('EXCLUDED').as('excluded'),
        ])
        .$if(by.resource, (q) => q.groupBy('resources.id'))
        .$if(by.practice, (q) => q.groupBy('roles.practice'))
        .$if(by.legalEntity, (q) => q.groupBy('resources.home_legal_entity_id'))
        .$if(by.month, (q) => q.groupBy(month))
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
      // The standard rates travel into the statement as a VALUES table (a handful of rows per legal entity and role).
      const std = rates.length
        ? sql`values ${sql.join(
            rates.map(
              (r) =>
                sql`(${r.legalEntityId}, ${r.roleId}, ${r.currency}, cast(${r.billRateE4} as bigint), ${r.effectiveFrom}, ${r.effectiveTo ?? '9999-12-31'})`,
            ),
          )}`
        : sql`select null, null, null, cast(0 as bigint), null, null where 1 = 0`;
      const projectKey = groupBy === 'PROJECT' ? sql`p.id` : sql`null`;
      const entityKey = groupBy === 'PORTFOLIO' ? sql`null` : sql`p.legal_entity_id`;
      const groupKeys: Expression<unknown>[] = [sql`p.currency`];
      if (groupBy === 'PROJECT') groupKeys.push(sql`p.id`);
      if (groupBy !== 'PORTFOLIO') groupKeys.push(sql`p.legal_entity_id`);
      const visible = restricted ? sql`and p.id in (${projects().select('id')})` : sql``;
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
        with std(legal_entity_id, role_id, currency, rate_e4, effective_from, effective_to) as (${std})
        select ${projectKey} as project_id, ${entityKey} as legal_entity_id, p.currency as currency,
          coalesce(sum(case when e.hour_class = 'BILLABLE' then e.hours_e2 else 0 end), 0) as hours,
          coalesce(sum(case when e.hour_class = 'CREDITED' then e.hours_e2 else 0 end), 0) as credited,
          coalesce(sum(case when std.rate_e4 is not null then e.hours_e2 else 0 end), 0) as priced,
          coalesce(sum(e.hours_e2 * std.rate_e4), 0) as standard,
          coalesce(sum(e.billable_e4), 0) as billable,
          coalesce(sum(case when e.billing_status = 'BILLED' then e.billable_e4 else 0 end), 0) as billed,
          coalesce(sum(case when e.billing_status = 'BILLED' and std.rate_e4 is not null then e.billable_e4 else 0 end), 0) as priced_billed
        from time_entries e
        join timecards t on t.id = e.timecard_id
        join projects p on p.id = e.project_id
        left join std on std.legal_entity_id = p.legal_entity_id and std.role_id = e.role_id and std.currency = p.currency
          and e.entry_date >= std.effective_from and e.entry_date <= std.effective_to
        where t.status = 'APPROVED' and e.hour_class in ('BILLABLE', 'CREDITED')
          and e.entry_date >= ${period.from} and e.entry_date <= ${period.to}
          ${filter.legalEntityId ? sql`and p.legal_entity_id = ${filter.legalEntityId}` : sql``}
          ${filter.currency ? sql`and p.currency = ${filter.currency}` : sql``}
          ${visible}
        group by ${sql.join(groupKeys)}
        order by p.currency${groupBy === 'PROJECT' ? sql`, p.id` : sql``}${groupBy === 'LEGAL_ENTITY' ? sql`, p.legal_entity_id` : sql``}
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
      const rows = await db
        .selectFrom('time_entries')
        .innerJoin('timecards', 'timecards.id', 'time_entries.timecard_id')
        .select([
          'time_entries.project_id as project_id',
          sql<string | null>`case when time_entries.cost_rate_e4 is null then null else time_entries.cost_currency end`.as('currency'),
          sql<number>`coalesce(sum(time_entries.hours_e2 * time_entries.cost_rate_e4), 0)`.as('cost'),
          sql<number>`coalesce(sum(time_entries.hours_e2), 0)`.as('hours'),
        ])
        .where('time_entries.project_id', 'in', ids)
        .where('timecards.status', '=', 'APPROVED')
        .$if(restricted, (q) => q.where(ofVisibleProject('time_entries.project_id')))
        .groupBy([
          'time_entries.project_id',
          sql`case when time_entries.cost_rate_e4 is null then null else time_entries.cost_currency end`,
        ])
        .execute();
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
