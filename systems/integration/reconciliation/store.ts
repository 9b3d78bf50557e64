/**
 * Reconciliation's store on SQL (docs/reconciliation.md#exceptions): a run and what it found, written
 * in one transaction; exceptions deduplicated across runs (one OPEN exception per rule and subject:
 * a later run that finds it again updates its amounts and its last run); reads within the caller's
 * record scope (exceptions and runs of a legal entity the caller may not see read as missing).
 */
import type { Kysely } from 'kysely';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { newId } from '../../kernel/capability/newId.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import { inScope, keysetPage } from '../../kernel/sqlPage.ts';
import type { Checked, Mismatch } from './rules.ts';
import type { ReconciliationExceptionRow, ReconciliationRunRow, ReconciliationTables } from './tables.ts';

export interface RunRecord {
  readonly trigger: 'ON_DEMAND' | 'SCHEDULED';
  readonly requestedBy: string;
  readonly legalEntityId: string | null;
  readonly period: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly checked: Checked;
  readonly mismatches: readonly Mismatch[];
}

export interface ExceptionFilter {
  readonly status?: string | null;
  readonly rule?: string | null;
  readonly owner?: string | null;
  readonly legalEntityId?: string | null;
  readonly subjectId?: string | null;
  /** Exceptions the run found (first or again). */
  readonly runId?: string | null;
}

const SCOPED = { legalEntity: 'legal_entity_id' } as const;

export function openKeyOf(mismatch: Pick<Mismatch, 'rule' | 'subjectType' | 'subjectId'>): string {
  return `${mismatch.rule}|${mismatch.subjectType}|${mismatch.subjectId}`;
}

