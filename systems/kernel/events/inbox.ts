/**
 * The consumers' inbox (docs/events.md#delivery): a consumer handles an event id once. The row is
 * claimed in the handler's transaction before the handler runs, so a duplicate delivery (a
 * republished event, a redelivery after a crash, a replay of a handled event) finds it and is
 * acknowledged without running the handler again; a handler that throws takes its row with it.
 */
import type { Kysely } from 'kysely';
import type { EventEnvelope } from './envelope.ts';
import type { EventInboxRow, EventTables } from './tables.ts';

/**
 * Claims `event` for `consumer` inside the caller's transaction: true when this delivery is the
 * first (the row is new), false when the event was handled already. On PostgreSQL a concurrent
 * delivery of the same event waits here until the first commits (then answers false) or rolls back.
 */
export async function claimInbox(trx: Kysely<EventTables>, consumer: string, event: EventEnvelope, now: Date): Promise<boolean> {
  const result = await trx
    .insertInto('event_inbox')
    .values({
      consumer,
      event_id: event.eventId,
      event_type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      aggregate_version: event.aggregateVersion,
      handled_at: now.toISOString(),
    })
    .onConflict((conflict) => conflict.columns(['consumer', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The inbox row of `eventId` for `consumer`: when it was handled, or undefined if it was not. */
export function inboxEntry(db: Kysely<EventTables>, consumer: string, eventId: string): Promise<EventInboxRow | undefined> {
  return db.selectFrom('event_inbox').selectAll().where('consumer', '=', consumer).where('event_id', '=', eventId).executeTakeFirst();
}
