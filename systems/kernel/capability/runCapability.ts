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
import type { LocalAdapter, SystemAdapter } from './adapter.ts';
import { claimKey, replayable } from './claimKey.ts';
import { auditFailure, collectEvents, settleOutcome, startCall, type CapabilityEffect } from './callSteps.ts';
import { engineOf } from './engine.ts';
import { appendAudit, insertOutboxEvents } from './records.ts';
import { runRemoteCapability } from './runRemoteCapability.ts';
import type { CapabilityTables } from './tables.ts';
import type { CapabilityCall, CapabilityOutcome, CapabilityResult } from './types.ts';

export type { CapabilityEffect };

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
  const { now, startedAt, hash, scope, audit } = startCall(call);
  const engine = await engineOf(ledger);

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
      await trx
        .updateTable('idempotency_records')
        .set({ status: 'COMPLETED', response_json: responseJson })
        .where('id', '=', claim.id)
        .execute();
      await appendAudit(trx, audit(outcome.ok ? 'SUCCEEDED' : 'REJECTED', outcome.ok ? null : outcome.error.code));
      // Every caller gets the stored form, so the first answer and its replays are identical.
      return { result: JSON.parse(responseJson) as CapabilityOutcome<Result>, replayed: false };
    });
  } catch (error) {
    await auditFailure(ledger, audit, error);
    throw error;
  }
}
