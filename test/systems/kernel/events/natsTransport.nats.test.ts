/**
 * What only the NATS transport does (docs/events.md#nats-transport): its stream and consumers,
 * subjects and publish deduplication, acks, `nak(delay)` retries, replay subjects and `drain`.
 * The behaviour both transports share is the contract suite's (transport.nats.test.ts).
 */
import type { Kysely } from 'kysely';
import { connect, nanos, type JetStreamManager, type NatsConnection } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/logger.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { createDelivery, type Delivery } from '../../../../systems/kernel/events/delivery.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import {
  createNatsTransport,
  type NatsTransport,
  type NatsTransportOptions,
} from '../../../../systems/kernel/events/nats/natsTransport.ts';
import { supportsMultipleFilters } from '../../../../systems/kernel/events/nats/setup.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventConsumer } from '../../../../systems/kernel/events/transport.ts';
import { deleteNatsStream, natsTestPrefix, onNats } from '../../../harness/onNats.ts';
import { tempSqliteStore, type TempStore } from '../../../harness/tempDatabase.ts';
import { effectsOf, openConsumerStore, type ConsumerStoreTables } from './consumerStore.ts';
import { envelope } from './events.ts';

const T0 = new Date('2025-01-01T00:00:10.000Z');
/** Every retry waits 300 ms (random 0.5 of a 600 ms ceiling): long enough that a drain never sees it come back early. */
const POLICY = { maxAttempts: 3, baseDelayMs: 600, maxDelayMs: 600 };
const RETRY_MS = 300;