/** Writes the run and its exceptions; call it inside a transaction. Answers the run row. */
export async function recordRun(db: Kysely<ReconciliationTables>, run: RunRecord): Promise<ReconciliationRunRow> {
  const runId = newId('rcr');
  const at = run.finishedAt.toISOString();
  const row: ReconciliationRunRow = {
    id: runId,
    trigger: run.trigger,
    requested_by: run.requestedBy,
    legal_entity_id: run.legalEntityId,
    period: run.period,
    started_at: run.startedAt.toISOString(),
    finished_at: at,
    checked_billing_drafts: run.checked.billingDrafts,
    checked_invoices: run.checked.invoices,
    checked_credited_invoices: run.checked.creditedInvoices,
    checked_project_periods: run.checked.projectPeriods,
    exceptions_found: run.mismatches.length,
    exceptions_opened: 0,
  };
  await db.insertInto('reconciliation_runs').values(row).execute();
  let opened = 0;
  for (const mismatch of run.mismatches) {
    const openKey = openKeyOf(mismatch);
    const figures = {
      last_run_id: runId,
      legal_entity_id: mismatch.legalEntityId,
      expected_e4: mismatch.expectedE4,
      actual_e4: mismatch.actualE4,
      currency: mismatch.currency,
      owner: mismatch.owner,
      detail: mismatch.detail,
      last_seen_at: at,
    };
    const open = await db.selectFrom('reconciliation_exceptions').select('id').where('open_key', '=', openKey).executeTakeFirst();
    const exceptionId = open?.id ?? newId('rce');
    if (open) {
      await db.updateTable('reconciliation_exceptions').set(figures).where('id', '=', exceptionId).execute();
    } else {
      opened++;
      await db
        .insertInto('reconciliation_exceptions')
        .values({
          id: exceptionId,
          run_id: runId,
          rule: mismatch.rule,
          subject_type: mismatch.subjectType,
          subject_id: mismatch.subjectId,
          status: 'OPEN',
          open_key: openKey,
          first_seen_at: at,
          resolution_note: null,
          resolved_by: null,
          resolved_at: null,
          ...figures,
        })
        .execute();
    }
    await db
      .insertInto('reconciliation_findings')
      .values({ run_id: runId, exception_id: exceptionId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (opened > 0) await db.updateTable('reconciliation_runs').set({ exceptions_opened: opened }).where('id', '=', runId).execute();
  return { ...row, exceptions_opened: opened };
}

export interface ReconciliationReads {
  runsByIds(ids: readonly string[]): Promise<ReconciliationRunRow[]>;
  exceptionsByIds(ids: readonly string[]): Promise<ReconciliationExceptionRow[]>;
  exceptionsPage(filter: ExceptionFilter, page: PageRequest): Promise<Page<ReconciliationExceptionRow>>;
  /** The exceptions each run found (first or again), with the run's id, by exception id. */
  exceptionsOfRuns(runIds: readonly string[]): Promise<(ReconciliationExceptionRow & { found_by_run_id: string })[]>;
}

export function createReconciliationReads(db: Kysely<ReconciliationTables>, scope: RecordScope): ReconciliationReads {
  const exceptions = () => inScope(db.selectFrom('reconciliation_exceptions'), scope, SCOPED);
  return {
    async runsByIds(ids) {
      if (ids.length === 0) return [];
      // A run of all legal entities is visible to every operator; a run of one, to those who see it.
      const rows = await db.selectFrom('reconciliation_runs').selectAll().where('id', 'in', ids).execute();
      const visible = scope.legalEntity ?? null;
      return rows.filter((row) => visible === null || row.legal_entity_id === null || visible.includes(row.legal_entity_id));
    },
    exceptionsByIds: async (ids) => (ids.length === 0 ? [] : exceptions().selectAll().where('id', 'in', ids).execute()),
    async exceptionsPage(filter, page) {
      let base = exceptions();
      if (filter.status) base = base.where('status', '=', filter.status);
      if (filter.rule) base = base.where('rule', '=', filter.rule);
      if (filter.owner) base = base.where('owner', '=', filter.owner);
      if (filter.legalEntityId) base = base.where('legal_entity_id', '=', filter.legalEntityId);
      if (filter.subjectId) base = base.where('subject_id', '=', filter.subjectId);
      if (filter.runId) {
        const runId = filter.runId;
        base = base.where('id', 'in', (eb) => eb.selectFrom('reconciliation_findings').select('exception_id').where('run_id', '=', runId));
      }
      return keysetPage(base, page);
    },
    exceptionsOfRuns: async (runIds) =>
      runIds.length === 0
        ? []
        : inScope(
            db
              .selectFrom('reconciliation_findings')
              .innerJoin('reconciliation_exceptions', 'reconciliation_exceptions.id', 'reconciliation_findings.exception_id'),
            scope,
            { legalEntity: 'reconciliation_exceptions.legal_entity_id' },
          )
            .selectAll('reconciliation_exceptions')
            .select('reconciliation_findings.run_id as found_by_run_id')
            .where('reconciliation_findings.run_id', 'in', runIds)
            .orderBy('reconciliation_exceptions.id')
            .execute(),
  };
}

/**
 * Marks an OPEN exception RESOLVED with the note; inside the capability's transaction. Answers the
 * row after the change, `null` when the scope sees no such exception, or the row unchanged with
 * `changed: false` when it already was RESOLVED.
 */
export async function resolveException(
  db: Kysely<ReconciliationTables>,
  scope: RecordScope,
  id: string,
  resolution: { readonly note: string; readonly by: string; readonly at: Date },
): Promise<{ readonly exception: ReconciliationExceptionRow; readonly changed: boolean } | null> {
  const reads = createReconciliationReads(db, scope);
  const [row] = await reads.exceptionsByIds([id]);
  if (!row) return null;
  if (row.status !== 'OPEN') return { exception: row, changed: false };
  await db
    .updateTable('reconciliation_exceptions')
    .set({
      status: 'RESOLVED',
      open_key: row.id,
      resolution_note: resolution.note,
      resolved_by: resolution.by,
      resolved_at: resolution.at.toISOString(),
    })
    .where('id', '=', id)
    .where('status', '=', 'OPEN')
    .execute();
  const [after] = await reads.exceptionsByIds([id]);
  return { exception: after!, changed: true };
}

export interface ReconciliationWrites {
  recordRun(run: RunRecord): Promise<ReconciliationRunRow>;
  resolve(
    id: string,
    resolution: { readonly note: string; readonly by: string; readonly at: Date },
  ): Promise<{ readonly exception: ReconciliationExceptionRow; readonly changed: boolean } | null>;
}

/** The writes of a capability's transaction `trx`, within `scope`. */
export function createReconciliationWrites(trx: Kysely<ReconciliationTables>, scope: RecordScope): ReconciliationWrites {
  return {
    recordRun: (run) => recordRun(trx, run),
    resolve: (id, resolution) => resolveException(trx, scope, id, resolution),
  };
}
