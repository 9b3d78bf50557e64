/**
 * Usage recording off the request's critical path (docs/registry.md#usage). A request only queues
 * what it ran (`record`, constant time); the coordinates are computed after the response, in
 * `setImmediate` batches, and aggregated per (client, coordinate) into a bounded buffer that is
 * flushed to the sink every `flushIntervalMs`, when it holds `flushAtEntries`, and at `stop`.
 * Nothing the sink does (slow, failing, throwing) reaches a request: a failed batch is merged back
 * for the next flush as far as the buffer has room, the rest is dropped and counted.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { BoundedCache } from '../../core/boundedCache.ts';
import { analyseOperation, coordinatesWith, type OperationUsage } from './coordinates.ts';
import { defineUsageMetrics } from './usageMetrics.ts';

/** One client's use of one coordinate since the last flush; structurally the registry's `UsageEntry`. */
export interface UsageEntry {
  readonly clientId: string;
  readonly coordinate: string;
  /** Sampled operations that used it (not scaled by the sample rate). */
  readonly count: number;
  /** ISO timestamp of the last of them. */
  readonly lastUsedAt: string;
}

/** Where batches go (the registry, in the composition root). A rejection is a failed flush. */
export type UsageSink = (entries: readonly UsageEntry[]) => Promise<void>;

/** An operation that ran, as the gateway saw it. */
export interface UsageOperation {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName: string | null;
  /** Identifies the document's text: analyses are kept per schema, hash and operation name. */
  readonly queryHash: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly clientId: string;
}

export interface UsageRecorderOptions {
  readonly sink: UsageSink;
  readonly logger: Logger;
  /** @default 10000 */
  readonly flushIntervalMs?: number | undefined;
  /** A flush starts as soon as the buffer holds this many entries. @default 1000 */
  readonly flushAtEntries?: number | undefined;
  /** The most entries the buffer holds; a new (client, coordinate) beyond it is dropped. @default 10000 */
  readonly maxEntries?: number | undefined;
  /** The most operations waiting for analysis; one more is dropped. @default 10000 */
  readonly maxQueuedOperations?: number | undefined;
  /** The clock of `lastUsedAt`. @default () => new Date() */
  readonly now?: (() => Date) | undefined;
  /** Gets the usage counters (`defineUsageMetrics`). */
  readonly metrics?: Metrics | undefined;
}

export interface UsageRecorder {
  /** Queues an operation that ran; constant time, never throws. Ignored once stopped. */
  record(operation: UsageOperation): void;
  /** Analyses everything queued and sends the buffer (after a flush in flight); never rejects. */
  flush(): Promise<void>;
  /** Stops the timer and flushes; what is recorded afterwards is ignored. */
  stop(): Promise<void>;
}

/** Operations analysed per turn of the event loop, so a burst never holds it for long. */
const ANALYSED_PER_TURN = 64;

interface Queued {
  readonly operation: UsageOperation;
  readonly at: number;
}

interface Aggregate {
  readonly clientId: string;
  readonly coordinate: string;
  count: number;
  lastUsedAt: number;
}

