/**
 * Fault test: NATS restarted mid-stream (docs/events.md#nats-transport). A NATS server of the
 * test's own is killed with SIGKILL while a consumer is half-way through a batch, while the relay
 * still has events to publish, and is started again on the same port and store. Every event
 * reaches the handler exactly once; what the relay could not publish is published afterwards;
 * the stream holds each event once.
 *
 * The relay is the real one (systems/kernel/events/relay.ts, docs/events.md#relay) over an outbox
 * table of the kernel's shape: it marks a row published only once `publish` resolved.
 */
import type { Kysely } from 'kysely';
import { connect } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/logger.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { createDelivery } from '../../../../systems/kernel/events/delivery.ts';
import { createRelay } from '../../../../systems/kernel/events/relay.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import { createNatsTransport, type NatsTransport } from '../../../../systems/kernel/events/nats/natsTransport.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventConsumer } from '../../../../systems/kernel/events/transport.ts';
import { natsServerBinary, startPrivateNatsServer, type PrivateNatsServer } from '../../../harness/natsServer.ts';
import { onNats } from '../../../harness/onNats.ts';
import { tempSqliteStore, type TempStore } from '../../../harness/tempDatabase.ts';
import { openConsumerStore, type ConsumerStoreTables } from './consumerStore.ts';
import { openOutbox, writeOutbox } from './outboxStore.ts';

const binary = natsServerBinary();
const DEADLINE_MS = 30_000;

onNats('NATS restarted mid-stream', () => {
  if (!binary) {
    describe.skip('NATS restarted mid-stream', () => {
      it('needs a nats-server binary on this machine (apt-get install nats-server)', () => {});
    });
    return;
  }

  let server: PrivateNatsServer;
  let temp: TempStore;
  let db: Kysely<ConsumerStoreTables>;
  let outboxDb: Kysely<CapabilityTables>;
  let transport: NatsTransport | undefined;
  beforeEach(async () => {
    server = await startPrivateNatsServer(binary);
    temp = tempSqliteStore();
    db = await openConsumerStore(temp.store);
    outboxDb = await openOutbox(temp.store, 'crm_outbox');
  });
  afterEach(async () => {
    await transport?.close().catch(() => undefined);
    await server.remove();
    await closeDatabase(db as Kysely<unknown>);
    await closeDatabase(outboxDb as Kysely<unknown>);
    await temp.remove();
  });

  it('delivers every event exactly once to the handler, and the relay publishes what it could not while NATS was down', async () => {
    const now = new Date('2025-03-01T09:00:00.000Z');
    const events = db as unknown as Kysely<EventTables>;
    transport = await createNatsTransport({
      url: server.url,
      prefix: 'restart',
      delivery: createDelivery({
        db: events,
        clock: () => now,
        retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 200 },
        transport: 'nats',
      }),
      clock: () => now,
      logger: createLogger('silent'),
      background: false,
      // Short, so the deliveries the kill cut off come back soon after the restart.
      ackWaitMs: 1000,
      requestTimeoutMs: 500,
    });
    const relay = createRelay({ sources: [{ system: 'crm', db: outboxDb }], transport, clock: () => now, logger: createLogger('silent') });
    /** Writes outbox rows `from` to `to` - 1: ten opportunities, each at its next version. */
    const write = async (from: number, to: number) => {
      for (let i = from; i < to; i += 1) await writeOutbox(outboxDb, `opp-${i % 10}`, Math.floor(i / 10) + 1, i);
    };
    const unpublished = async () =>
      (await outboxDb.selectFrom('outbox_events').select('event_id').where('published_at', 'is', null).execute()).length;
    const outboxIds = async () =>
      (await outboxDb.selectFrom('outbox_events').select('event_id').orderBy('occurred_at').execute()).map((row) => row.event_id);
    const handled: string[] = [];
    let killAt: string | undefined;
    const consumer: EventConsumer = {
      name: 'sagas',
      types: 'all',
      async handle(event: EventEnvelope) {
        handled.push(event.eventId);
        if (event.eventId === killAt) {
          killAt = undefined;
          await server.kill();
        }
      },
    };
    await transport.start([consumer]);

    await write(0, 40);
    expect(await relay.runOnce()).toBe(40);
    expect(await transport.drain()).toBe(40);
    await write(40, 80);
    killAt = (await outboxIds())[59];
    expect(await relay.runOnce()).toBe(40);
    // NATS dies while the consumer handles event 60 of a pulled batch of 41-80: its ack and the rest of the batch are cut off.
    await expect(transport.drain()).rejects.toThrow();
    expect(handled).toHaveLength(60);
    // The relay cannot publish while NATS is down: those events stay unpublished in the outbox.
    await write(80, 100);
    await expect(relay.runOnce()).rejects.toThrow();
    expect(await unpublished()).toBe(20);

    await server.restart();
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      try {
        await relay.runOnce();
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
    expect(await unpublished()).toBe(0);
    let inbox = 0;
    while (inbox < 100 && Date.now() < deadline) {
      await transport.drain().catch(() => 0);
      inbox = Number(
        (
          await db
            .selectFrom('event_inbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    }

    expect(inbox).toBe(100);
    expect(handled).toHaveLength(100);
    expect(new Set(handled)).toEqual(new Set(await outboxIds()));
    expect(await db.selectFrom('dead_letters').selectAll().execute()).toEqual([]);
    // Whatever the client had buffered for the dead server and the relay's second publish of it: one stored message per event.
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.info(transport.names.stream)).state.messages).toBe(100);
      // Everything acknowledged in the end: what the kill cut off came back after the ack wait and was answered by the inbox.
      for (;;) {
        const info = await jsm.consumers.info(transport.names.stream, 'sagas');
        if ((info.num_pending === 0 && info.num_ack_pending === 0) || Date.now() > deadline) {
          expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);
          break;
        }
        await transport.drain().catch(() => 0);
      }
    } finally {
      await nc.close();
    }
  });
});
