/**
 * A capability call on a remote system of record (a vendor API that is not transactional with us):
 *
 * 1. In one local transaction, the idempotency record is claimed as IN_PROGRESS with a lease: the
 *    intent is recorded before the vendor sees anything. A completed record is replayed; a record
 *    another attempt holds (lease not over) is IDEMPOTENCY_IN_PROGRESS; a record whose attempt
 *    failed or died (lease over) is taken over, and the call resumes.
 * 2. The effect runs with ports bound to a `RemoteCall`: every write carries an external key that
 *    is the same on every attempt of this call, and the adapter looks the record up by that key
 *    before writing it again. So an attempt whose answer was lost (a time-out after the vendor
 *    committed, an answer that came too late) is resumed without a duplicate.
 * 3. In a second local transaction, the outcome is recorded (COMPLETED with the answer, the outbox
 *    events, the audit entry). An attempt that fails releases its lease and is audited FAILED; the
 *    caller retries with the same key.
 *
 * A vendor cannot roll back: an effect checks every rule before its first write, so a business
 * rejection leaves nothing behind there either.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RemoteAdapter, RemoteCall } from './adapter.ts';
import { checkSameRequest, claimKey, inProgress, type Claim } from './claimKey.ts';
import { engineOf } from './engine.ts';
import { appendAudit, insertOutboxEvents } from './records.ts';
import { auditFailure, collectEvents, settleOutcome, startCall, type CapabilityEffect } from './callSteps.ts';
import type { CapabilityTables } from './tables.ts';
import type { CapabilityCall, CapabilityOutcome, CapabilityResult } from './types.ts';

const DEFAULT_LEASE_MS = 60_000;

export async function runRemoteCapability<Ports, Result>(
  ledger: Kysely<CapabilityTables>,
  adapter: RemoteAdapter<Ports>,
  call: CapabilityCall,
  effect: CapabilityEffect<Ports, Result>,
): Promise<CapabilityResult<Result>> {
  const { now, startedAt, hash, scope, audit } = startCall(call);
  const leaseUntil = new Date(startedAt.getTime() + (call.leaseMs ?? DEFAULT_LEASE_MS));
  const engine = await engineOf(ledger);

  let attempt: { id: string; number: number };
  try {
    const claimed = await ledger.transaction().execute(async (trx) => {
      const claim: Claim = await claimKey(trx, engine, call, hash, startedAt, leaseUntil);
      if ('id' in claim) return { attempt: { id: claim.id, number: 1 } };
      const record = claim.existing;
      checkSameRequest(record, call, hash);
      if (record.status === 'COMPLETED') {
        const result = JSON.parse(record.response_json) as CapabilityOutcome<Result>;
        await appendAudit(trx, audit('REPLAYED', result.ok ? null : result.error.code));
        return { replay: result };
      }
      if (record.lease_until !== null && record.lease_until > startedAt.toISOString()) throw inProgress(call);
      // Take the call over from the attempt that failed or died; a concurrent retry doing the same loses here.
      const taken = await trx
        .updateTable('idempotency_records')
        .set({ lease_until: leaseUntil.toISOString(), attempts: record.attempts + 1 })
        .where('id', '=', record.id)
        .where('attempts', '=', record.attempts)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) throw inProgress(call);
      return { attempt: { id: record.id, number: record.attempts + 1 } };
    });
    if ('replay' in claimed) return { result: claimed.replay as CapabilityOutcome<Result>, replayed: true };
    attempt = claimed.attempt;
  } catch (error) {
    await auditFailure(ledger, audit, error);
    throw error;
  }

  const { emit, close } = collectEvents(call);
  let outcome: CapabilityOutcome<Result>;
  try {
    const remote: RemoteCall = { externalKey: externalKeyOf(call), attempt: attempt.number };
    outcome = await settleOutcome(() => effect(adapter.bind(remote, scope), emit));
  } catch (error) {
    // Release the lease (if this attempt still owns the call) so the client's retry resumes at once.
    await ledger
      .updateTable('idempotency_records')
      .set({ lease_until: null })
      .where('id', '=', attempt.id)
      .where('status', '=', 'IN_PROGRESS')
      .where('attempts', '=', attempt.number)
      .execute();
    await auditFailure(ledger, audit, error);
    throw error;
  }
  const events = close();
  const responseJson = JSON.stringify(outcome);
  const recorded = await ledger.transaction().execute(async (trx) => {
    // Only the attempt that still owns the call records it: an attempt whose answer came late,
    // after a retry took the call over and completed it, records nothing.
    const owned = await trx
      .updateTable('idempotency_records')
      .set({ status: 'COMPLETED', response_json: responseJson, lease_until: null })
      .where('id', '=', attempt.id)
      .where('status', '=', 'IN_PROGRESS')
      .where('attempts', '=', attempt.number)
      .executeTakeFirst();
    if (Number(owned.numUpdatedRows) !== 1) return false;
    if (outcome.ok) await insertOutboxEvents(trx, events, call, now());
    await appendAudit(trx, audit(outcome.ok ? 'SUCCEEDED' : 'REJECTED', outcome.ok ? null : outcome.error.code));
    return true;
  });
  if (!recorded) {
    const record = await ledger.selectFrom('idempotency_records').selectAll().where('id', '=', attempt.id).executeTakeFirstOrThrow();
    if (record.status !== 'COMPLETED') throw inProgress(call);
    return { result: JSON.parse(record.response_json) as CapabilityOutcome<Result>, replayed: true };
  }
  return { result: JSON.parse(responseJson) as CapabilityOutcome<Result>, replayed: false };
}

/**
 * The external keys of one call: `tessera:<capability>:<digest of principal, client and key>:<operation>`.
 * The digest keeps keys short and free of the vendor's reserved characters; the capability name
 * keeps them readable in the vendor's UI.
 */
export function externalKeyOf(call: CapabilityCall): (operation: string) => string {
  const digest = createHash('sha256')
    .update([call.principal.sub, call.principal.clientId ?? '', call.capability, call.idempotencyKey].join('\u0000'))
    .digest('base64url')
    .slice(0, 22);
  return (operation) => `tessera:${call.capability}:${digest}:${operation}`;
}
