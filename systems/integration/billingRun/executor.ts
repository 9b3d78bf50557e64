/**
 * Drives one billing run through its phases (docs/processes.md#billing-run): LISTING the billable
 * projects of the legal entity, BILLING each (a draft under `process:<run>:draft:<project>`, the
 * release policy, the release under `process:<run>:release:<project>`), RECONCILING (the
 * reconciliation run when one is wired, else recorded as not run), then REPORTED. Every phase
 * reads the state it left in the tables, so calling `advanceBillingRun` again after a kill picks
 * up where the run stopped; a step called again replays its stored answer (no second draft or
 * invoice). A refusal is a project's outcome, never the run's end; a transport failure leaves the
 * project where it was and, once the pass is over, throws so the caller retries the run later.
 */
import type { Kysely } from 'kysely';
import { tesseraError } from '../../../core/errors.ts';
import { refusalVerdict, releaseVerdict, type Verdict } from './policy.ts';
import type { BillingRunPeers } from './peerCalls.ts';
import { finishRun, projectsOf, recordListing, runById, setPhase, updateProject } from './runStore.ts';
import type { BillingRunProjectRow, BillingRunRow, BillingRunTables } from './tables.ts';

/** The reconciliation run a billing run ends with, when the deployment has one (docs/processes.md#billing-run). */
export type ReconcileAfterRun = (run: {
  readonly runId: string;
  readonly legalEntityId: string;
  readonly cutoffDate: string;
  readonly invoiceDate: string;
}) => Promise<{ readonly note: string }>;

export interface BillingRunDeps {
  readonly db: Kysely<BillingRunTables>;
  readonly peers: BillingRunPeers;
  readonly clock: () => Date;
  readonly reconcile?: ReconcileAfterRun | null;
  /** Projects billed at the same time (default 4). */
  readonly concurrency?: number;
}

export const draftKey = (runId: string, projectId: string): string => `process:${runId}:draft:${projectId}`;
export const releaseKey = (runId: string, projectId: string): string => `process:${runId}:release:${projectId}`;

/** Advances the run as far as it goes; answers its row. Throws DOWNSTREAM_UNAVAILABLE when a project must be tried again. */
export async function advanceBillingRun(deps: BillingRunDeps, runId: string): Promise<BillingRunRow> {
  let run = await runById(deps.db, runId);
  if (run.phase === 'LISTING') {
    await listProjects(deps, run);
    run = await runById(deps.db, runId);
  }
  if (run.phase === 'BILLING') {
    await billProjects(deps, run);
    await setPhase(deps.db, run.id, 'RECONCILING', deps.clock());
    run = await runById(deps.db, runId);
  }
  if (run.phase === 'RECONCILING') {
    await reconcileRun(deps, run);
    run = await runById(deps.db, runId);
  }
  return run;
}

/** LISTING → BILLING: the billable projects of the legal entity, each PENDING. */
export async function listProjects(deps: BillingRunDeps, run: BillingRunRow): Promise<void> {
  const projects = await deps.peers.billableProjects(run.legal_entity_id);
  await recordListing(deps.db, run.id, projects, deps.clock());
}

/** Bills every project not finished yet, `concurrency` at a time. Throws after the pass if any must be retried. */
export async function billProjects(deps: BillingRunDeps, run: BillingRunRow): Promise<void> {
  const open = (await projectsOf(deps.db, run.id)).filter((row) => row.status === 'PENDING' || row.status === 'DRAFTED');
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < open.length; index = next++) {
      try {
        await billProject(deps, run, open[index]!);
      } catch (error) {
        failures.push(`${open[index]!.project_id}: ${error instanceof Error ? error.message : String(error)}`);
        await updateProject(deps.db, open[index]!, { attempts: open[index]!.attempts + 1 }, deps.clock()).catch(() => undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 4) }, worker));
  if (failures.length > 0) {
    throw tesseraError(
      'DOWNSTREAM_UNAVAILABLE',
      `Billing run ${run.id}: ${failures.length} project(s) to try again: ${failures.slice(0, 3).join('; ')}`,
    );
  }
}

/** One project from where it stands: PENDING → DRAFTED | HELD | REFUSED | NOTHING_TO_BILL; DRAFTED → RELEASED | HELD | REFUSED. */
export async function billProject(deps: BillingRunDeps, run: BillingRunRow, start: BillingRunProjectRow): Promise<BillingRunProjectRow> {
  let row = start;
  if (row.status === 'PENDING') {
    const answer = await deps.peers.generateDraft(draftKey(run.id, row.project_id), row.project_id, run.cutoff_date);
    if ('refusal' in answer) return outcome(deps, row, refusalVerdict(answer.refusal.code, answer.refusal.message));
    row = await updateProject(
      deps.db,
      row,
      {
        status: 'DRAFTED',
        billing_draft_id: answer.draft.id,
        draft_version: answer.draft.version,
        draft_amount_e4: answer.draft.amountE4,
        currency: answer.draft.currency,
      },
      deps.clock(),
    );
  }
  if (row.status !== 'DRAFTED') return row;
  const held = releaseVerdict(
    await deps.peers.releaseFacts(run.legal_entity_id, row.customer_id, run.invoice_date),
    row.customer_id,
    run.invoice_date,
  );
  if (held) return outcome(deps, row, held);
  const released = await deps.peers.releaseInvoice(
    releaseKey(run.id, row.project_id),
    row.billing_draft_id!,
    run.invoice_date,
    row.draft_version!,
  );
  if ('refusal' in released) return outcome(deps, row, refusalVerdict(released.refusal.code, released.refusal.message));
  return updateProject(
    deps.db,
    row,
    {
      status: 'RELEASED',
      invoice_id: released.invoice.id,
      invoice_number: released.invoice.number,
      invoice_total_e4: released.invoice.totalE4,
      reason_code: null,
      reason: null,
      owner: null,
    },
    deps.clock(),
  );
}

function outcome(deps: BillingRunDeps, row: BillingRunProjectRow, verdict: Verdict): Promise<BillingRunProjectRow> {
  return updateProject(
    deps.db,
    row,
    { status: verdict.status, reason_code: verdict.code, reason: verdict.reason, owner: verdict.owner },
    deps.clock(),
  );
}

/** RECONCILING → REPORTED: the reconciliation run if wired (a failure of it throws: the phase is tried again), then COMPLETED. */
export async function reconcileRun(deps: BillingRunDeps, run: BillingRunRow): Promise<void> {
  if (!deps.reconcile) {
    await finishRun(deps.db, run.id, { status: 'NOT_RUN', note: 'No reconciliation run is wired into this deployment.' }, deps.clock());
    return;
  }
  const result = await deps.reconcile({
    runId: run.id,
    legalEntityId: run.legal_entity_id,
    cutoffDate: run.cutoff_date,
    invoiceDate: run.invoice_date,
  });
  await finishRun(deps.db, run.id, { status: 'RAN', note: result.note }, deps.clock());
}
