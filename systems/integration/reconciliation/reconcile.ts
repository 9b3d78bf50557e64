/**
 * One reconciliation run (docs/reconciliation.md): read the PSA and the ERP through their subgraphs,
 * apply the rules, record the run and its exceptions in one transaction. The capability
 * (`runReconciliation`: on demand, and daily from the process engine's schedule as `system:integration`,
 * docs/processes.md#schedules) reads in its `prepare` and records in its effect; `reconcile` runs the
 * same steps outside a capability.
 */
import type { Kysely } from 'kysely';
import { rejected } from '../../kernel/capability/rejection.ts';
import { findMismatches, type Checked, type Mismatch } from './rules.ts';
import type { ReconciliationScope } from './snapshot.ts';
import { readSnapshot, type SystemRead } from './sources.ts';
import { recordRun } from './store.ts';
import type { ReconciliationRunRow, ReconciliationTables } from './tables.ts';

export interface Findings {
  readonly startedAt: Date;
  readonly checked: Checked;
  readonly mismatches: readonly Mismatch[];
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The run's scope as given, checked: a period is a month `YYYY-MM` (PRECONDITION_FAILED otherwise). */
export function reconciliationScope(input: { legalEntityId?: string | null; period?: string | null }): ReconciliationScope {
  const period = input.period ?? null;
  if (period !== null && !PERIOD.test(period)) {
    throw rejected('PRECONDITION_FAILED', `period must be a month as YYYY-MM; got ${JSON.stringify(period)}.`, 'period');
  }
  return { legalEntityId: input.legalEntityId ?? null, period };
}

/** Reads both systems and applies the rules: nothing is written. */
export async function findings(read: SystemRead, scope: ReconciliationScope, clock: () => Date): Promise<Findings> {
  const startedAt = clock();
  const { mismatches, checked } = findMismatches(await readSnapshot(read, scope), scope);
  return { startedAt, checked, mismatches };
}

export interface ReconcileOptions {
  /** Queries on the PSA and ERP subgraphs signed as the integration system. */
  readonly read: SystemRead;
  /** The integration store. */
  readonly db: Kysely<ReconciliationTables>;
  readonly clock?: () => Date;
}

/** A scheduled (or any non-capability) run: reads, applies the rules, records run and exceptions. */
export async function reconcile(
  options: ReconcileOptions,
  input: { legalEntityId?: string | null; period?: string | null; trigger?: 'ON_DEMAND' | 'SCHEDULED'; requestedBy?: string } = {},
): Promise<ReconciliationRunRow> {
  const clock = options.clock ?? (() => new Date());
  const scope = reconciliationScope(input);
  const found = await findings(options.read, scope, clock);
  return options.db.transaction().execute((trx) =>
    recordRun(trx, {
      trigger: input.trigger ?? 'SCHEDULED',
      requestedBy: input.requestedBy ?? 'system:integration',
      legalEntityId: scope.legalEntityId ?? null,
      period: scope.period ?? null,
      startedAt: found.startedAt,
      finishedAt: clock(),
      checked: found.checked,
      mismatches: found.mismatches,
    }),
  );
}
