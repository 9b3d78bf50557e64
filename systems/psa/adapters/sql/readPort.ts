/**
 * The PSA read port on SQL (SQLite or PostgreSQL through Kysely), bound to a record scope. The
 * scope is applied in each statement, so pages, counts and aggregates never see a hidden row, and
 * no statement is added: projects and drafts carry their own legal entity and customer; every
 * other record is visible through its project (or draft), checked in the same statement.
 * Aggregates (staff, approved hours, unbilled WIP, billed to date) are computed in SQL.
 */
import { sql, type Kysely } from 'kysely';
import { restrictingRules, type RecordScope } from '../../../../policies/recordScope.ts';
import { inScope, keysetPage, noKeys } from '../../../kernel/sqlPage.ts';
import type { PsaReadPort } from '../../ports/readPort.ts';
import {
  toAssignment,
  toBillingDraft,
  toBillingDraftItem,
  toContractLine,
  toMilestone,
  toProject,
  toResource,
  toResourceRequest,
  toRole,
  toTimecard,
  toTimeEntry,
} from './rows.ts';
import { createSqlPsaMetricReads } from './metricReads.ts';
import type { PsaTables } from './tables.ts';
import { createSqlExpenseReads, readyExpenses } from './expenseReads.ts';
import { createSqlTimeReads } from './timeReads.ts';
import { createSqlBillingControlReads } from './billingControls.ts';
import { createSqlSourceCreditReads } from './sourceCredits.ts';
import { createSqlLifecycleReads } from './lifecycle.ts';

/** Assignment statuses that put a person on the team, and that take a resource's hours (hard bookings). */
const STAFFED = ['CONFIRMED', 'ACTIVE'];
/** Billing statuses of approved billable value not yet invoiced (docs/metrics.md#wip, WIP). */
const UNBILLED = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT'];
/** Where projects and drafts hold the attributes the record policies read. */
const SCOPED = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;
/** The attribute whose rule restricts the people a caller sees (through the projects they work on). */
const PEOPLE = { account: SCOPED.account } as const;

