/**
 * The NATS JetStream event transport, for the distributed mode (docs/events.md#nats-transport).
 *
 * - One stream per deployment prefix, `<PREFIX>_EVENTS`, capturing `<prefix>.events.>` and
 *   `<prefix>.replay.>` (setup.ts). An event goes to `<prefix>.events.<source>.<type>` with
 *   `Nats-Msg-Id: <eventId>`, so a relay that publishes a batch again after a crash stores nothing twice.
 * - `publish` resolves once JetStream has acknowledged every event. The events of one aggregate are
 *   sent one after the other (the next only once the previous is stored), so they are stored in
 *   version order even when a publish fails half-way; different aggregates go in parallel.
 * - One durable pull consumer per `EventConsumer`, explicit acks. Each message goes to the shared
 *   `Delivery` with attempt = the server's delivery count: handled → ack; retry → `nak(delay)`;
 *   dead-lettered → ack (the dead-letter row is the record now). A delivery that could not even
 *   record its outcome (the consumer store is down) is nak'ed after `storeRetryMs`.
 * - `redeliver` publishes to `<prefix>.replay.<consumer>` with `Nats-Msg-Id: replay:<replayId>`.
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import type { Logger } from '../../../../core/logger.ts';
import type { EventEnvelope } from '../envelope.ts';
import type { Delivery } from '../delivery.ts';
import type { DeliveryOutcome, EventConsumer, EventTransport } from '../transport.ts';
import { decodeEnvelope, encodeEnvelope, envelopeHeaders } from './codec.ts';
import { natsNames, type NatsNames } from './names.ts';
import { PendingRetries, type PendingRetry } from './pendingRetries.ts';
import { pull, type PulledMessage } from './pull.ts';
import { ensureConsumer, ensureStream, supportsMultipleFilters, wants, type StreamOptions } from './setup.ts';

export interface NatsTransportOptions {
  /** `nats://` URLs to connect to (comma-separated for a cluster); or `connection`, one the caller opened (and closes). */
  readonly url?: string;
  readonly connection?: NatsConnection;
  /** A NATS credentials file (`.creds`), read when connecting by `url`; its content is never logged. */
  readonly credsFile?: string;
  /** The deployment prefix: stream `<PREFIX>_EVENTS`, subjects `<prefix>.…`. */
  readonly prefix: string;
  /** The shared delivery (delivery.ts): idempotency, retries with backoff, dead letters. */
  readonly delivery: Pick<Delivery, 'deliver' | 'retry'>;
  /** The clock retries are due by (tests inject one); NATS itself redelivers by the wall clock. */
  readonly clock: () => Date;
  readonly logger: Logger;
  /** How long a delivered message may stay un-acked before the server sends it again (30 s). */
  readonly ackWaitMs?: number;
  /**
   * Deliveries after which the server stops sending a message (default: the delivery's attempts + 5).
   * It must be above the attempts: the delivery dead-letters at its last attempt, and a delivery cut
   * short by a crash (sent again after `ackWaitMs`) counts as one too.
   */
  readonly maxDeliver?: number;
  /** Messages asked for per pull (256). */
  readonly batchSize?: number;
  /** Whether `start` also delivers on its own, in the background (true). Tests drain instead. */
  readonly background?: boolean;
  /** How long a background pull waits for messages before asking again (1 s). */
  readonly pollMs?: number;
  /** Delay before a delivery that failed to record any outcome is tried again (1 s). */
  readonly storeRetryMs?: number;
  /** How long past its time `drain` waits for a due retry the server has not sent (2 s); then it is someone else's. */
  readonly retryGraceMs?: number;
  readonly stream?: StreamOptions;
  /** How long a publish, pull or ack waits for the server's answer before it fails (5 s). */
  readonly requestTimeoutMs?: number;
}

export interface NatsTransport extends EventTransport {
  readonly kind: 'nats';
  /** The names in use (stream, subjects, durables), for operators and tests. */
  readonly names: NatsNames;
  /** Retries nak'ed by this process and not yet back. */
  pendingRetries(): number;
}

