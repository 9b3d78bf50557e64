/**
 * How events move from the relay to their consumers (docs/events.md#transports). Two transports
 * implement it: in-process (the embedded default, durable through tables in the consumers' store)
 * and NATS JetStream (distributed mode). Both deliver every event at least once to every consumer
 * that wants it, and both hand each delivery to the same `Delivery` (delivery.ts): idempotency by
 * event id, retries with backoff and jitter, then the dead-letter queue. The same contract suite
 * runs on both (test/systems/kernel/events/transport.contract.ts).
 */
import type { Kysely } from 'kysely';
import type { EventEnvelope } from './envelope.ts';

/** What a consumer's handler gets with an event. */
export interface HandleContext<DB> {
  /**
   * A transaction on the consumer's store: the inbox row that makes the handler idempotent by
   * event id commits with what the handler wrote, or neither does.
   */
  readonly trx: Kysely<DB>;
  /** 1 for the first delivery. */
  readonly attempt: number;
  readonly now: Date;
}

export interface EventConsumer<DB = unknown> {
  /** Durable name: its inbox rows, its place on the transport, its dead letters. */
  readonly name: string;
  /** The event types it wants ('all' for every type); other events are never delivered to it. */
  readonly types: readonly string[] | 'all';
  /** Handles one event. Throwing makes the delivery fail: it is retried, then dead-lettered. */
  handle(event: EventEnvelope, context: HandleContext<DB>): Promise<void>;
}

/** Retries of a failed delivery: exponential backoff with full jitter, at most `maxAttempts` in all. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 5 * 60_000 });

export type DeliveryOutcome =
  /** Handled now, or already handled before (a duplicate): either way, done. */
  | { readonly kind: 'handled'; readonly duplicate: boolean }
  /** Failed; deliver again after `delayMs`. */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly error: string }
  /** Failed for the last allowed time: the event is in the dead-letter queue. */
  | { readonly kind: 'dead-lettered'; readonly deadLetterId: string; readonly error: string };

export interface EventTransport {
  readonly kind: 'in-process' | 'nats';
  /**
   * Takes events durably, in the order given (the relay gives each aggregate's events in version
   * order). Resolves only once they are safe: the relay marks them published after that.
   */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  /** Starts delivering to `consumers`: every event published, before or after, that each wants. */
  start(consumers: readonly EventConsumer[]): Promise<void>;
  /** Puts one event in front of one consumer again (dead-letter replay); `replayId` makes a repeated replay harmless. */
  redeliver(consumer: string, event: EventEnvelope, replayId: string): Promise<void>;
  /**
   * Delivers whatever is due now until nothing is; resolves with the number of deliveries made.
   * Tests, the benchmark and shutdown use it; a running transport also delivers on its own.
   */
  drain(): Promise<number>;
  close(): Promise<void>;
}
