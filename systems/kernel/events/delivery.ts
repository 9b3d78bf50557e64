/**
 * One delivery attempt of one event to one consumer (docs/events.md#delivery): both transports
 * call `deliver` and act on its `DeliveryOutcome`.
 *
 * In one transaction on the consumer's store: the inbox row is claimed (a duplicate is answered
 * `handled, duplicate` without running the handler), then the handler runs with that transaction.
 * If the handler throws, the transaction rolls back (none of its writes, nor the inbox row, stay)
 * and the attempt failed: before the last allowed attempt the answer is a retry after a backoff
 * with full jitter (backoff.ts); the last failure is recorded in the dead-letter queue with its
 * error, attempts and first and last failure (deadLetters.ts).
 */
import type { Kysely } from 'kysely';
import { defineEventMetrics, type Metrics } from '../../../core/metrics.ts';
import type { Logger } from '../../../core/logger.ts';
import { retryDelay } from './backoff.ts';
import { recordDeadLetter } from './deadLetters.ts';
import type { EventEnvelope } from './envelope.ts';
import { claimInbox } from './inbox.ts';
import type { EventTables } from './tables.ts';
import { DEFAULT_RETRY_POLICY, type DeliveryOutcome, type EventConsumer, type EventTransport, type RetryPolicy } from './transport.ts';

export interface DeliveryOptions {
  /** The consumers' store: inbox, dead letters, and what handlers write. */
  readonly db: Kysely<EventTables>;
  readonly clock: () => Date;
  /** In [0, 1): the jitter. @default Math.random */
  readonly random?: () => number;
  readonly retry?: RetryPolicy;
  /** Lag, outcomes and retries are counted here (core/metrics.ts `defineEventMetrics`). */
  readonly metrics?: Metrics;
  readonly logger?: Logger;
  /** The transport delivering (kept with dead letters: a replay goes back through it). */
  readonly transport: EventTransport['kind'];
}

export interface Delivery {
  readonly transport: EventTransport['kind'];
  readonly retry: RetryPolicy;
  /**
   * Delivers `event` to `consumer` as attempt number `attempt` (1 for the first). `firstFailedAt`:
   * when the first failed attempt of this delivery was, if one failed (kept with a dead letter;
   * the time of this attempt when unknown).
   */
  deliver(consumer: EventConsumer, event: EventEnvelope, attempt: number, firstFailedAt?: Date | null): Promise<DeliveryOutcome>;
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const { db, clock, transport } = options;
  const random = options.random ?? Math.random;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const metrics = options.metrics ? defineEventMetrics(options.metrics) : undefined;
  const count = (consumer: string, outcome: string) => metrics?.increment('tessera_event_deliveries_total', { consumer, outcome });

  return {
    transport,
    retry,
    async deliver(consumer, event, attempt, firstFailedAt) {
      const now = clock();
      try {
        const first = await db.transaction().execute(async (trx) => {
          if (!(await claimInbox(trx, consumer.name, event, now))) return false;
          await consumer.handle(event, { trx: trx as unknown as Kysely<unknown>, attempt, now });
          return true;
        });
        count(consumer.name, first ? 'handled' : 'duplicate');
        if (first) {
          const lag = (now.getTime() - Date.parse(event.occurredAt)) / 1000;
          if (Number.isFinite(lag)) metrics?.observe('tessera_event_lag_seconds', { consumer: consumer.name }, Math.max(0, lag));
        }
        return { kind: 'handled', duplicate: !first };
      } catch (thrown) {
        const error = messageOf(thrown);
        if (attempt < retry.maxAttempts) {
          const delayMs = retryDelay(retry, attempt, random);
          count(consumer.name, 'retry');
          metrics?.increment('tessera_event_retries_total', { consumer: consumer.name });
          options.logger?.warn(
            { consumer: consumer.name, eventId: event.eventId, type: event.type, attempt, delayMs, error },
            'event delivery failed',
          );
          return { kind: 'retry', delayMs, error };
        }
        const deadLetterId = await recordDeadLetter(db, {
          consumer: consumer.name,
          event,
          error,
          attempts: attempt,
          firstFailedAt: firstFailedAt ?? now,
          lastFailedAt: now,
          transport,
        });
        count(consumer.name, 'dead_lettered');
        options.logger?.error(
          { consumer: consumer.name, eventId: event.eventId, type: event.type, attempt, deadLetterId, error },
          'event dead-lettered',
        );
        return { kind: 'dead-lettered', deadLetterId, error };
      }
    },
  };
}

/** The error a failed attempt keeps: the message (bounded), never a stack. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}