export function createUsageRecorder(options: UsageRecorderOptions): UsageRecorder {
  const flushIntervalMs = positiveInteger(options.flushIntervalMs ?? 10_000, 'flushIntervalMs');
  const flushAtEntries = positiveInteger(options.flushAtEntries ?? 1000, 'flushAtEntries');
  const maxEntries = positiveInteger(options.maxEntries ?? 10_000, 'maxEntries');
  const maxQueued = positiveInteger(options.maxQueuedOperations ?? 10_000, 'maxQueuedOperations');
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ? defineUsageMetrics(options.metrics) : null;
  const count = (name: string, by: number) => {
    if (by > 0) metrics?.increment(name, {}, by);
  };
  const logger = options.logger.child({ component: 'usage' });

  // Analyses depend on the schema too: a hot-reloaded schema gets its own cache, the old one goes with it.
  const analyses = new WeakMap<GraphQLSchema, BoundedCache<string, OperationUsage>>();
  let queue: Queued[] = [];
  /** Where analysis resumes in `queue`. */
  let head = 0;
  let drainScheduled = false;
  let buffer = new Map<string, Aggregate>();
  let inFlight: Promise<void> | null = null;
  let failing = false;
  let stopped = false;

  const analysisOf = ({ schema, document, operationName, queryHash }: UsageOperation): OperationUsage => {
    let cache = analyses.get(schema);
    if (!cache) {
      cache = new BoundedCache(500);
      analyses.set(schema, cache);
    }
    const key = `${queryHash}\0${operationName ?? ''}`;
    let analysis = cache.get(key);
    if (!analysis) {
      analysis = analyseOperation(schema, document, operationName);
      cache.set(key, analysis);
    }
    return analysis;
  };

  /** Adds uses to the buffer; false when it is full and holds no entry for them. */
  const merge = (clientId: string, coordinate: string, uses: number, at: number): boolean => {
    const key = `${clientId}\n${coordinate}`;
    const aggregate = buffer.get(key);
    if (aggregate) {
      aggregate.count += uses;
      aggregate.lastUsedAt = Math.max(aggregate.lastUsedAt, at);
      return true;
    }
    if (buffer.size >= maxEntries) return false;
    buffer.set(key, { clientId, coordinate, count: uses, lastUsedAt: at });
    return true;
  };

  const analyse = (limit: number) => {
    const end = Math.min(queue.length, head + limit);
    let recorded = 0;
    let failed = 0;
    let dropped = 0;
    for (; head < end; head += 1) {
      const { operation, at } = queue[head]!;
      let coordinates: Set<string>;
      try {
        coordinates = coordinatesWith(analysisOf(operation), operation.variables);
      } catch (error) {
        // Validation ran before, so this is a bug or a hostile value past it: never the request's problem.
        logger.warn({ err: error }, 'usage analysis failed; the operation is not recorded');
        failed += 1;
        continue;
      }
      for (const coordinate of coordinates) if (!merge(operation.clientId, coordinate, 1, at)) dropped += 1;
      recorded += 1;
    }
    // Analysed operations leave the array in amortised constant time, not one shift each.
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    count('tessera_usage_operations_recorded_total', recorded);
    count('tessera_usage_operations_dropped_total', failed);
    count('tessera_usage_entries_dropped_total', dropped);
    if (buffer.size >= flushAtEntries) void send();
  };

  const drain = () => {
    drainScheduled = false;
    analyse(ANALYSED_PER_TURN);
    if (head < queue.length) schedule();
  };
  const schedule = () => {
    if (drainScheduled) return;
    drainScheduled = true;
    setImmediate(drain);
  };

  /** Sends the buffer unless a flush is in flight (then that one's promise). */
  const send = (): Promise<void> => {
    if (inFlight) return inFlight;
    if (buffer.size === 0) return Promise.resolve();
    const batch = [...buffer.values()];
    buffer = new Map();
    const entries = batch.map(({ clientId, coordinate, count: uses, lastUsedAt }) => ({
      clientId,
      coordinate,
      count: uses,
      lastUsedAt: new Date(lastUsedAt).toISOString(),
    }));
    let sent: Promise<void>;
    try {
      sent = options.sink(entries);
    } catch (error) {
      // A sink that throws instead of rejecting is a failed flush all the same.
      sent = Promise.reject(error);
    }
    inFlight = sent
      .then(
        () => {
          if (failing) logger.info('usage sink recovered');
          failing = false;
        },
        (error: unknown) => {
          count('tessera_usage_flush_failures_total', 1);
          // Once per failure streak: a sink that is down for an hour is one warning, not 360.
          if (!failing) logger.warn({ err: error, entries: entries.length }, 'usage sink failed; keeping what fits for the next flush');
          failing = true;
          let dropped = 0;
          for (const { clientId, coordinate, count: uses, lastUsedAt } of batch) {
            if (!merge(clientId, coordinate, uses, lastUsedAt)) dropped += 1;
          }
          count('tessera_usage_entries_dropped_total', dropped);
        },
      )
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const timer = setInterval(() => void send(), flushIntervalMs);
  // The timer never keeps a process alive on its own: shutdown flushes through stop().
  timer.unref();

  const flush = async () => {
    analyse(Number.POSITIVE_INFINITY);
    if (inFlight) await inFlight;
    await send();
  };

  return {
    record(operation) {
      if (stopped) return;
      if (queue.length - head >= maxQueued) {
        count('tessera_usage_operations_dropped_total', 1);
        return;
      }
      queue.push({ operation, at: now().getTime() });
      schedule();
    },
    flush,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await flush();
    },
  };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`usage recorder: ${name} must be a positive integer: ${value}`);
  return value;
}
