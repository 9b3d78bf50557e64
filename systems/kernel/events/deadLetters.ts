/**
 * The dead-letter queue's store (docs/events.md#dead-letters): deliveries that failed their last
 * allowed attempt, with the envelope, the last error, the attempts and the first and last failure.
 * A dead letter is OPEN until an operator replays it (the event goes back to the consumer through
 * the transport that gave up, `EventTransport.redeliver`) or discards it with a reason; either
 * resolves it, and nothing deletes it. The integration system's DLQ operations are built on these.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { defineEventMetrics, type Metrics } from '../../../core/metrics.ts';
import type { EventEnvelope } from './envelope.ts';
import type { DeadLetterRow, DeadLetterStatus, EventTables } from './tables.ts';

export interface DeadLetterFailure {
  readonly consumer: string;
  readonly event: EventEnvelope;
  readonly error: string;
  readonly attempts: number;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
  readonly transport: 'in-process' | 'nats';
}

/**
 * Records a delivery that failed for good; answers the dead letter's id. An OPEN dead letter of
 * the same consumer and event is updated instead (the same delivery dead-lettered again after a
 * crash before its transport let go of it), so one failure is one dead letter.
 */
export async function recordDeadLetter(db: Kysely<EventTables>, failure: DeadLetterFailure): Promise<string> {
  const open = await db
    .selectFrom('dead_letters')
    .select('id')
    .where('consumer', '=', failure.consumer)
    .where('event_id', '=', failure.event.eventId)
    .where('status', '=', 'OPEN')
    .executeTakeFirst();
  const failed = { error: failure.error, attempts: failure.attempts, last_failed_at: failure.lastFailedAt.toISOString() };
  if (open) {
    await db.updateTable('dead_letters').set(failed).where('id', '=', open.id).execute();
    return open.id;
  }
  const id = `dlq_${randomUUID()}`;
  const { event } = failure;
  await db
    .insertInto('dead_letters')
    .values({
      id,
      consumer: failure.consumer,
      event_id: event.eventId,
      event_type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      aggregate_version: event.aggregateVersion,
      envelope_json: JSON.stringify(event),
      first_failed_at: failure.firstFailedAt.toISOString(),
      status: 'OPEN',
      replay_count: 0,
      resolved_at: null,
      resolved_by: null,
      discard_reason: null,
      transport: failure.transport,
      ...failed,
    })
    .execute();
  return id;
}

export interface DeadLetterFilter {
  readonly status?: DeadLetterStatus;
  readonly consumer?: string;
  readonly eventType?: string;
  readonly aggregateType?: string;
  readonly aggregateId?: string;
  /** Only dead letters whose last failure is at or after this instant. */
  readonly failedFrom?: Date;
  /** Only dead letters whose last failure is before this instant. */
  readonly failedBefore?: Date;
}

/** `query` narrowed to the dead letters matching `filter` (the list and the count read the same rows). */
function matching<O>(
  query: SelectQueryBuilder<EventTables, 'dead_letters', O>,
  filter: DeadLetterFilter,
): SelectQueryBuilder<EventTables, 'dead_letters', O> {
  let narrowed = query;
  if (filter.status) narrowed = narrowed.where('status', '=', filter.status);
  if (filter.consumer) narrowed = narrowed.where('consumer', '=', filter.consumer);
  if (filter.eventType) narrowed = narrowed.where('event_type', '=', filter.eventType);
  if (filter.aggregateType) narrowed = narrowed.where('aggregate_type', '=', filter.aggregateType);
  if (filter.aggregateId) narrowed = narrowed.where('aggregate_id', '=', filter.aggregateId);
  if (filter.failedFrom) narrowed = narrowed.where('last_failed_at', '>=', filter.failedFrom.toISOString());
  if (filter.failedBefore) narrowed = narrowed.where('last_failed_at', '<', filter.failedBefore.toISOString());
  return narrowed;
}

/** How many dead letters match `filter`. */
export async function countDeadLetters(db: Kysely<EventTables>, filter: DeadLetterFilter): Promise<number> {
  const row = await matching(
    db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number | string>().as('n')),
    filter,
  ).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Dead letters matching `filter`, oldest last failure first, at most `limit`, after the id `after`
 * (paging: pass the last id of the previous page; ids are unique, ties on time are ordered by id).
 */
export async function listDeadLetters(
  db: Kysely<EventTables>,
  filter: DeadLetterFilter,
  page: { readonly limit: number; readonly after?: DeadLetterRow } = { limit: 100 },
): Promise<DeadLetterRow[]> {
  let query = matching(db.selectFrom('dead_letters').selectAll(), filter);
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('last_failed_at', '>', after.last_failed_at),
        eb.and([eb('last_failed_at', '=', after.last_failed_at), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.orderBy('last_failed_at').orderBy('id').limit(page.limit).execute();
}

export function getDeadLetter(db: Kysely<EventTables>, id: string): Promise<DeadLetterRow | undefined> {
  return db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The envelope a dead letter keeps (what a replay puts in front of the consumer again). */
export function deadLetterEnvelope(row: DeadLetterRow): EventEnvelope {
  return JSON.parse(row.envelope_json) as EventEnvelope;
}

/**
 * Marks an OPEN dead letter REPLAYED (replay_count + 1) by `by` at `at`; answers false when it was
 * not OPEN (replayed or discarded already: a concurrent or repeated request changes nothing).
 * Call it in the same transaction that records the replay request, then redeliver.
 */
export async function markReplayed(db: Kysely<EventTables>, id: string, by: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('dead_letters')
    .set((eb) => ({ status: 'REPLAYED', replay_count: eb('replay_count', '+', 1), resolved_at: at.toISOString(), resolved_by: by }))
    .where('id', '=', id)
    .where('status', '=', 'OPEN')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks an OPEN dead letter DISCARDED with `reason`; answers false when it was not OPEN. */
export async function markDiscarded(db: Kysely<EventTables>, id: string, by: string, reason: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('dead_letters')
    .set({ status: 'DISCARDED', resolved_at: at.toISOString(), resolved_by: by, discard_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'OPEN')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** OPEN dead letters per consumer (the `tessera_dead_letters` gauge). */
export async function openDeadLetterCounts(db: Kysely<EventTables>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('dead_letters')
    .select((eb) => ['consumer', eb.fn.countAll<number | string>().as('count')])
    .where('status', '=', 'OPEN')
    .groupBy('consumer')
    .execute();
  return new Map(rows.map((row) => [row.consumer, Number(row.count)]));
}

/**
 * Sets the `tessera_dead_letters{consumer}` gauge from the store: every consumer of `consumers`
 * (0 when it has none open) and any other consumer with open dead letters; no other. Call it after a
 * delivery dead-lettered, a replay or a discard, or on a timer.
 */
export async function exportDeadLetterDepth(db: Kysely<EventTables>, metrics: Metrics, consumers: readonly string[] = []): Promise<void> {
  defineEventMetrics(metrics);
  const counts = await openDeadLetterCounts(db);
  metrics.clear('tessera_dead_letters');
  for (const consumer of new Set([...consumers, ...counts.keys()])) {
    metrics.set('tessera_dead_letters', { consumer }, counts.get(consumer) ?? 0);
  }
}
