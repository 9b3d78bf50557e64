/**
 * The project-lifecycle part of the PSA ports on SQL (docs/capabilities.md#project-lifecycle).
 *
 * Reads: the work recorded on a project, counted in SQL, one grouped statement per kind, and the
 * billable sources generically over every source table (`SOURCE_TABLES`: a new kind of billable
 * source is one more row there).
 *
 * Writes: a close or cancel updates the project row first and checks the work after
 * (docs/invariants.md#inv-22). On PostgreSQL the update holds the row until commit; work on the
 * project (`projectForWork`: a timecard submitted or approved) reads the project `for share` before
 * it writes, so it either commits before the close checks (and is seen: READ COMMITTED reads
 * what committed before each statement) or waits for the close and then finds it CLOSED.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { engineOf } from '../../../kernel/capability/engine.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import type { ProjectLifecycleReads, ProjectLifecycleWrites, ProjectWork } from '../../ports/lifecyclePorts.ts';
import { toMilestone, toProject } from './rows.ts';
import type { PsaTables } from './tables.ts';

/** Every table of billable sources, its source type and the column holding a source's billable value. */
export const SOURCE_TABLES = [
  { table: 'time_entries', sourceType: 'TIME_SPLIT', amount: 'billable_e4' },
  { table: 'milestones', sourceType: 'MILESTONE', amount: 'amount_e4' },
  { table: 'expenses', sourceType: 'EXPENSE', amount: 'billable_e4' },
] as const;

/** Requests and assignments a cancellation withdraws (docs/state-machines.md#project). */
const OPEN_REQUESTS = ['DRAFT', 'OPEN', 'HELD'];
const UNSTARTED_ASSIGNMENTS = ['PROPOSED', 'CONFIRMED'];

const num = (value: unknown) => Number(value ?? 0);

export function createSqlLifecycleReads(
  db: Kysely<PsaTables>,
  restricted: boolean,
  ofVisibleProject: (column: string) => RawBuilder<boolean>,
): ProjectLifecycleReads {
  return {
    async projectWork(projectId): Promise<ProjectWork> {
      const visible = <Q extends { where: (condition: RawBuilder<boolean>) => Q }>(query: Q) =>
        restricted ? query.where(ofVisibleProject('project_id')) : query;
      const timecards = await visible(
        db
          .selectFrom('timecards')
          .select(['status', sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(total_hours_e2), 0)`.as('hours')])
          .where('project_id', '=', projectId),
      )
        .groupBy('status')
        .orderBy('status')
        .execute();
      const milestones = await visible(
        db
          .selectFrom('milestones')
          .select(['status', 'billing_status', sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(amount_e4), 0)`.as('amount')])
          .where('project_id', '=', projectId),
      )
        .groupBy(['status', 'billing_status'])
        .orderBy('status')
        .orderBy('billing_status')
        .execute();
      const sources = [];
      for (const { table, sourceType, amount } of SOURCE_TABLES) {
        const rows = await (db as unknown as Kysely<Record<string, { project_id: string; billing_status: string }>>)
          .selectFrom(table)
          .select(['billing_status', sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(${sql.ref(amount)}), 0)`.as('amount')])
          .where('project_id', '=', projectId)
          .$if(restricted, (q) => q.where(ofVisibleProject('project_id')))
          .groupBy('billing_status')
          .orderBy('billing_status')
          .execute();
        sources.push(
          ...rows.map((row) => ({ sourceType, billingStatus: row.billing_status, count: num(row.n), amountE4: num(row.amount) })),
        );
      }
      const drafts = await visible(
        db
          .selectFrom('billing_drafts')
          .select(['status', sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(summary_e4), 0)`.as('amount')])
          .where('project_id', '=', projectId),
      )
        .groupBy('status')
        .orderBy('status')
        .execute();
      return {
        timecards: timecards.map((row) => ({ status: row.status, count: num(row.n), hoursE2: num(row.hours) })),
        milestones: milestones.map((row) => ({
          status: row.status,
          billingStatus: row.billing_status,
          count: num(row.n),
          amountE4: num(row.amount),
        })),
        sources,
        drafts: drafts.map((row) => ({ status: row.status, count: num(row.n), amountE4: num(row.amount) })),
      };
    },
  };
}

/** `db` is the system's database (it names the engine); `trx` the capability's transaction on it. */
export function createSqlLifecycleWrites(db: Kysely<PsaTables>, trx: Transaction<PsaTables>): ProjectLifecycleWrites {
  const project = async (id: string) =>
    toProject(await trx.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const milestone = async (id: string) =>
    toMilestone(await trx.selectFrom('milestones').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

  /** Moves every row of `table` on the project in one of `from` to `to`, one version up; answers their ids. */
  const withdraw = async (table: 'resource_requests' | 'assignments', projectId: string, from: readonly string[], to: string) => {
    const rows = await trx
      .selectFrom(table)
      .select('id')
      .where('project_id', '=', projectId)
      .where('status', 'in', from)
      .orderBy('id')
      .execute();
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) {
      await trx
        .updateTable(table)
        .set((eb) => ({ status: to, aggregate_version: eb('aggregate_version', '+', 1) }))
        .where('id', 'in', ids)
        .execute();
    }
    return ids;
  };

  return {
    async moveProject(current, move, check) {
      // The update first: it holds the row until commit, before the check reads the work.
      await updateAggregate(trx, 'projects', 'Project', current, { status: move.status, status_reason: move.statusReason });
      if (check) await check();
      return project(current.id);
    },

    async cancelProject(current, reason, check) {
      await updateAggregate(trx, 'projects', 'Project', current, { status: 'CANCELLED', status_reason: reason });
      await check();
      const cancelledRequests = await withdraw('resource_requests', current.id, OPEN_REQUESTS, 'CANCELLED');
      const cancelledAssignments = await withdraw('assignments', current.id, UNSTARTED_ASSIGNMENTS, 'CANCELLED');
      const completedAssignments = await withdraw('assignments', current.id, ['ACTIVE'], 'COMPLETED');
      return { project: await project(current.id), cancelledRequests, cancelledAssignments, completedAssignments };
    },

    async projectForWork(projectId) {
      const query = trx.selectFrom('projects').selectAll().where('id', '=', projectId);
      const row = (await engineOf(db)) === 'postgres' ? await query.forShare().executeTakeFirst() : await query.executeTakeFirst();
      return row ? toProject(row) : null;
    },

    async acceptMilestone(current, acceptance) {
      await updateAggregate(trx, 'milestones', 'Milestone', current, {
        status: 'ACCEPTED',
        ...(acceptance.approveForBilling ? { approved_for_billing: 1, billing_status: 'READY_TO_BILL' } : {}),
        accepted_by: acceptance.acceptedBy,
        accepted_on: acceptance.acceptedOn,
        acceptance_reference: acceptance.reference,
        acceptance_rejection_reason: null,
        acceptance_recorded_by: acceptance.recordedBy,
      });
      return milestone(current.id);
    },

    async rejectMilestoneAcceptance(current, rejection) {
      await updateAggregate(trx, 'milestones', 'Milestone', current, {
        status: 'REJECTED',
        acceptance_rejection_reason: rejection.reason,
        acceptance_recorded_by: rejection.recordedBy,
      });
      return milestone(current.id);
    },
  };
}
