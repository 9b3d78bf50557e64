/**
 * Reconciliation's operations (docs/reconciliation.md), capabilities of the integration system:
 * idempotent by key and audited. `runReconciliation` reads the PSA and the ERP in `prepare` (never
 * inside its transaction) as the integration system, and records the run and its exceptions in the
 * effect; the same call replayed answers the same run.
 */
import { isSystemPrincipal } from '../../kernel/capability/peers.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import type { IntegrationContext } from '../context.ts';
import type { IntegrationPorts } from '../ports/ports.ts';
import { findings, reconciliationScope, type Findings } from './reconcile.ts';
import type { SystemRead } from './sources.ts';
import type { ReconciliationExceptionRow, ReconciliationRunRow } from './tables.ts';

type Handler<Input, Result extends Record<string, unknown>, Facts = undefined> = CapabilityHandler<
  IntegrationPorts,
  IntegrationContext,
  Input,
  Result,
  Facts
>;

interface RunInput {
  readonly legalEntityId?: string | null;
  readonly period?: string | null;
}

/** Queries on the PSA and ERP subgraphs signed as the integration system. */
export function systemRead(ctx: IntegrationContext): SystemRead {
  return (system, query, variables) => ctx.peers.step(system, query, variables);
}

const runReconciliation: Handler<RunInput, { run: ReconciliationRunRow }, Findings & { readonly legalEntityId: string | null }> = {
  async prepare({ input, ctx }) {
    const scope = reconciliationScope(input);
    const visible = ctx.scope.legalEntity ?? null;
    if (visible !== null) {
      // A caller limited to some legal entities reconciles one of them at a time.
      if (!scope.legalEntityId)
        throw rejected('PRECONDITION_FAILED', 'Name the legal entity to reconcile: you may see only some of them.', 'legalEntityId');
      if (!visible.includes(scope.legalEntityId))
        throw rejected('NOT_FOUND', `LegalEntity ${JSON.stringify(scope.legalEntityId)} was not found.`, 'legalEntityId');
    }
    return { ...(await findings(systemRead(ctx), scope, ctx.clock)), legalEntityId: scope.legalEntityId ?? null };
  },
  async effect({ input, facts, ports, principal, now }) {
    const run = await ports.write.reconciliation.recordRun({
      // The integration system calls it only from the process engine's schedule (docs/processes.md#schedules).
      trigger: isSystemPrincipal(principal) ? 'SCHEDULED' : 'ON_DEMAND',
      requestedBy: principal.sub,
      legalEntityId: facts.legalEntityId,
      period: input.period ?? null,
      startedAt: facts.startedAt,
      finishedAt: now,
      checked: facts.checked,
      mismatches: facts.mismatches,
    });
    return { run };
  },
};

const resolveReconciliationException: Handler<{ exceptionId: string; note: string }, { exception: ReconciliationExceptionRow }> = {
  async effect({ input, ports, principal, now }) {
    const note = input.note.trim();
    if (note === '') throw rejected('PRECONDITION_FAILED', 'Resolving an exception needs a note saying what was done.', 'note');
    const outcome = await ports.write.reconciliation.resolve(input.exceptionId, { note, by: principal.sub, at: now });
    if (!outcome) throw rejected('NOT_FOUND', `ReconciliationException ${JSON.stringify(input.exceptionId)} was not found.`, 'exceptionId');
    if (!outcome.changed) {
      return {
        exception: outcome.exception,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Exception ${outcome.exception.id} is already RESOLVED.` }],
      };
    }
    return { exception: outcome.exception };
  },
};

export const reconciliationCapabilities = { runReconciliation, resolveReconciliationException };
