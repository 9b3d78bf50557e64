/**
 * Idempotency records are kept until `expires_at` (400 days for financial capabilities, 24 hours
 * for others) and then deleted, so the table holds a bounded window. Audit rows are never purged.
 */
import type { Kysely } from 'kysely';
import type { CapabilityTables } from './tables.ts';

/** Deletes the completed idempotency records that expired before `now`; returns how many. */
export async function purgeExpiredIdempotencyRecords<DB>(db: Kysely<DB & CapabilityTables>, now: Date): Promise<number> {
  const result = await (db as unknown as Kysely<CapabilityTables>)
    .deleteFrom('idempotency_records')
    .where('expires_at', '<', now.toISOString())
    .where('status', '=', 'COMPLETED')
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Purges now and then every `everyMs` (default hourly) until the returned stop is called. */
export function schedulePurge(db: Kysely<CapabilityTables>, onError: (error: unknown) => void, everyMs = 3_600_000): () => void {
  const run = () => void purgeExpiredIdempotencyRecords(db, new Date()).catch(onError);
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
