/**
 * Out-of-order tolerance for consumers (docs/events.md#delivery). Transports deliver each
 * aggregate's events in version order, but a replayed dead letter, a retried delivery on NATS or
 * a redelivery after a crash can still bring an older version after a newer one. A consumer that
 * keeps state derived from an aggregate (a read model, a process step) asks, inside its handler's
 * transaction, whether the event is newer than what it applied, and applies it only then:
 *
 *   await applyIfNewer(trx, consumer.name, event, () => writeProjection(trx, event));
 *
 * The version row is taken before `apply` runs (an upsert that only raises the version), so two
 * concurrent deliveries of the same aggregate on PostgreSQL wait for each other instead of both
 * applying; `apply` throwing rolls the version back with the rest of the transaction.
 */
import type { Kysely } from 'kysely';
import type { EventEnvelope } from './envelope.ts';
import type { EventTables } from './tables.ts';

/** The highest version of the aggregate `consumer` applied, or null when it applied none. */
export async function appliedVersion(
  db: Kysely<EventTables>,
  consumer: string,
  aggregateType: string,
  aggregateId: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('event_aggregate_versions')
    .select('version')
    .where('consumer', '=', consumer)
    .where('aggregate_type', '=', aggregateType)
    .where('aggregate_id', '=', aggregateId)
    .executeTakeFirst();
  return row?.version ?? null;
}

/**
 * Records `event`'s aggregate version as applied by `consumer` when it is newer than the one
 * recorded, and answers whether it was (true: apply the event; false: an older or equal version,
 * ignore it). Call it inside the handler's transaction.
 */
export async function claimNewerVersion(trx: Kysely<EventTables>, consumer: string, event: EventEnvelope): Promise<boolean> {
  const result = await trx
    .insertInto('event_aggregate_versions')
    .values({ consumer, aggregate_type: event.aggregateType, aggregate_id: event.aggregateId, version: event.aggregateVersion })
    .onConflict((conflict) =>
      conflict
        .columns(['consumer', 'aggregate_type', 'aggregate_id'])
        .doUpdateSet({ version: event.aggregateVersion })
        .where('event_aggregate_versions.version', '<', event.aggregateVersion),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Runs `apply` only when `event` is newer than what `consumer` applied of its aggregate; answers whether it ran. */
export async function applyIfNewer(
  trx: Kysely<EventTables>,
  consumer: string,
  event: EventEnvelope,
  apply: () => Promise<void>,
): Promise<boolean> {
  if (!(await claimNewerVersion(trx, consumer, event))) return false;
  await apply();
  return true;
}
