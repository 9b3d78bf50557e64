/**
 * The in-process transport (docs/events.md#in-process-transport), the embedded default: durable
 * through the `event_queue` table of the consumers' store, so it needs nothing installed and
 * survives a restart. `publish` queues one row per event and consumer that wants its type; the
 * dispatcher delivers due rows through `Delivery` and acts on the outcome (handled or
 * dead-lettered: the row goes; retry: the row waits `next_attempt_at`). An aggregate's events reach
 * each consumer in version order (eventQueue.ts `dueRows`).
 *
 * One dispatcher at a time per transport: the polling loop, `publish`'s wake-up and `drain()`
 * take turns. It serves one process (the embedded mode); several processes on one store would
 * deliver the same rows twice (harmless for the handlers, whose inbox deduplicates, but wasted):
 * the distributed mode uses NATS.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../../core/logger.ts';
import type { Delivery } from './delivery.ts';
import type { EventEnvelope } from './envelope.ts';
import { dueRows, enqueue, removeRow, rescheduleRow, type QueuedDelivery } from './eventQueue.ts';
import type { EventTables, EventQueueRow } from './tables.ts';
import type { EventConsumer, EventTransport } from './transport.ts';

export interface InProcessTransportOptions {
  /** The consumers' store: its `event_queue`, and the store `delivery` writes to. */
  readonly db: Kysely<EventTables>;
  readonly delivery: Delivery;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** How often a started transport looks for due rows (publish and redeliver wake it at once). @default 250 */
  readonly pollIntervalMs?: number;
  /** Rows per dispatch pass. @default 100 */
  readonly batchSize?: number;
  /**
   * Whether a started transport delivers on its own (a poll, and a wake on publish). `false`: only
   * `drain()` delivers (tests drive it, and nothing runs between their requests). @default true
   */
  readonly background?: boolean;
}

export function createInProcessTransport(options: InProcessTransportOptions): EventTransport {
  const { db, delivery, clock, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const background = options.background ?? true;
  const consumers = new Map<string, EventConsumer>();
  let started = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let wakeQueued = false;

  // The dispatcher's turns: each pass waits for the one before it.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
    const turn = tail.then(run);
    tail = turn.catch(() => undefined);
    return turn;
  };

  async function deliverRow(row: EventQueueRow): Promise<void> {
    const consumer = consumers.get(row.consumer)!;
    const event = JSON.parse(row.envelope_json) as EventEnvelope;
    const firstFailedAt = row.first_failed_at === null ? null : new Date(row.first_failed_at);
    const outcome = await delivery.deliver(consumer, event, row.attempts + 1, firstFailedAt);
    if (outcome.kind === 'retry') {
      const now = clock();
      await rescheduleRow(db, row, outcome.error, now, new Date(now.getTime() + outcome.delayMs));
    } else {
      await removeRow(db, row.id);
    }
  }

  /** Delivers due rows until none is due; the number of deliveries made. */
  async function dispatch(): Promise<number> {
    let delivered = 0;
    for (;;) {
      if (closed) return delivered;
      const rows = await dueRows(db, [...consumers.keys()], clock(), batchSize);
      if (rows.length === 0) return delivered;
      for (const row of rows) {
        if (closed) return delivered;
        await deliverRow(row);
        delivered += 1;
      }
    }
  }

  function tick(): void {
    wakeQueued = false;
    if (closed) return;
    exclusive(dispatch)
      .catch((error: unknown) => logger.error({ err: error }, 'in-process event dispatch failed; retrying at the next poll'))
      .finally(schedule);
  }

  function schedule(): void {
    if (closed || !started || !background) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, pollIntervalMs);
    timer.unref();
  }

  function wake(): void {
    if (closed || !started || !background || wakeQueued) return;
    wakeQueued = true;
    setImmediate(tick);
  }

  return {
    kind: 'in-process',
    async publish(events) {
      if (consumers.size === 0) {
        throw new Error('The in-process event transport has no consumers yet: start it before the relay publishes.');
      }
      const deliveries: QueuedDelivery[] = [];
      for (const event of events) {
        for (const consumer of consumers.values()) {
          if (consumer.types === 'all' || consumer.types.includes(event.type))
            deliveries.push({ consumer: consumer.name, event, replayId: '' });
        }
      }
      await db.transaction().execute((trx) => enqueue(trx, deliveries, clock()));
      wake();
    },
    async start(list) {
      if (closed) throw new Error('The in-process event transport is closed.');
      for (const consumer of list) {
        const known = consumers.get(consumer.name);
        if (known && known !== consumer) throw new Error(`Two event consumers are named ${consumer.name}.`);
        consumers.set(consumer.name, consumer);
      }
      started = true;
      wake();
    },
    async redeliver(consumer, event, replayId) {
      if (replayId === '') throw new TypeError('redeliver needs a replay id (the empty one is the first delivery).');
      await enqueue(db, [{ consumer, event, replayId }], clock());
      wake();
    },
    drain: () => exclusive(dispatch),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await tail;
    },
  };
}
