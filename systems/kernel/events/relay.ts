/**
 * The relay (docs/events.md#relay): reads each system's outbox rows not yet published, in
 * `occurred_at`, aggregate and version order, hands them to the transport, and marks them
 * published once the transport holds them. At least once: a relay that stops between the two
 * publishes the batch again (consumers deduplicate by event id; the transports drop an event they
 * already hold). On PostgreSQL each pass on a source holds a transaction-scoped advisory lock on
 * it, so a second relay replica skips that source instead of publishing the same rows (or a later
 * version of an aggregate before an earlier one).
 */
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../../core/logger.ts';
import { defineEventMetrics, type Metrics } from '../../../core/metrics.ts';
import type { SubgraphName } from '../subgraphName.ts';
import { engineOf } from '../capability/engine.ts';
import type { CapabilityTables, OutboxEventRow } from '../capability/tables.ts';
import type { EventEnvelope } from './envelope.ts';
import type { EventTransport } from './transport.ts';

export interface RelaySource {
  /** The system whose outbox this is (the envelope's `source`). */
  readonly system: SubgraphName;
  /** The system's ledger: where its `outbox_events` are. */
  readonly db: Kysely<CapabilityTables>;
}

export interface RelayOptions {
  readonly sources: readonly RelaySource[];
  readonly transport: Pick<EventTransport, 'publish'>;
  /** The `published_at` instants. */
  readonly clock: () => Date;
  /** Events per source per pass. @default 500 */
  readonly batchSize?: number;
  readonly metrics?: Metrics;
  readonly logger: Logger;
}

export interface Relay {
  /** One pass: at most one batch per source published and marked; resolves with how many events were published. */
  runOnce(): Promise<number>;
  /** Runs a pass every `intervalMs` (at once again while a source had a full batch) until `stop`. */
  start(intervalMs: number): void;
  /** Runs a pass soon (after a capability committed events). */
  wake(): void;
  /** Stops the loop; resolves once the pass under way (if any) is over. */
  stop(): Promise<void>;
}

/** The envelope of an outbox row of `source`. */
export function envelopeOf(row: OutboxEventRow, source: SubgraphName): EventEnvelope {
  return {
    eventId: row.event_id,
    type: row.type,
    source,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    occurredAt: row.occurred_at,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    traceparent: row.trace_parent ?? null,
    legalEntityId: row.legal_entity_id,
    payload: JSON.parse(row.payload_json) as Record<string, unknown> | null,
  };
}

export function createRelay(options: RelayOptions): Relay {
  const { sources, transport, clock, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const metrics = options.metrics ? defineEventMetrics(options.metrics) : undefined;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let wakeQueued = false;
  let interval = 0;

  // One pass at a time: the loop, `wake` and `runOnce` take turns.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
    const turn = tail.then(run);
    tail = turn.catch(() => undefined);
    return turn;
  };

  async function publishBatch(source: RelaySource, db: Kysely<CapabilityTables>): Promise<number> {
    const rows = await db
      .selectFrom('outbox_events')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('occurred_at')
      .orderBy('aggregate_type')
      .orderBy('aggregate_id')
      .orderBy('aggregate_version')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return 0;
    await transport.publish(rows.map((row) => envelopeOf(row, source.system)));
    await db
      .updateTable('outbox_events')
      .set({ published_at: clock().toISOString() })
      .where(
        'event_id',
        'in',
        rows.map((row) => row.event_id),
      )
      .execute();
    metrics?.increment('tessera_events_published_total', { system: source.system }, rows.length);
    return rows.length;
  }

  async function relaySource(source: RelaySource): Promise<number> {
    if ((await engineOf(source.db)) !== 'postgres') return publishBatch(source, source.db);
    return source.db.transaction().execute(async (trx) => {
      const lock = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(hashtextextended(${`tessera.relay.${source.system}`}, 0)) as locked`.execute(trx);
      if (!lock.rows[0]?.locked) return 0; // another relay is publishing this outbox now
      return publishBatch(source, trx);
    });
  }

  /** One pass; `full`: some source had a whole batch (more may be waiting). */
  async function pass(): Promise<{ published: number; full: boolean }> {
    let published = 0;
    let full = false;
    const failures: unknown[] = [];
    for (const source of sources) {
      try {
        const count = await relaySource(source);
        published += count;
        full ||= count === batchSize;
      } catch (error) {
        logger.error({ err: error, system: source.system }, 'relay could not publish the outbox');
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `relay: ${failures.length} outboxes could not be published`);
    return { published, full };
  }

  function loop(): void {
    wakeQueued = false;
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = null;
    exclusive(pass).then(
      ({ full }) => schedule(full ? 0 : interval),
      () => schedule(interval),
    );
  }

  function schedule(ms: number): void {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(loop, ms);
    timer.unref();
  }

  return {
    runOnce: async () => (await exclusive(pass)).published,
    start(intervalMs) {
      interval = intervalMs;
      running = true;
      schedule(0);
    },
    wake() {
      if (!running || wakeQueued) return;
      wakeQueued = true;
      setImmediate(loop);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await tail;
    },
  };
}
