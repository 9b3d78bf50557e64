/**
 * How PSA capabilities read the records they check and change, within the caller's record scope:
 * a project (and so its requests, assignments, timecards and milestones) outside the caller's
 * legal entities or customers is NOT_FOUND, exactly like a missing one. Works inside the
 * capability's transaction and, for `prepare`, on the database itself.
 */
import type { Kysely, Transaction } from 'kysely';
import { seesAccount, seesLegalEntity, type RecordScope } from '../../../policies/recordScope.ts';
import { notFoundRejection } from '../../kernel/capability/rejection.ts';
import type { CapabilityTables } from '../../kernel/capability/tables.ts';
import type {
  AssignmentRow, BillingDraftRow, MilestoneRow, ProjectRow, PsaTables, ResourceRequestRow, ResourceRow, TimecardRow,
} from '../tables.ts';

export type PsaDb = Kysely<PsaTables & CapabilityTables>;
export type PsaTrx = Transaction<PsaTables & CapabilityTables>;

function visible(scope: RecordScope, row: { legal_entity_id: string; account_id: string | null }): boolean {
  return seesLegalEntity(scope, row.legal_entity_id) && seesAccount(scope, row.account_id);
}

/** The project, or null when it is missing or outside the scope. */
export async function visibleProject(db: PsaDb, scope: RecordScope, id: string): Promise<ProjectRow | null> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return row && visible(scope, row) ? row : null;
}

export async function projectFor(db: PsaDb, scope: RecordScope, id: string, field = 'projectId'): Promise<ProjectRow> {
  const row = await visibleProject(db, scope, id);
  if (!row) throw notFoundRejection('Project', id, field);
  return row;
}

/** A record that belongs to a project, with its project; NOT_FOUND when either is out of sight. */
async function withProject<R extends { project_id: string }>(
  db: PsaDb, scope: RecordScope, row: R | undefined, entity: string, id: string, field: string,
): Promise<{ row: R; project: ProjectRow }> {
  const project = row ? await visibleProject(db, scope, row.project_id) : null;
  if (!row || !project) throw notFoundRejection(entity, id, field);
  return { row, project };
}

export async function resourceRequestFor(db: PsaDb, scope: RecordScope, id: string, field = 'resourceRequestId') {
  const row = await db.selectFrom('resource_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return withProject<ResourceRequestRow>(db, scope, row, 'ResourceRequest', id, field);
}

export async function assignmentFor(db: PsaDb, scope: RecordScope, id: string, field = 'assignmentId') {
  const row = await db.selectFrom('assignments').selectAll().where('id', '=', id).executeTakeFirst();
  return withProject<AssignmentRow>(db, scope, row, 'Assignment', id, field);
}

export async function timecardFor(db: PsaDb, scope: RecordScope, id: string, field = 'timecardId') {
  const row = await db.selectFrom('timecards').selectAll().where('id', '=', id).executeTakeFirst();
  return withProject<TimecardRow>(db, scope, row, 'Timecard', id, field);
}

export async function milestoneFor(db: PsaDb, scope: RecordScope, id: string, field = 'milestoneId') {
  const row = await db.selectFrom('milestones').selectAll().where('id', '=', id).executeTakeFirst();
  return withProject<MilestoneRow>(db, scope, row, 'Milestone', id, field);
}

export async function billingDraftFor(db: PsaDb, scope: RecordScope, id: string, field = 'billingDraftId'): Promise<BillingDraftRow> {
  const row = await db.selectFrom('billing_drafts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !visible(scope, row)) throw notFoundRejection('BillingDraft', id, field);
  return row;
}

/** Resources are not scoped by legal entity (an intercompany colleague is staffable). */
export async function resourceFor(db: PsaDb, id: string, field = 'resourceId'): Promise<ResourceRow> {
  const row = await db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFoundRejection('Resource', id, field);
  return row;
}

/** The first line of a contract (the reference PSA keeps one billing line per contract). */
export async function contractLineOf(db: PsaDb, contractId: string | null) {
  if (contractId === null) return null;
  return (await db.selectFrom('contract_lines').selectAll().where('contract_id', '=', contractId).orderBy('id').executeTakeFirst()) ?? null;
}

export const reload = {
  project: (db: PsaDb, id: string) => db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  resourceRequest: (db: PsaDb, id: string) => db.selectFrom('resource_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  assignment: (db: PsaDb, id: string) => db.selectFrom('assignments').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  timecard: (db: PsaDb, id: string) => db.selectFrom('timecards').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  milestone: (db: PsaDb, id: string) => db.selectFrom('milestones').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  billingDraft: (db: PsaDb, id: string) => db.selectFrom('billing_drafts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
};
