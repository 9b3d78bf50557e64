/**
 * The tables of an event consumer's store (docs/events.md#delivery): the inbox that makes every
 * handler idempotent by event id, the applied aggregate versions that let a handler ignore an
 * older event arriving after a newer one, the in-process transport's durable queue, and the
 * dead-letter queue (docs/events.md#dead-letters). The kernel declares them; the system that hosts
 * the consumers (the integration system) adds `eventTables` to its own tables, so a handler's
 * writes, its inbox row and its applied version commit in one transaction on that store.
 */
import { column, type RowOf, type TablesOf } from '../tableSpec.ts';

export const eventTables = {
  /** One row per event a consumer handled: written in the handler's transaction (delivery.ts). */
  event_inbox: {
    columns: {
      consumer: column.text,
      event_id: column.text,
      event_type: column.text,
      aggregate_type: column.text,
      aggregate_id: column.text,
      aggregate_version: column.int,
      handled_at: column.text,
    },
    unique: [['consumer', 'event_id']],
    indexes: [['handled_at']],
  },
  /** The highest version of each aggregate a consumer applied (aggregateVersions.ts). */
  event_aggregate_versions: {
    columns: {
      consumer: column.text,
      aggregate_type: column.text,
      aggregate_id: column.text,
      version: column.int,
    },
    unique: [['consumer', 'aggregate_type', 'aggregate_id']],
  },
  /**
   * The in-process transport's deliveries still to make (inProcessTransport.ts): one row per
   * consumer and event (and replay: `replay_id` is '' for the first delivery). A row is deleted once
   * its delivery is handled or dead-lettered; a failed one waits for `next_attempt_at`.
   */
  event_queue: {
    columns: {
      /** Sorts in insertion order (eventQueue.ts `queueId`). */
      id: column.id,
      consumer: column.text,
      event_id: column.text,
      replay_id: column.text,
      event_type: column.text,
      envelope_json: column.text,
      aggregate_type: column.text,
      aggregate_id: column.text,
      aggregate_version: column.int,
      /** Failed attempts so far. */
      attempts: column.int,
      next_attempt_at: column.text,
      last_error: column.optionalText,
      first_failed_at: column.optionalText,
      created_at: column.text,
    },
    unique: [['consumer', 'event_id', 'replay_id']],
    indexes: [['next_attempt_at'], ['consumer', 'aggregate_type', 'aggregate_id', 'aggregate_version']],
  },
  /** Deliveries that failed their last allowed attempt, kept until replayed or discarded (deadLetters.ts). */
  dead_letters: {
    columns: {
      id: column.id,
      consumer: column.text,
      event_id: column.text,
      event_type: column.text,
      aggregate_type: column.text,
      aggregate_id: column.text,
      aggregate_version: column.int,
      envelope_json: column.text,
      /** The last attempt's error message. */
      error: column.text,
      attempts: column.int,
      first_failed_at: column.text,
      last_failed_at: column.text,
      /** OPEN | REPLAYED | DISCARDED */
      status: column.text,
      replay_count: column.int,
      resolved_at: column.optionalText,
      resolved_by: column.optionalText,
      discard_reason: column.optionalText,
      /** The transport that gave up: 'in-process' | 'nats' (a replay goes back through it). */
      transport: column.text,
    },
    indexes: [['status', 'consumer'], ['event_id'], ['last_failed_at']],
  },
} as const;

export type EventTables = TablesOf<typeof eventTables>;
export type EventInboxRow = RowOf<typeof eventTables.event_inbox>;
export type EventAggregateVersionRow = RowOf<typeof eventTables.event_aggregate_versions>;
export type EventQueueRow = RowOf<typeof eventTables.event_queue>;
export type DeadLetterRow = RowOf<typeof eventTables.dead_letters>;
export type DeadLetterStatus = 'OPEN' | 'REPLAYED' | 'DISCARDED';
