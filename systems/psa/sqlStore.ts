import { sql, type Kysely } from 'kysely';
import { inScope, keysetPage, noKeys } from '../kernel/sqlPage.ts';
import type { PsaStore } from './store.ts';
import type { PsaTables } from './tables.ts';

/** Assignment statuses that put a person on the team. */
const STAFFED = ['CONFIRMED', 'ACTIVE'];
/** Billing statuses of approved billable value not yet invoiced (docs/metrics.md#wip, WIP). */
const UNBILLED = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT'];

/** The PSA store on SQL (SQLite or PostgreSQL through Kysely). */
export function createSqlPsaStore(db: Kysely<PsaTables>): PsaStore {
  return {
    projectsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('projects').selectAll().where('id', 'in', ids).execute()),
    projectsPage: (filter, page, scope) => {
      let query = inScope(db.selectFrom('projects'), scope, { legalEntity: 'legal_entity_id', account: 'account_id' });
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.type?.length) query = query.where('type', 'in', filter.type);
      if (filter.customerId) query = query.where('account_id', '=', filter.customerId);
      if (filter.legalEntityId) query = query.where('legal_entity_id', '=', filter.legalEntityId);
      return keysetPage(query, page);
    },
    projectsByAccountIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('projects').selectAll().where('account_id', 'in', ids).orderBy('id').execute(),
    projectsByContractIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('projects').selectAll().where('contract_id', 'in', ids).orderBy('id').execute(),
    // Two separate aggregates: a field that needs only the staff count (a portfolio dashboard)
    // must not pay for summing every approved time entry of every project.
    projectStaffCounts: async (ids) => {
      if (noKeys(ids)) return new Map();
      const rows = await db.selectFrom('assignments')
        .select(['project_id', sql<number>`count(distinct resource_id)`.as('staff')])
        .where('project_id', 'in', ids).where('status', 'in', STAFFED)
        .groupBy('project_id').execute();
      return new Map(rows.map((row) => [row.project_id, Number(row.staff)]));
    },
    projectTimeTotals: async (ids) => {
      if (noKeys(ids)) return new Map();
      const rows = await db.selectFrom('time_entries')
        .innerJoin('timecards', 'timecards.id', 'time_entries.timecard_id')
        .select([
          'time_entries.project_id as project_id',
          sql<number>`coalesce(sum(time_entries.hours_e2), 0)`.as('hours'),
          sql<number>`coalesce(sum(case when time_entries.billing_status in (${sql.join(UNBILLED)}) then time_entries.billable_e4 else 0 end), 0)`.as('wip'),
        ])
        .where('time_entries.project_id', 'in', ids).where('timecards.status', '=', 'APPROVED')
        .groupBy('time_entries.project_id').execute();
      return new Map(rows.map((row) => [row.project_id, { approvedHoursE2: Number(row.hours), unbilledWipE4: Number(row.wip) }]));
    },
    contractLinesByContractIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('contract_lines').selectAll().where('contract_id', 'in', ids).orderBy('id').execute(),
    milestonesByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('milestones').selectAll().where('project_id', 'in', ids).orderBy('target_date').orderBy('id').execute(),
    rolesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('roles').selectAll().where('id', 'in', ids).execute()),
    allRoles: () => db.selectFrom('roles').selectAll().orderBy('id').execute(),
    resourcesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('resources').selectAll().where('id', 'in', ids).execute()),
    resourcesPage: (filter, page) => {
      let query = db.selectFrom('resources');
      if (filter.roleId) query = query.where('primary_role_id', '=', filter.roleId);
      if (filter.homeLegalEntityId) query = query.where('home_legal_entity_id', '=', filter.homeLegalEntityId);
      return keysetPage(query, page);
    },
    assignmentsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('assignments').selectAll().where('id', 'in', ids).execute()),
    assignmentsByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('assignments').selectAll().where('project_id', 'in', ids).orderBy('start_date').orderBy('id').execute(),
    assignmentsByResourceIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('assignments').selectAll().where('resource_id', 'in', ids).orderBy('start_date').orderBy('id').execute(),
    resourceRequestsByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('resource_requests').selectAll().where('project_id', 'in', ids).orderBy('id').execute(),
    timecardsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('timecards').selectAll().where('id', 'in', ids).execute()),
    recentTimecardsByProjectIds: async (ids, statuses, limit) => {
      if (noKeys(ids) || limit === 0) return [];
      let ranked = db.selectFrom('timecards')
        .selectAll()
        .select(sql<number>`row_number() over (partition by project_id order by week_start desc, id)`.as('rank'))
        .where('project_id', 'in', ids);
      if (statuses?.length) ranked = ranked.where('status', 'in', statuses);
      const rows = await db.selectFrom(ranked.as('ranked')).selectAll().where('rank', '<=', limit)
        .orderBy('project_id').orderBy('rank').execute();
      return rows.map(({ rank: _rank, ...row }) => row);
    },
    timeEntriesByTimecardIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('time_entries').selectAll().where('timecard_id', 'in', ids).orderBy('entry_date').orderBy('id').execute(),
    billingDraftsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('billing_drafts').selectAll().where('id', 'in', ids).execute()),
    billingDraftsByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('billing_drafts').selectAll().where('project_id', 'in', ids).orderBy('cutoff_date', 'desc').orderBy('id').execute(),
    billingDraftItemsByDraftIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('billing_draft_items').selectAll().where('draft_id', 'in', ids).orderBy('id').execute(),
  };
}
