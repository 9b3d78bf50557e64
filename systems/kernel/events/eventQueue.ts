/**
 * The in-process transport's durable queue in the consumers' store (docs/events.md#in-process-transport):
 * the SQL behind inProcessTransport.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventEnvelope } from './envelope.ts';
import type { EventQueueRow, EventTables } from './tables.ts';

let sequence = 0;

/**
 * A queue row id that sorts in insertion order: the wall-clock milliseconds (not the injected
 * clock: a test's clock may stand still), a per-process sequence, then random bits for processes
 * inserting in the same millisecond.
 */
export function queueId(): string {
  sequence = (sequence + 1) % 1_000_000;
  return `evq_${String(Date.now()).padStart(15, '0')}_${String(sequence).padStart(6, '0')}_${randomBytes(6).toString('hex')}`;
}

/** One delivery to queue: `replayId` is '' for an event's first delivery. */
export interface QueuedDelivery {
  readonly consumer: string;
  readonly event: EventEnvelope;
  readonly replayId: string;
}

/** Inserts the deliveries, in order; one already queued (same consumer, event and replay id) is left as it is. */
export async function enqueue(db: Kysely<EventTables>, deliveries: readonly QueuedDelivery[], now: Date): Promise<void> {
  if (deliveries.length === 0) return;
  const at = now.toISOString();
  await db
    .insertInto('event_queue')
    .values(
      deliveries.map(({ consumer, event, replayId }) => ({
        id: queueId(),
        consumer,
        event_id: event.eventId,
        replay_id: replayId,
        event_type: event.type,
        envelope_json: JSON.stringify(event),
        aggregate_type: event.aggregateType,
        aggregate_id: event.aggregateId,
        aggregate_version: event.aggregateVersion,
        attempts: 0,
        next_attempt_at: at,
        last_error: null,
        first_failed_at: null,
        created_at: at,
      })),
    )
    .onConflict((conflict) => conflict.columns(['consumer', 'event_id', 'replay_id']).doNothing())
    .execute();
}

/**
 * The rows of `consumers` due at `now`, oldest first, at most `limit`; a row is left out while an
 * earlier delivery of the same aggregate (a lower version, or the same version queued before it)
 * is still queued for its consumer, so each consumer gets an aggregate's events in version order.
 */
export function dueRows(db: Kysely<EventTables>, consumers: readonly string[], now: Date, limit: number): Promise<EventQueueRow[]> {
  if (consumers.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('event_queue as q')
    .selectAll('q')
    .where('q.consumer', 'in', consumers)
    .where('q.next_attempt_at', '<=', now.toISOString())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('event_queue as p')
            .select('p.id')
            .whereRef('p.consumer', '=', 'q.consumer')
            .whereRef('p.aggregate_type', '=', 'q.aggregate_type')
            .whereRef('p.aggregate_id', '=', 'q.aggregate_id')
            .where((eb) =>
              eb.or([
                eb('p.aggregate_version', '<', eb.ref('q.aggregate_version')),
                eb.and([eb('p.aggregate_version', '=', eb.ref('q.aggregate_version')), eb('p.id', '<', eb.ref('q.id'))]),
              ]),
            ),
        ),
      ),
    )
    .orderBy('q.id')
    .limit(limit)
    .execute();
}

/** A delivery done (handled or dead-lettered): its row goes. */
export async function removeRow(db: Kysely<EventTables>, id: string): Promise<void> {
  await db.deleteFrom('event_queue').where('id', '=', id).execute();
}

/** A failed delivery: one more attempt made, the next one at `nextAttemptAt`. */
export async function rescheduleRow(
  db: Kysely<EventTables>,
  row: EventQueueRow,
  error: string,
  now: Date,
  nextAttemptAt: Date,
): Promise<void> {
  await db
    .updateTable('event_queue')
    .set({
      attempts: row.attempts + 1,
      next_attempt_at: nextAttemptAt.toISOString(),
      last_error: error,
      first_failed_at: row.first_failed_at ?? now.toISOString(),
    })
    .where('id', '=', row.id)
    .execute();
}

/** When the next queued row of `consumers` is due, or null when none is queued. */
export async function nextDue(db: Kysely<EventTables>, consumers: readonly string[]): Promise<Date | null> {
  if (consumers.length === 0) return null;
  const row = await db
    .selectFrom('event_queue')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('consumer', 'in', consumers)
    .executeTakeFirst();
  return row?.next ? new Date(row.next) : null;
}