onNats('NATS transport', (url) => {
  let prefix: string;
  let temp: TempStore;
  let db: Kysely<ConsumerStoreTables>;
  let now: Date;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const transports: NatsTransport[] = [];

  beforeEach(async () => {
    prefix = natsTestPrefix();
    temp = tempSqliteStore();
    db = await openConsumerStore(temp.store);
    now = T0;
    nc = await connect({ servers: url });
    jsm = await nc.jetstreamManager();
  });
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    await nc.close();
    await deleteNatsStream(url, prefix);
    await closeDatabase(db as Kysely<unknown>);
    await temp.remove();
  });

  const delivery = (retry = POLICY): Delivery =>
    createDelivery({ db: db as unknown as Kysely<EventTables>, clock: () => now, retry, random: () => 0.5, transport: 'nats' });

  async function transportWith(options: Partial<NatsTransportOptions> = {}): Promise<NatsTransport> {
    const transport = await createNatsTransport({
      url,
      prefix,
      delivery: delivery(),
      clock: () => now,
      logger: createLogger('silent'),
      background: false,
      ...options,
    });
    transports.push(transport);
    return transport;
  }

  /** A consumer writing one effects row per event; it throws on the attempts `failing` names. */
  function writer(name: string, types: EventConsumer['types'], failing: (attempt: number) => boolean = () => false) {
    const attempts: number[] = [];
    const consumer: EventConsumer<ConsumerStoreTables> = {
      name,
      types,
      async handle(event, { trx, attempt }) {
        attempts.push(attempt);
        if (failing(attempt)) throw new TypeError(`attempt ${attempt} failed`);
        await trx
          .insertInto('contract_effects')
          .values({
            id: `${name}:${event.eventId}`,
            consumer: name,
            event_id: event.eventId,
            aggregate_id: event.aggregateId,
            version: event.aggregateVersion,
          })
          .execute();
      },
    };
    return { consumer: consumer as EventConsumer, attempts };
  }

  const effectVersions = async (consumer: string) =>
    (await effectsOf(db, consumer)).map((row) => `${row.aggregate_id}@${row.version}`).sort();
  const consumerState = async (durable: string) => {
    const info = await jsm.consumers.info(`${prefix.toUpperCase()}_EVENTS`, durable);
    return { pending: info.num_pending, unacked: info.num_ack_pending };
  };
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  describe('setup', () => {
    it('creates the stream <PREFIX>_EVENTS on file storage with a publish deduplication window, once', async () => {
      await transportWith();
      await transportWith();
      const info = await jsm.streams.info(`${prefix.toUpperCase()}_EVENTS`);
      expect(info.config).toMatchObject({
        subjects: [`${prefix}.events.>`, `${prefix}.replay.>`],
        storage: 'file',
        retention: 'limits',
        duplicate_window: nanos(5 * 60_000),
        max_age: 0,
      });
    });

    it('creates one durable explicit-ack pull consumer per event consumer, with max_deliver above the attempts', async () => {
      const transport = await transportWith({ ackWaitMs: 10_000 });
      await transport.start([
        writer('saga:opportunityToProject', ['OpportunityWon', 'ContractSigned']).consumer,
        writer('audit', 'all').consumer,
      ]);
      const info = await jsm.consumers.info(transport.names.stream, transport.names.durable('saga:opportunityToProject'));
      expect(transport.names.durable('saga:opportunityToProject')).toMatch(/^saga_opportunityToProject-[0-9a-f]{8}$/);
      expect(info.config).toMatchObject({
        ack_policy: 'explicit',
        deliver_policy: 'all',
        ack_wait: nanos(10_000),
        max_deliver: POLICY.maxAttempts + 5,
      });
      expect(info.config.filter_subjects).toEqual(
        supportsMultipleFilters(nc.info?.version)
          ? [
              `${prefix}.events.*.OpportunityWon`,
              `${prefix}.events.*.ContractSigned`,
              transport.names.replaySubject('saga:opportunityToProject'),
            ]
          : undefined,
      );
      expect((await jsm.consumers.info(transport.names.stream, 'audit')).config.durable_name).toBe('audit');
    });

    it('refuses a max_deliver the retry policy could exhaust', async () => {
      const transport = await transportWith({ maxDeliver: POLICY.maxAttempts });
      await expect(transport.start([writer('c', 'all').consumer])).rejects.toThrow('maxDeliver (3) must be above the retry policy');
    });
  });

  describe('publish', () => {
    it('stores each event under <prefix>.events.<source>.<type> with its id as Nats-Msg-Id, once however often it is published', async () => {
      const transport = await transportWith();
      const events = [
        envelope('OpportunityWon', 'opp-1', 1, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
        envelope('InvoiceReleased', 'inv-1', 1, { source: 'erp' }),
      ];
      await transport.publish(events);
      await transport.publish(events);
      await transport.publish([events[1]!]);
      const info = await jsm.streams.info(transport.names.stream);
      expect(info.state.messages).toBe(2);
      const stored = await Promise.all([1, 2].map((seq) => jsm.streams.getMessage(transport.names.stream, { seq })));
      expect(stored.map((message) => [message.subject, message.header.get('Nats-Msg-Id'), message.header.get('traceparent')])).toEqual([
        [`${prefix}.events.crm.OpportunityWon`, events[0]!.eventId, events[0]!.traceparent],
        [`${prefix}.events.erp.InvoiceReleased`, events[1]!.eventId, ''],
      ]);
      expect(stored.map((message) => message.json<EventEnvelope>())).toEqual(events);
    });

    it("stores each aggregate's events in the order given", async () => {
      const transport = await transportWith();
      const events = Array.from({ length: 40 }, (_, i) => envelope('OpportunityUpdated', `opp-${i % 4}`, Math.floor(i / 4) + 1));
      await transport.publish(events);
      const stored = await Promise.all(events.map((_, i) => jsm.streams.getMessage(transport.names.stream, { seq: i + 1 })));
      const versionsOf = (aggregate: string) =>
        stored
          .map((message) => message.json<EventEnvelope>())
          .filter((event) => event.aggregateId === aggregate)
          .map((event) => event.aggregateVersion);
      for (const aggregate of ['opp-0', 'opp-1', 'opp-2', 'opp-3']) expect(versionsOf(aggregate)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('rejects when JetStream did not store the events (no stream): the relay keeps them unpublished', async () => {
      const transport = await transportWith();
      await jsm.streams.delete(transport.names.stream);
      await expect(transport.publish([envelope('OpportunityWon', 'opp-1', 1)])).rejects.toThrow();
    });

    it('refuses an event type that is not a subject token', async () => {
      const transport = await transportWith();
      await expect(transport.publish([envelope('Opportunity.Won', 'opp-1', 1)])).rejects.toThrow('cannot be a NATS subject token');
    });
  });

  describe('delivery', () => {
    it('delivers each event to every consumer that wants it, acks it, and drain then finds nothing', async () => {
      const transport = await transportWith();
      const sagas = writer('sagas', ['OpportunityWon']);
      const audit = writer('audit', 'all');
      await transport.start([sagas.consumer, audit.consumer]);
      await transport.publish([envelope('OpportunityWon', 'opp-1', 1), envelope('OpportunityLost', 'opp-2', 1)]);
      expect(await transport.drain()).toBe(3);
      expect(await effectVersions('sagas')).toEqual(['opp-1@1']);
      expect(await effectVersions('audit')).toEqual(['opp-1@1', 'opp-2@1']);
      expect(await consumerState('sagas')).toEqual({ pending: 0, unacked: 0 });
      expect(await consumerState('audit')).toEqual({ pending: 0, unacked: 0 });
      expect(await transport.drain()).toBe(0);
    });

    it('naks a failed delivery with the backoff; it comes back as the next attempt once due', async () => {
      const transport = await transportWith();
      const flaky = writer('flaky', 'all', (attempt) => attempt < 3);
      await transport.start([flaky.consumer]);
      await transport.publish([envelope('OpportunityWon', 'opp-1', 1)]);
      expect(await transport.drain()).toBe(1);
      expect([flaky.attempts, transport.pendingRetries()]).toEqual([[1], 1]);
      advance(RETRY_MS - 1);
      expect(await transport.drain()).toBe(0);
      advance(1);
      expect(await transport.drain()).toBe(1);
      advance(RETRY_MS);
      expect(await transport.drain()).toBe(1);
      expect([flaky.attempts, transport.pendingRetries()]).toEqual([[1, 2, 3], 0]);
      expect(await effectVersions('flaky')).toEqual(['opp-1@1']);
      expect(await consumerState('flaky')).toEqual({ pending: 0, unacked: 0 });
    });

    it('holds a retry the server sends back before the transport clock says it is due, and delivers it when it is', async () => {
      const transport = await transportWith();
      const flaky = writer('flaky', 'all', (attempt) => attempt === 1);
      await transport.start([flaky.consumer]);
      await transport.publish([envelope('OpportunityWon', 'opp-1', 1)]);
      expect(await transport.drain()).toBe(1);
      // NATS redelivers by the wall clock: let it, while the transport's clock stands still.
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS + 100));
      expect(await transport.drain()).toBe(0);
      expect([flaky.attempts, transport.pendingRetries(), await consumerState('flaky')]).toEqual([[1], 1, { pending: 0, unacked: 1 }]);
      advance(RETRY_MS);
      expect(await transport.drain()).toBe(1);
      expect([flaky.attempts, transport.pendingRetries(), await consumerState('flaky')]).toEqual([[1, 2], 0, { pending: 0, unacked: 0 }]);
    });

    it('acks the last failure once it is a dead letter (first and last failure kept); a replay delivers it to that consumer only, once per replay id', async () => {
      const transport = await transportWith();
      let broken = true;
      const poison = writer('poison', 'all', () => broken);
      const other = writer('other', 'all');
      await transport.start([poison.consumer, other.consumer]);
      const event = envelope('OpportunityWon', 'opp-1', 1);
      await transport.publish([event]);
      await transport.drain();
      for (let attempt = 2; attempt <= POLICY.maxAttempts; attempt += 1) {
        advance(RETRY_MS);
        expect(await transport.drain()).toBe(1);
      }
      const [letter] = await db.selectFrom('dead_letters').selectAll().execute();
      expect(letter).toMatchObject({
        consumer: 'poison',
        event_id: event.eventId,
        attempts: 3,
        error: 'TypeError: attempt 3 failed',
        first_failed_at: T0.toISOString(),
        last_failed_at: new Date(T0.getTime() + 2 * RETRY_MS).toISOString(),
        transport: 'nats',
      });
      expect(await consumerState('poison')).toEqual({ pending: 0, unacked: 0 });
      expect([transport.pendingRetries(), await transport.drain()]).toEqual([0, 0]);

      broken = false;
      await transport.redeliver('poison', event, 'replay-1');
      await transport.redeliver('poison', event, 'replay-1');
      expect(await transport.drain()).toBe(1);
      expect(poison.attempts).toEqual([1, 2, 3, 1]);
      expect(other.attempts).toEqual([1]);
      expect(await effectVersions('poison')).toEqual(['opp-1@1']);
    });

    it('a delivery that could not record any outcome (store down) is nak’ed and tried again after storeRetryMs', async () => {
      const calls: number[] = [];
      const failingOnce: Delivery = {
        transport: 'nats',
        retry: POLICY,
        async deliver(_consumer, _event, attempt) {
          calls.push(attempt);
          if (calls.length === 1) throw new Error('consumer store unreachable');
          return { kind: 'handled', duplicate: false };
        },
      };
      const transport = await transportWith({ delivery: failingOnce, storeRetryMs: 200 });
      await transport.start([writer('c', 'all').consumer]);
      await transport.publish([envelope('OpportunityWon', 'opp-1', 1)]);
      expect(await transport.drain()).toBe(1);
      advance(200);
      expect(await transport.drain()).toBe(1);
      expect(calls).toEqual([1, 2]);
      expect(await consumerState('c')).toEqual({ pending: 0, unacked: 0 });
    });

    it('terminates a message that is not an event envelope without delivering it', async () => {
      const transport = await transportWith();
      const audit = writer('audit', 'all');
      await transport.start([audit.consumer]);
      await nc.jetstream().publish(`${prefix}.events.crm.OpportunityWon`, new TextEncoder().encode('{"not":"an envelope"}'));
      await transport.publish([envelope('OpportunityWon', 'opp-1', 1)]);
      expect(await transport.drain()).toBe(1);
      expect(audit.attempts).toEqual([1]);
      expect(await consumerState('audit')).toEqual({ pending: 0, unacked: 0 });
    });

    it('delivers on its own when started in the background, and close stops it', async () => {
      const transport = await transportWith({ background: true, pollMs: 200 });
      let resolve: (event: EventEnvelope) => void = () => {};
      const handled = new Promise<EventEnvelope>((done) => (resolve = done));
      await transport.start([
        {
          name: 'live',
          types: 'all',
          async handle(event) {
            resolve(event);
          },
        },
      ]);
      const event = envelope('OpportunityWon', 'opp-1', 1);
      await transport.publish([event]);
      expect((await handled).eventId).toBe(event.eventId);
      await transport.close();
      expect(await consumerState('live')).toEqual({ pending: 0, unacked: 0 });
    });
  });

  describe('connection', () => {
    it('connects to a comma-separated list of servers (a cluster)', async () => {
      const transport = await transportWith({ url: `${url}, ${url}` });
      await transport.start([writer('c', 'all').consumer]);
      await transport.publish([envelope('OpportunityWon', 'opp-1', 1)]);
      expect(await transport.drain()).toBe(1);
    });

    it('close drains a connection it opened, and leaves a given one open', async () => {
      const opened = await transportWith();
      const given = await transportWith({ url: undefined, connection: nc });
      await opened.close();
      await given.close();
      expect(nc.isClosed()).toBe(false);
      await expect(opened.publish([envelope('OpportunityWon', 'opp-1', 1)])).rejects.toThrow();
    });
  });
});