interface Running {
  readonly consumer: EventConsumer;
  readonly durable: string;
  /**
   * Retries the server sent back before they were due by the transport's clock (a test clock
   * behind the wall clock, or timer jitter): held un-acked, by stream sequence, and delivered when due.
   */
  readonly early: Map<number, { readonly message: PulledMessage; readonly event: EventEnvelope; readonly retry: PendingRetry }>;
  /** One pull at a time per consumer: the background loop and `drain` take turns. */
  turn: Promise<unknown>;
}

/** Connects (when given a URL), makes sure the stream exists and returns the transport. */
export async function createNatsTransport(options: NatsTransportOptions): Promise<NatsTransport> {
  const names = natsNames(options.prefix);
  const owned = options.connection === undefined;
  const nc = options.connection ?? (await connectTo(options));
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, names, options.stream);
    return new NatsJetStreamTransport(options, names, nc, owned, jsm);
  } catch (error) {
    if (owned) await nc.close();
    throw error;
  }
}

/** A connection to `url` (comma-separated servers) with the `.creds` file, if any: the transport's, and the broadcast's (broadcast.ts). */
export async function connectTo(options: Pick<NatsTransportOptions, 'url' | 'credsFile' | 'prefix'>): Promise<NatsConnection> {
  if (!options.url) throw new TypeError('createNatsTransport needs a url or a connection');
  const authenticator = options.credsFile ? credsAuthenticator(readFileSync(options.credsFile)) : undefined;
  return connect({
    servers: options.url.split(',').map((url) => url.trim()),
    name: `tessera-events-${options.prefix}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...(authenticator ? { authenticator } : {}),
  });
}

class NatsJetStreamTransport implements NatsTransport {
  readonly kind = 'nats' as const;
  readonly names: NatsNames;
  readonly #options: NatsTransportOptions;
  readonly #nc: NatsConnection;
  /** Whether the transport opened the connection (and so closes it). */
  readonly #owned: boolean;
  readonly #jsm: JetStreamManager;
  readonly #js: JetStreamClient;
  readonly #pending = new PendingRetries();
  readonly #running = new Map<string, Running>();
  readonly #loops: Promise<void>[] = [];
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #storeRetryMs: number;
  readonly #graceMs: number;
  readonly #requestTimeoutMs: number;
  #stopped = false;

  constructor(options: NatsTransportOptions, names: NatsNames, nc: NatsConnection, owned: boolean, jsm: JetStreamManager) {
    this.#options = options;
    this.names = names;
    this.#nc = nc;
    this.#owned = owned;
    this.#jsm = jsm;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.#js = nc.jetstream({ timeout: this.#requestTimeoutMs });
    this.#batchSize = options.batchSize ?? 256;
    this.#pollMs = options.pollMs ?? 1000;
    this.#storeRetryMs = options.storeRetryMs ?? 1000;
    this.#graceMs = options.retryGraceMs ?? 2000;
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    // Each aggregate's events in order, one at a time; aggregates side by side.
    const chains = new Map<string, EventEnvelope[]>();
    for (const event of events) {
      const key = `${event.source}\u0000${event.aggregateType}\u0000${event.aggregateId}`;
      const chain = chains.get(key) ?? [];
      chain.push(event);
      chains.set(key, chain);
    }
    const results = await Promise.allSettled(
      [...chains.values()].map(async (chain) => {
        for (const event of chain) await this.#publishOne(this.names.eventSubject(event.source, event.type), event, event.eventId);
      }),
    );
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async redeliver(consumer: string, event: EventEnvelope, replayId: string): Promise<void> {
    await this.#publishOne(this.names.replaySubject(consumer), event, `replay:${replayId}`);
  }

  async #publishOne(subject: string, event: EventEnvelope, msgId: string): Promise<void> {
    await this.#js.publish(subject, encodeEnvelope(event), { msgID: msgId, headers: envelopeHeaders(event, msgId) });
  }

  async start(consumers: readonly EventConsumer[]): Promise<void> {
    const policy = this.#options.delivery.retry;
    const settings = {
      ackWaitMs: this.#options.ackWaitMs ?? 30_000,
      maxDeliver: this.#options.maxDeliver ?? policy.maxAttempts + 5,
      multipleFilters: supportsMultipleFilters(this.#nc.info?.version),
    };
    if (settings.maxDeliver !== -1 && settings.maxDeliver <= policy.maxAttempts) {
      throw new TypeError(`maxDeliver (${settings.maxDeliver}) must be above the retry policy's ${policy.maxAttempts} attempts`);
    }
    for (const consumer of consumers) {
      if (this.#running.has(consumer.name)) throw new TypeError(`event consumer ${consumer.name} is started twice`);
      await ensureConsumer(this.#jsm, this.names, consumer, settings);
      this.#running.set(consumer.name, { consumer, durable: this.names.durable(consumer.name), early: new Map(), turn: Promise.resolve() });
    }
    if (this.#options.background ?? true) {
      for (const name of consumers.map((consumer) => consumer.name)) this.#loops.push(this.#loop(this.#running.get(name)!));
    }
  }

  /**
   * Delivers until nothing is immediately available to any consumer and no retry this process
   * nak'ed is due by the transport's clock. A retry the server sends back before it is due by that
   * clock is held, not delivered, until it is. A due retry the server has not sent yet is waited
   * for (by the wall clock: NATS redelivers a `nak(delay)` after `delay`), up to `retryGraceMs` past
   * its time; one that does not come by then went to another process and is forgotten.
   */
  async drain(): Promise<number> {
    let deliveries = 0;
    for (;;) {
      let received = 0;
      for (const running of this.#running.values()) {
        const pulled = await this.#turn(running, async () => {
          const held = await this.#deliverDueEarly(running);
          const fresh = await this.#pull(running, { noWait: true });
          return { received: held + fresh.received, deliveries: held + fresh.deliveries };
        });
        received += pulled.received;
        deliveries += pulled.deliveries;
      }
      if (received > 0) continue;
      const due = this.#pending.due(this.#options.clock().getTime());
      if (due.size === 0) return deliveries;
      for (const [name, retries] of due) {
        const running = this.#running.get(name)!;
        const wallNow = Date.now();
        const latest = Math.max(...retries.map((retry) => retry.wallDueAt));
        const waitMs = Math.max(50, Math.min(latest + this.#graceMs - wallNow, this.#graceMs));
        // One message ends the wait (a bigger batch would hold the pull open until it expires); the next round takes the rest.
        const pulled = await this.#turn(running, () => this.#pull(running, { noWait: false, expiresMs: waitMs }, 1));
        deliveries += pulled.deliveries;
        if (pulled.received === 0) {
          const forgotten = this.#pending.forgetOverdue(name, Date.now(), this.#graceMs);
          if (forgotten > 0) this.#options.logger.debug({ consumer: name, forgotten }, 'nats: due retries not redelivered here');
        }
      }
    }
  }

  pendingRetries(): number {
    let held = 0;
    for (const running of this.#running.values()) held += running.early.size;
    return this.#pending.size + held;
  }

  /** Stops delivering; held retries go back to the server (due when they were); a connection it opened is drained. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(this.#loops);
    for (const running of this.#running.values()) {
      await this.#turn(running, async () => {
        const now = this.#options.clock().getTime();
        for (const { message, retry } of running.early.values()) message.nak(Math.max(0, retry.dueAt - now));
        running.early.clear();
      });
    }
    if (this.#owned && !this.#nc.isClosed()) await this.#nc.drain();
  }

  /** Runs `work` when the consumer's previous pull has finished. */
  #turn<T>(running: Running, work: () => Promise<T>): Promise<T> {
    const result = running.turn.then(work);
    running.turn = result.catch(() => undefined);
    return result;
  }

  async #loop(running: Running): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#turn(running, async () => {
          await this.#deliverDueEarly(running);
          // Wake up for the first held retry's time, or ask again after pollMs.
          const now = this.#options.clock().getTime();
          const firstDue = Math.min(...[...running.early.values()].map(({ retry }) => retry.dueAt - now));
          await this.#pull(running, { noWait: false, expiresMs: Math.max(10, Math.min(this.#pollMs, firstDue)) });
        });
      } catch (error) {
        if (this.#stopped) return;
        this.#options.logger.warn({ err: error, consumer: running.consumer.name }, 'nats: pull failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
      }
    }
  }

  /** One pull request: what is there now (`no_wait`), or what arrives within `expires` ms. */
  async #pull(
    running: Running,
    how: { noWait: true } | { noWait: false; expiresMs: number },
    batch = this.#batchSize,
  ): Promise<{ received: number; deliveries: number }> {
    let received = 0;
    let deliveries = 0;
    for await (const message of pull(this.#nc, this.names.stream, running.durable, { batch, silenceMs: this.#requestTimeoutMs, ...how })) {
      received += 1;
      deliveries += await this.#process(running, message);
    }
    return { received, deliveries };
  }

  /** Delivers the held retries that are due now; returns how many. */
  async #deliverDueEarly(running: Running): Promise<number> {
    let deliveries = 0;
    for (const [sequence, held] of running.early) {
      if (held.retry.dueAt > this.#options.clock().getTime()) continue;
      running.early.delete(sequence);
      deliveries += await this.#deliver(running.consumer, held.message, held.event, held.retry);
    }
    return deliveries;
  }

  /** Hands one message to the delivery (or holds it, if it is a retry not yet due); returns the deliveries made (0 or 1). */
  async #process(running: Running, message: PulledMessage): Promise<number> {
    const { consumer } = running;
    const sequence = message.streamSequence;
    // A held retry the server sent again (its ack wait ran out) is replaced by the newer delivery.
    const held = running.early.get(sequence);
    running.early.delete(sequence);
    const previous = this.#pending.take(consumer.name, sequence) ?? held?.retry;
    if (!wants(this.names, consumer, message.subject)) {
      // A server before 2.10 cannot filter by several subjects: what this consumer does not want is skipped here.
      message.ack();
      return 0;
    }
    let event: EventEnvelope;
    try {
      event = decodeEnvelope(message.data);
    } catch (error) {
      this.#options.logger.error(
        { err: error, consumer: consumer.name, subject: message.subject, sequence },
        'nats: not an event envelope; terminated',
      );
      message.term();
      return 0;
    }
    if (previous && previous.dueAt > this.#options.clock().getTime()) {
      running.early.set(sequence, { message, event, retry: previous });
      return 0;
    }
    return this.#deliver(consumer, message, event, previous);
  }

  /** One delivery attempt, then the message settled with the server: ack, or nak for a retry. */
  async #deliver(
    consumer: EventConsumer,
    message: PulledMessage,
    event: EventEnvelope,
    previous: PendingRetry | undefined,
  ): Promise<number> {
    let outcome: DeliveryOutcome;
    try {
      outcome = await this.#options.delivery.deliver(consumer, event, message.deliveryCount, previous?.firstFailedAt ?? null);
    } catch (error) {
      this.#options.logger.error(
        { err: error, consumer: consumer.name, eventId: event.eventId },
        'nats: delivery failed to record an outcome; retrying',
      );
      this.#nak(consumer, message, this.#storeRetryMs, previous);
      return 1;
    }
    if (outcome.kind === 'retry') {
      this.#nak(consumer, message, outcome.delayMs, previous);
    } else {
      try {
        await message.ackAck(this.#requestTimeoutMs);
      } catch (error) {
        // Handled (or dead-lettered) and recorded: the server sends it again after the ack wait, and the inbox answers it
        // as a duplicate. The connection is in trouble: the pull stops here, and the rest of its batch comes back the same way.
        this.#options.logger.warn({ err: error, consumer: consumer.name, eventId: event.eventId }, 'nats: ack not confirmed');
        throw new Error(`NATS did not confirm the ack of ${event.eventId} for ${consumer.name}`, { cause: error });
      }
    }
    return 1;
  }

  #nak(consumer: EventConsumer, message: PulledMessage, delayMs: number, previous: PendingRetry | undefined): void {
    const delay = Math.max(0, Math.round(delayMs));
    const now = this.#options.clock();
    this.#pending.add(consumer.name, message.streamSequence, {
      dueAt: now.getTime() + delay,
      wallDueAt: Date.now() + delay,
      firstFailedAt: previous?.firstFailedAt ?? now,
    });
    message.nak(delay);
  }
}
