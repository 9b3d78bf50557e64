/**
 * Runs one capability call under the reliability rules, through the system's adapter (adapter.ts).
 *
 * Local systems (our own database): idempotency record, effect, outbox events and audit entry in
 * one transaction; business rejections stored and replayed without their effect rows; unexpected
 * failures rolled back entirely and audited afterwards.
 *
 * Concurrency. The idempotency record is inserted first (`on conflict do nothing`), so the
 * unique key is the lock. PostgreSQL: a duplicate's insert waits for the first transaction; once
 * that commits, the duplicate finds the completed record and replays it (if it rolled back, the
 * duplicate runs the effect itself). The wait is bounded by `SET LOCAL lock_timeout`
 * (`inFlightWaitMs`), after which the duplicate gets IDEMPOTENCY_IN_PROGRESS. SQLite: writers are
 * serialized (one connection per Kysely instance; across connections, busy_timeout), so a
 * duplicate always sees the completed record; a busy timeout gives IDEMPOTENCY_IN_PROGRESS.
 *
 * Remote systems (a vendor API): see runRemoteCapability.ts.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { recordScope } from '../../../policies/recordScope.ts';
import type { LocalAdapter, SystemAdapter } from './adapter.ts';
import { claimKey, errorCode, replayable } from './claimKey.ts';
import { engineOf } from './engine.ts';
import { appendAudit, insertOutboxEvents, type AuditEntry } from './records.ts';
import { requestHash } from './requestHash.ts';
import { CapabilityRejected } from './rejection.ts';
import { runRemoteCapability } from './runRemoteCapability.ts';
import type { AuditOutcome, CapabilityTables } from './tables.ts';
import type { CapabilityCall, CapabilityOutcome, CapabilityResult, DomainEventDraft } from './types.ts';

/** An effect answers its outcome, or throws `rejected(...)` (the same as answering `{ ok: false }`). */
export type CapabilityEffect<Ports, Result> = (ports: Ports, emit: (event: DomainEventDraft) => void) => Promise<CapabilityOutcome<Result>>;

/** The ports of a local system that is its tables: the transaction itself (the runner's own tests, raw SQL effects). */
export function transactionPorts<DB>(): LocalAdapter<Transaction<DB & CapabilityTables>> {
  return { kind: 'local', bind: (trx) => trx as unknown as Transaction<DB & CapabilityTables> };
}

/**
 * Runs `effect` for `call`. `ledger` holds the idempotency records, outbox and audit: for a local
 * adapter it is the database the adapter's ports write to (so they share the transaction).
 */
export async function runCapability<Ports, Result>(
  ledger: Kysely<CapabilityTables>,
  adapter: SystemAdapter<Ports>,
  call: CapabilityCall,
  effect: CapabilityEffect<Ports, Result>,
): Promise<CapabilityResult<Result>> {
  if (adapter.kind === 'remote') return runRemoteCapability(ledger, adapter, call, effect);
  const now = call.now ?? (() => new Date());
  const scope = call.scope ?? recordScope(call.principal);
  const startedAt = now();
  const started = performance.now();
  const hash = requestHash(call.capability, call.version, call.input);
  const engine = await engineOf(ledger);
  const audit = auditOf(call, hash, startedAt, started);

  try {
    return await ledger.transaction().execute(async (trx) => {
      const claim = await claimKey(trx, engine, call, hash, startedAt);
      if ('existing' in claim) {
        const result = replayable<Result>(claim.existing, call, hash);
        await appendAudit(trx, audit('REPLAYED', result.ok ? null : result.error.code));
        return { result, replayed: true };
      }

      const { emit, close } = collectEvents(call);
      // The savepoint lets a rejection undo the effect's rows while keeping the idempotency record.
      await sql`savepoint capability_effect`.execute(trx);
      const outcome = await settleOutcome(() => effect(adapter.bind(trx, scope), emit));
      const events = close();
      if (outcome.ok) {
        await sql`release savepoint capability_effect`.execute(trx);
        await insertOutboxEvents(trx, events, call, now());
      } else {
        await sql`rollback to savepoint capability_effect`.execute(trx);
        await sql`release savepoint capability_effect`.execute(trx);
      }
      const responseJson = JSON.stringify(outcome);
      await trx.updateTable('idempotency_records').set({ status: 'COMPLETED', response_json: responseJson }).where('id', '=', claim.id).execute();
      await appendAudit(trx, audit(outcome.ok ? 'SUCCEEDED' : 'REJECTED', outcome.ok ? null : outcome.error.code));
      // Every caller gets the stored form, so the first answer and its replays are identical.
      return { result: JSON.parse(responseJson) as CapabilityOutcome<Result>, replayed: false };
    });
  } catch (error) {
    await auditFailure(ledger, audit, error);
    throw error;
  }
}

/** The audit entry of this call with `outcome`, timed from the start of the call. */
export function auditOf(call: CapabilityCall, hash: string, startedAt: Date, started: number) {
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
