/**
 * Reads and writes of the billing run's tables (tables.ts). Every change of a project is one
 * statement, so a run killed at any point finds each project either before or after its last
 * step (docs/processes.md#billing-run).
 */
import type { Kysely } from 'kysely';
import { newId } from '../../kernel/capability/newId.ts';
import { tesseraError } from '../../../core/errors.ts';
import type { BillableProject } from './peerCalls.ts';
import type { BillingRunPhase, BillingRunProjectRow, BillingRunRow, BillingRunTables } from './tables.ts';

export interface NewRun {
  readonly legalEntityId: string;
  readonly cutoffDate: string;
  readonly invoiceDate: string;
  readonly trigger: 'MANUAL' | 'SCHEDULE';
  readonly startedBy: string;
  readonly correlationId: string;
}

export function activeKeyOf(legalEntityId: string, cutoffDate: string): string {
  return `${legalEntityId}:${cutoffDate}`;
}

/** The RUNNING run of the legal entity and cut-off, if any. */
export function runningRun(db: Kysely<BillingRunTables>, legalEntityId: string, cutoffDate: string): Promise<BillingRunRow | undefined> {
  return db.selectFrom('billing_runs').selectAll().where('active_key', '=', activeKeyOf(legalEntityId, cutoffDate)).executeTakeFirst();
}

/** A new RUNNING run (phase LISTING); the unique `active_key` refuses a second one under a race. */
export async function insertRun(db: Kysely<BillingRunTables>, run: NewRun, now: Date, id = newId('brun')): Promise<BillingRunRow> {
  const at = now.toISOString();
  const row: BillingRunRow = {
    id,
    legal_entity_id: run.legalEntityId,
    cutoff_date: run.cutoffDate,
    invoice_date: run.invoiceDate,
    status: 'RUNNING',
    phase: 'LISTING',
    active_key: activeKeyOf(run.legalEntityId, run.cutoffDate),
    trigger: run.trigger,
    started_by: run.startedBy,
    correlation_id: run.correlationId,
    reconciliation_status: null,
    reconciliation_note: null,
    started_at: at,
    updated_at: at,
    finished_at: null,
  };
  await db.insertInto('billing_runs').values(row).execute();
  return row;
}

export async function runById(db: Kysely<BillingRunTables>, id: string): Promise<BillingRunRow> {
  const row = await db.selectFrom('billing_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw tesseraError('NOT_FOUND', `Billing run ${id} does not exist.`);
  return row;
}

export function findRun(db: Kysely<BillingRunTables>, id: string): Promise<BillingRunRow | undefined> {
  return db.selectFrom('billing_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs, newest first, optionally of one legal entity and status. */
export function listRuns(
  db: Kysely<BillingRunTables>,
  filter: { legalEntityId?: string | null; status?: string | null },
  limit: number,
): Promise<BillingRunRow[]> {
  let query = db.selectFrom('billing_runs').selectAll();
  if (filter.legalEntityId) query = query.where('legal_entity_id', '=', filter.legalEntityId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export function projectsOf(db: Kysely<BillingRunTables>, runId: string): Promise<BillingRunProjectRow[]> {
  return db.selectFrom('billing_run_projects').selectAll().where('run_id', '=', runId).orderBy('project_id').execute();
}

/** The run's projects as listed (a repeated listing after a restart adds none twice), then phase BILLING. */
export async function recordListing(
  db: Kysely<BillingRunTables>,
  runId: string,
  projects: readonly BillableProject[],
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < projects.length; start += 200) {
      const rows = projects.slice(start, start + 200).map((project) => ({
        id: `${runId}:${project.id}`,
        run_id: runId,
        project_id: project.id,
        project_code: project.code,
        customer_id: project.customerId,
        currency: project.currency,
        status: 'PENDING',
        billing_draft_id: null,
        draft_version: null,
        draft_amount_e4: null,
        invoice_id: null,
        invoice_number: null,
        invoice_total_e4: null,
        reason_code: null,
        reason: null,
        owner: null,
        attempts: 0,
        updated_at: at,
      }));
      await trx
        .insertInto('billing_run_projects')
        .values(rows)
        .onConflict((conflict) => conflict.columns(['run_id', 'project_id']).doNothing())
        .execute();
    }
    await trx.updateTable('billing_runs').set({ phase: 'BILLING', updated_at: at }).where('id', '=', runId).execute();
  });
}

export async function updateProject(
  db: Kysely<BillingRunTables>,
  row: BillingRunProjectRow,
  change: Partial<Omit<BillingRunProjectRow, 'id' | 'run_id' | 'project_id'>>,
  now: Date,
): Promise<BillingRunProjectRow> {
  const updated = { ...row, ...change, updated_at: now.toISOString() };
  await db
    .updateTable('billing_run_projects')
    .set({ ...change, updated_at: updated.updated_at })
    .where('id', '=', row.id)
    .execute();
  return updated;
}

export async function setPhase(db: Kysely<BillingRunTables>, runId: string, phase: BillingRunPhase, now: Date): Promise<void> {
  await db.updateTable('billing_runs').set({ phase, updated_at: now.toISOString() }).where('id', '=', runId).execute();
}

/** Reconciled (or recorded as not run), reported, COMPLETED: the entity and cut-off are free for another run. */
export async function finishRun(
  db: Kysely<BillingRunTables>,
  runId: string,
  reconciliation: { status: 'RAN' | 'NOT_RUN'; note: string },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .updateTable('billing_runs')
    .set({
      status: 'COMPLETED',
      phase: 'REPORTED',
      active_key: null,
      reconciliation_status: reconciliation.status,
      reconciliation_note: reconciliation.note,
      updated_at: at,
      finished_at: at,
    })
    .where('id', '=', runId)
    .execute();
}