export function createSqlPsaReadPort(db: Kysely<PsaTables>, scope: RecordScope): PsaReadPort {
  const restricted = restrictingRules(scope, SCOPED).length > 0;
  const projects = () => inScope(db.selectFrom('projects'), scope, SCOPED);
  const drafts = () => inScope(db.selectFrom('billing_drafts'), scope, SCOPED);
  /** `column` names a project the scope sees (nothing to check for a caller who sees every project). */
  const ofVisibleProject = (column: string) => sql<boolean>`${sql.ref(column)} in (${projects().select('id')})`;
  const ofVisibleDraft = (column: string) => sql<boolean>`${sql.ref(column)} in (${drafts().select('id')})`;
  const milestones = () => db.selectFrom('milestones').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  const assignments = () => db.selectFrom('assignments').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  const requests = () => db.selectFrom('resource_requests').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  const timecards = () => db.selectFrom('timecards').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  const entries = () => db.selectFrom('time_entries').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  // People are restricted by the customer-account rule only (a partner sees the people on its
  // projects); legal entities do not hide intercompany colleagues (docs/ownership.md#what-partners-see).
  const staffRestricted = restrictingRules(scope, PEOPLE).length > 0;
  const staff = () =>
    db
      .selectFrom('resources')
      .$if(staffRestricted, (q) =>
        q.where(
          (eb) =>
            sql<boolean>`(${eb.ref('id')} in (${assignments().select('resource_id')}) or ${eb.ref('id')} in (${timecards().select(
              'resource_id',
            )}) or ${eb.ref('id')} in (${projects().select('project_manager_id').where('project_manager_id', 'is not', null)}))`,
        ),
      );

  return {
    ...createSqlExpenseReads(db, restricted, ofVisibleProject),
    ...createSqlTimeReads(db),
    ...createSqlBillingControlReads(db, scope),
    ...createSqlSourceCreditReads(db, scope),
    ...createSqlLifecycleReads(db, restricted, ofVisibleProject),
    ...createSqlPsaMetricReads(db, scope),
    projectsByIds: async (ids) => (noKeys(ids) ? [] : (await projects().selectAll().where('id', 'in', ids).execute()).map(toProject)),
    projectsPage: async (filter, page) => {
      let query = projects();
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.type?.length) query = query.where('type', 'in', filter.type);
      if (filter.customerId) query = query.where('account_id', '=', filter.customerId);
      if (filter.legalEntityId) query = query.where('legal_entity_id', '=', filter.legalEntityId);
      const { rows, total } = await keysetPage(query, page);
      return { rows: rows.map(toProject), total };
    },
    projectsByAccountIds: async (ids) =>
      noKeys(ids) ? [] : (await projects().selectAll().where('account_id', 'in', ids).orderBy('id').execute()).map(toProject),
    projectsByContractIds: async (ids) =>
      noKeys(ids) ? [] : (await projects().selectAll().where('contract_id', 'in', ids).orderBy('id').execute()).map(toProject),
    // Two separate aggregates: a field that needs only the staff count (a portfolio dashboard)
    // must not pay for summing every approved time entry of every project.
    projectStaffCounts: async (ids) => {
      if (noKeys(ids)) return new Map();
      const rows = await db
        .selectFrom('assignments')
        .select(['project_id', sql<number>`count(distinct resource_id)`.as('staff')])
        .where('project_id', 'in', ids)
        .where('status', 'in', STAFFED)
        .$if(restricted, (q) => q.where(ofVisibleProject('project_id')))
        .groupBy('project_id')
        .execute();
      return new Map(rows.map((row) => [row.project_id, Number(row.staff)]));
    },
    projectTimeTotals: async (ids) => {
      if (noKeys(ids)) return new Map();
      const rows = await db
        .selectFrom('time_entries')
        .innerJoin('timecards', 'timecards.id', 'time_entries.timecard_id')
        .select([
          'time_entries.project_id as project_id',
          sql<number>`coalesce(sum(time_entries.hours_e2), 0)`.as('hours'),
          sql<number>`coalesce(sum(case when time_entries.billing_status in (${sql.join(UNBILLED)}) then time_entries.billable_e4 else 0 end), 0)`.as(
            'wip',
          ),
        ])
        .where('time_entries.project_id', 'in', ids)
        .where('timecards.status', '=', 'APPROVED')
        .$if(restricted, (q) => q.where(ofVisibleProject('time_entries.project_id')))
        .groupBy('time_entries.project_id')
        .execute();
      return new Map(rows.map((row) => [row.project_id, { approvedHoursE2: Number(row.hours), unbilledWipE4: Number(row.wip) }]));
    },
    contractLinesByContractIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await db.selectFrom('contract_lines').selectAll().where('contract_id', 'in', ids).orderBy('id').execute()).map(toContractLine),
    milestonesByIds: async (ids) => (noKeys(ids) ? [] : (await milestones().selectAll().where('id', 'in', ids).execute()).map(toMilestone)),
    milestonesByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await milestones().selectAll().where('project_id', 'in', ids).orderBy('target_date').orderBy('id').execute()).map(toMilestone),
    rolesByIds: async (ids) => (noKeys(ids) ? [] : (await db.selectFrom('roles').selectAll().where('id', 'in', ids).execute()).map(toRole)),
    allRoles: async () => (await db.selectFrom('roles').selectAll().orderBy('id').execute()).map(toRole),
    resourcesByIds: async (ids) =>
      noKeys(ids) ? [] : (await db.selectFrom('resources').selectAll().where('id', 'in', ids).execute()).map(toResource),
    visibleResourcesByIds: async (ids) => (noKeys(ids) ? [] : (await staff().selectAll().where('id', 'in', ids).execute()).map(toResource)),
    resourceOfSubject: async (subject) => {
      const row = await db
        .selectFrom('resources')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', subject), eb(eb.fn('lower', ['email']), '=', subject.toLowerCase())]))
        .orderBy('id')
        .executeTakeFirst();
      return row ? toResource(row) : null;
    },
    resourcesPage: async (filter, page) => {
      let query = staff();
      if (filter.roleId) query = query.where('primary_role_id', '=', filter.roleId);
      if (filter.homeLegalEntityId) query = query.where('home_legal_entity_id', '=', filter.homeLegalEntityId);
      const { rows, total } = await keysetPage(query, page);
      return { rows: rows.map(toResource), total };
    },
    hardBookings: async (resourceId, startDate, endDate) => {
      const rows = await db
        .selectFrom('assignments')
        .select(['start_date', 'end_date', 'scheduled_hours_e2'])
        .where('resource_id', '=', resourceId)
        .where('status', 'in', STAFFED)
        .where('start_date', '<=', endDate)
        .where('end_date', '>=', startDate)
        .execute();
      return rows.map((a) => ({ startDate: a.start_date, endDate: a.end_date, hoursE2: a.scheduled_hours_e2 }));
    },
    assignmentsByIds: async (ids) =>
      noKeys(ids) ? [] : (await assignments().selectAll().where('id', 'in', ids).execute()).map(toAssignment),
    assignmentsByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await assignments().selectAll().where('project_id', 'in', ids).orderBy('start_date').orderBy('id').execute()).map(toAssignment),
    assignmentsByResourceIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await assignments().selectAll().where('resource_id', 'in', ids).orderBy('start_date').orderBy('id').execute()).map(toAssignment),
    resourceRequestsByIds: async (ids) =>
      noKeys(ids) ? [] : (await requests().selectAll().where('id', 'in', ids).execute()).map(toResourceRequest),
    resourceRequestsByProjectIds: async (ids) =>
      noKeys(ids) ? [] : (await requests().selectAll().where('project_id', 'in', ids).orderBy('id').execute()).map(toResourceRequest),
    timecardsByIds: async (ids) => (noKeys(ids) ? [] : (await timecards().selectAll().where('id', 'in', ids).execute()).map(toTimecard)),
    timecardOfWeek: async (resourceId, projectId, weekStart) => {
      const row = await timecards()
        .selectAll()
        .where('resource_id', '=', resourceId)
        .where('project_id', '=', projectId)
        .where('week_start', '=', weekStart)
        .executeTakeFirst();
      return row ? toTimecard(row) : null;
    },
    recentTimecardsByProjectIds: async (ids, statuses, limit) => {
      if (noKeys(ids) || limit === 0) return [];
      let ranked = timecards()
        .selectAll()
        .select(sql<number>`row_number() over (partition by project_id order by week_start desc, id)`.as('rank'))
        .where('project_id', 'in', ids);
      if (statuses?.length) ranked = ranked.where('status', 'in', statuses);
      const rows = await db
        .selectFrom(ranked.as('ranked'))
        .selectAll()
        .where('rank', '<=', limit)
        .orderBy('project_id')
        .orderBy('rank')
        .execute();
      return rows.map(({ rank: _rank, ...row }) => toTimecard(row));
    },
    timeEntriesByTimecardIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await entries().selectAll().where('timecard_id', 'in', ids).orderBy('entry_date').orderBy('id').execute()).map(toTimeEntry),
    readySources: async (projectId, cutoffDate) => {
      const time = await db
        .selectFrom('time_entries')
        .innerJoin('roles', 'roles.id', 'time_entries.role_id')
        .select([
          'time_entries.id',
          'time_entries.entry_date',
          'time_entries.hours_e2',
          'time_entries.bill_rate_e4',
          'time_entries.billable_e4',
          'roles.name as role',
        ])
        .where('time_entries.project_id', '=', projectId)
        .where('time_entries.billing_status', '=', 'READY_TO_BILL')
        .where('time_entries.entry_date', '<=', cutoffDate)
        .$if(restricted, (q) => q.where(ofVisibleProject('time_entries.project_id')))
        .orderBy('time_entries.entry_date')
        .orderBy('time_entries.id')
        .execute();
      const ready = await milestones()
        .selectAll()
        .where('project_id', '=', projectId)
        .where('billing_status', '=', 'READY_TO_BILL')
        .where('actual_date', '<=', cutoffDate)
        .orderBy('actual_date')
        .orderBy('id')
        .execute();
      return {
        time: time.map((e) => ({
          id: e.id,
          date: e.entry_date,
          hoursE2: e.hours_e2,
          billRateE4: e.bill_rate_e4,
          billableE4: e.billable_e4,
          roleName: e.role,
        })),
        milestones: ready.map(toMilestone),
        expenses: await readyExpenses(db, restricted, ofVisibleProject, projectId, cutoffDate),
      };
    },
    billingDraftsByIds: async (ids) =>
      noKeys(ids) ? [] : (await drafts().selectAll().where('id', 'in', ids).execute()).map(toBillingDraft),
    billingDraftsByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await drafts().selectAll().where('project_id', 'in', ids).orderBy('cutoff_date', 'desc').orderBy('id').execute()).map(
            toBillingDraft,
          ),
    billingDraftItemsByDraftIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await db
              .selectFrom('billing_draft_items')
              .selectAll()
              .where('draft_id', 'in', ids)
              .$if(restricted, (q) => q.where(ofVisibleDraft('draft_id')))
              .orderBy('id')
              .execute()
          ).map(toBillingDraftItem),
    billedOnContract: async (contractId) => {
      const billed = await drafts()
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('summary_e4'), eb.lit(0)).as('total'))
        // Through the projects of the contract: drafts are indexed by project.
        .where('project_id', 'in', (eb) => eb.selectFrom('projects').select('id').where('contract_id', '=', contractId))
        .where('contract_id', '=', contractId)
        .where('status', '!=', 'DISCARDED')
        .executeTakeFirstOrThrow();
      return Number(billed.total);
    },
    billedOnContractBySource: async (contractId) => {
      const rows = await drafts()
        .innerJoin('billing_draft_items', 'billing_draft_items.draft_id', 'billing_drafts.id')
        .select((eb) => ['billing_draft_items.source_type as sourceType', eb.fn.sum<number>('billing_draft_items.amount_e4').as('total')])
        .where('billing_drafts.project_id', 'in', (eb) => eb.selectFrom('projects').select('id').where('contract_id', '=', contractId))
        .where('billing_drafts.contract_id', '=', contractId)
        .where('billing_drafts.status', '!=', 'DISCARDED')
        .groupBy('billing_draft_items.source_type')
        .orderBy('billing_draft_items.source_type')
        .execute();
      return rows.map((row) => ({ sourceType: row.sourceType, amountE4: Number(row.total) }));
    },
    plannedOnContract: async (contractId) => {
      const planned = await db
        .selectFrom('milestones')
        .innerJoin('projects', 'projects.id', 'milestones.project_id')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('milestones.amount_e4'), eb.lit(0)).as('total'))
        .where('projects.contract_id', '=', contractId)
        .$if(restricted, (q) => q.where(ofVisibleProject('projects.id')))
        .executeTakeFirstOrThrow();
      return Number(planned.total);
    },
    projectCodeTaken: async (code) =>
      (await db.selectFrom('projects').select('id').where('code', '=', code).executeTakeFirst()) !== undefined,
  };
}
