/**
 * Runs one capability call under the reliability rules: idempotency record, effect, outbox events
 * and audit entry in one transaction; business rejections stored and replayed without their
 * effect rows; unexpected failures rolled back entirely and audited afterwards.
 *
 * Concurrency. The idempotency record is inserted first (`on conflict do nothing`), so the
 * unique key is the lock. PostgreSQL: a duplicate's insert waits for the first transaction; once
 * that commits, the duplicate finds the completed record and replays it (if it rolled back, the
 * duplicate runs the effect itself). The wait is bounded by `SET LOCAL lock_timeout`
 * (`inFlightWaitMs`), after which the duplicate gets IDEMPOTENCY_IN_PROGRESS. SQLite: writers are
 * serialized (one connection per Kysely instance; across connections, busy_timeout), so a
 * duplicate always sees the completed record; a busy timeout gives IDEMPOTENCY_IN_PROGRESS.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { tesseraError } from '../../../core/errors.ts';
import { engineOf, isLockTimeout, type Engine } from './engine.ts';
import { appendAudit, findIdempotencyRecord, idempotencyExpiry, idempotencyKeyColumns, insertOutboxEvents, type AuditEntry } from './records.ts';
import { requestHash } from './requestHash.ts';
import { CapabilityRejected } from './rejection.ts';
import type { AuditOutcome, CapabilityTables, IdempotencyRecordRow } from './tables.ts';
import type { CapabilityCall, CapabilityOutcome, CapabilityResult, DomainEventDraft } from './types.ts';

const DEFAULT_IN_FLIGHT_WAIT_MS = 5_000;

/** An effect answers its outcome, or throws `rejected(...)` (the same as answering `{ ok: false }`). */
export type CapabilityEffect<DB, Result> = (
  trx: Transaction<DB & CapabilityTables>,
  emit: (event: DomainEventDraft) => void,
) => Promise<CapabilityOutcome<Result>>;

export async function runCapability<DB, Result>(
  db: Kysely<DB & CapabilityTables>,
  call: CapabilityCall,
  effect: CapabilityEffect<DB, Result>,
): Promise<CapabilityResult<Result>> {
  const now = call.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const hash = requestHash(call.capability, call.version, call.input);
  const own = db as unknown as Kysely<CapabilityTables>;
  const engine = await engineOf(own);
  const audit = (outcome: AuditOutcome, errorCode: string | null): AuditEntry => ({
    call,
    inputsDigest: hash,
    occurredAt: startedAt,
    outcome,
    errorCode,
    durationMs: performance.now() - started,
  });

  try {
    return await db.transaction().execute(async (trx) => {
      const tables = trx as unknown as Transaction<CapabilityTables>;
      const claim = await claimKey(tables, engine, call, hash, startedAt);
      if ('existing' in claim) {
        const result = replayable<Result>(claim.existing, call, hash);
        await appendAudit(tables, audit('REPLAYED', result.ok ? null : result.error.code));
        return { result, replayed: true };
      }

      const events: DomainEventDraft[] = [];
      let open = true;
      const emit = (event: DomainEventDraft): void => {
        if (!open) throw new Error(`${call.capability}: events must be emitted before the effect returns`);
        events.push(event);
      };
      // The savepoint lets a rejection undo the effect's rows while keeping the idempotency record.
      await sql`savepoint capability_effect`.execute(trx);
      let outcome: CapabilityOutcome<Result>;
      try {
        outcome = await effect(trx, emit);
      } catch (error) {
        if (!(error instanceof CapabilityRejected)) throw error;
        outcome = { ok: false, error: error.rejection };
      }
      open = false;
      if (outcome.ok) {
        await sql`release savepoint capability_effect`.execute(trx);
        await insertOutboxEvents(tables, events, call, now());
      } else {
        await sql`rollback to savepoint capability_effect`.execute(trx);
        await sql`release savepoint capability_effect`.execute(trx);
      }
      const responseJson = JSON.stringify(outcome);
      await tables
        .updateTable('idempotency_records')
        .set({ status: 'COMPLETED', response_json: responseJson })
        .where('id', '=', claim.id)
        .execute();
      await appendAudit(tables, audit(outcome.ok ? 'SUCCEEDED' : 'REJECTED', outcome.ok ? null : outcome.error.code));
      // Every caller gets the stored form, so the first answer and its replays are identical.
      return { result: JSON.parse(responseJson) as CapabilityOutcome<Result>, replayed: false };
    });
  } catch (error) {
    const code = errorCode(error);
    const refused = code === 'IDEMPOTENCY_KEY_REUSED' || code === 'IDEMPOTENCY_IN_PROGRESS';
    try {
      await own.transaction().execute((trx) => appendAudit(trx, audit(refused ? 'REJECTED' : 'FAILED', code ?? 'INTERNAL_SERVER_ERROR')));
    } catch {
      // The database refused the audit row too (down, or still locked by the duplicate): the
      // caller's error matters more than this one, and it is logged under the request id.
    }
    throw error;
  }
}

/** Inserts the idempotency record, or returns the one that already holds the key. */
async function claimKey(
  trx: Transaction<CapabilityTables>,
  engine: Engine,
  call: CapabilityCall,
  hash: string,
  createdAt: Date,
): Promise<{ id: string } | { existing: IdempotencyRecordRow }> {
  const key = idempotencyKeyColumns(call.principal, call.capability, call.idempotencyKey);
  const id = randomUUID();
  if (engine === 'postgres') {
    const waitMs = Math.max(1, Math.floor(call.inFlightWaitMs ?? DEFAULT_IN_FLIGHT_WAIT_MS));
    await sql`set local lock_timeout = ${sql.raw(String(waitMs))}`.execute(trx);
  }
  let inserted: { id: string } | undefined;
  try {
    inserted = await trx
      .insertInto('idempotency_records')
      .values({
        id,
        ...key,
        request_hash: hash,
        status: 'IN_PROGRESS',
        response_json: '',
        created_at: createdAt.toISOString(),
        expires_at: idempotencyExpiry(createdAt, call.financial).toISOString(),
      })
      .onConflict((conflict) => conflict.columns(['principal_sub', 'client_id', 'capability', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
  } catch (error) {
    if (isLockTimeout(error)) throw inProgress(call);
    throw error;
  }
  if (engine === 'postgres') await sql`set local lock_timeout to default`.execute(trx);
  if (inserted) return { id };

  const existing = await findIdempotencyRecord(trx, key);
  if (!existing) throw inProgress(call); // held a moment ago, gone now (purged): let the client retry
  return { existing };
}

function replayable<Result>(record: IdempotencyRecordRow, call: CapabilityCall, hash: string): CapabilityOutcome<Result> {
  if (record.request_hash !== hash) {
    throw tesseraError(
      'IDEMPOTENCY_KEY_REUSED',
      `The idempotency key was already used for a different ${call.capability} request. Use a new key for a new request.`,
    );
  }
  if (record.status !== 'COMPLETED') throw inProgress(call);
  return JSON.parse(record.response_json) as CapabilityOutcome<Result>;
}

function inProgress(call: CapabilityCall): Error {
  return tesseraError('IDEMPOTENCY_IN_PROGRESS', `A ${call.capability} request with this idempotency key is still running. Retry it later.`);
}

function errorCode(error: unknown): string | null {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : null;
}
