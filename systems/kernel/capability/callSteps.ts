/** The steps every capability call takes, local or remote: events collected, outcome settled, audit written. */
import type { Kysely } from 'kysely';
import { recordScope } from '../../../policies/recordScope.ts';
import { errorCode } from './claimKey.ts';
import { requestHash } from './requestHash.ts';
import { appendAudit, type AuditEntry } from './records.ts';
import { CapabilityRejected } from './rejection.ts';
import type { AuditOutcome, CapabilityTables } from './tables.ts';
import type { CapabilityCall, CapabilityOutcome, DomainEventDraft } from './types.ts';

/** An effect answers its outcome, or throws `rejected(...)` (the same as answering `{ ok: false }`). */
export type CapabilityEffect<Ports, Result> = (ports: Ports, emit: (event: DomainEventDraft) => void) => Promise<CapabilityOutcome<Result>>;

/** The audit entry of this call with `outcome`, timed from the start of the call. */
/**
 * What every call starts with, local or remote: its clock and start time, the record scope its
 * ports read within, the request hash that binds its key, and its audit entries.
 */
export function startCall(call: CapabilityCall) {
  const now = call.now ?? (() => new Date());
  const startedAt = now();
  const hash = requestHash(call.capability, call.version, call.input);
  return {
    now,
    startedAt,
    hash,
    scope: call.scope ?? recordScope(call.principal),
    audit: auditOf(call, hash, startedAt, performance.now()),
  };
}

function auditOf(call: CapabilityCall, hash: string, startedAt: Date, started: number) {
  return (outcome: AuditOutcome, errorCode: string | null): AuditEntry => ({
    call,
    inputsDigest: hash,
    occurredAt: startedAt,
    outcome,
    errorCode,
    durationMs: performance.now() - started,
  });
}

/** Audits a call that failed with `error` (refused keys are REJECTED, the rest FAILED), in its own transaction. */
export async function auditFailure(
  ledger: Kysely<CapabilityTables>,
  audit: (outcome: AuditOutcome, errorCode: string | null) => AuditEntry,
  error: unknown,
): Promise<void> {
  const code = errorCode(error);
  const refused = code === 'IDEMPOTENCY_KEY_REUSED' || code === 'IDEMPOTENCY_IN_PROGRESS';
  try {
    await ledger.transaction().execute((trx) => appendAudit(trx, audit(refused ? 'REJECTED' : 'FAILED', code ?? 'INTERNAL_SERVER_ERROR')));
  } catch {
    // The database refused the audit row too (down, or still locked by the duplicate): the
    // caller's error matters more than this one, and it is logged under the request id.
  }
}

/** The events an effect emits, in order; emitting after the effect returned is a bug. */
export function collectEvents(call: CapabilityCall): { emit: (event: DomainEventDraft) => void; close: () => DomainEventDraft[] } {
  const events: DomainEventDraft[] = [];
  let open = true;
  return {
    emit(event) {
      if (!open) throw new Error(`${call.capability}: events must be emitted before the effect returns`);
      events.push(event);
    },
    close() {
      open = false;
      return events;
    },
  };
}

/** The effect's outcome, with a thrown business rejection as `{ ok: false }`; other errors propagate. */
export async function settleOutcome<Result>(run: () => Promise<CapabilityOutcome<Result>>): Promise<CapabilityOutcome<Result>> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof CapabilityRejected)) throw error;
    return { ok: false, error: error.rejection };
  }
}
