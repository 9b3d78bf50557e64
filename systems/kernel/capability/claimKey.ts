/**
 * Claiming an idempotency key: insert the record (`on conflict do nothing`), or find the one that
 * already holds the key. The unique key is the lock (see runCapability.ts for what each engine does
 * with a concurrent duplicate).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { tesseraError } from '../../../core/errors.ts';
import { isLockTimeout, type Engine } from './engine.ts';
import { findIdempotencyRecord, idempotencyExpiry, idempotencyKeyColumns } from './records.ts';
import type { CapabilityTables, IdempotencyRecordRow } from './tables.ts';
import type { CapabilityCall, CapabilityOutcome } from './types.ts';

const DEFAULT_IN_FLIGHT_WAIT_MS = 5_000;

export type Claim = { readonly id: string } | { readonly existing: IdempotencyRecordRow };

/** Inserts the IN_PROGRESS record (held until `leaseUntil` when given), or returns the one that holds the key. */
export async function claimKey(
  trx: Transaction<CapabilityTables>,
  engine: Engine,
  call: CapabilityCall,
  hash: string,
  createdAt: Date,
  leaseUntil: Date | null = null,
): Promise<Claim> {
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
        // Leases are a remote system's (runRemoteCapability.ts): a local system's table has no such columns.
        ...(leaseUntil ? { lease_until: leaseUntil.toISOString(), attempts: 1 } : {}),
      } as IdempotencyRecordRow)
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

/** The same request as the one the record holds, or IDEMPOTENCY_KEY_REUSED. */
export function checkSameRequest(record: IdempotencyRecordRow, call: CapabilityCall, hash: string): void {
  if (record.request_hash !== hash) {
    throw tesseraError(
      'IDEMPOTENCY_KEY_REUSED',
      `The idempotency key was already used for a different ${call.capability} request. Use a new key for a new request.`,
    );
  }
}

/** The stored answer of a completed record, or IDEMPOTENCY_IN_PROGRESS. */
export function replayable<Result>(record: IdempotencyRecordRow, call: CapabilityCall, hash: string): CapabilityOutcome<Result> {
  checkSameRequest(record, call, hash);
  if (record.status !== 'COMPLETED') throw inProgress(call);
  return JSON.parse(record.response_json) as CapabilityOutcome<Result>;
}

export function inProgress(call: CapabilityCall): Error {
  return tesseraError(
    'IDEMPOTENCY_IN_PROGRESS',
    `A ${call.capability} request with this idempotency key is still running. Retry it later.`,
  );
}

export function errorCode(error: unknown): string | null {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : null;
}
