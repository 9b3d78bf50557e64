/**
 * Fault test: NATS restarted mid-stream (docs/events.md#nats-transport). A NATS server of the
 * test's own is killed with SIGKILL while a consumer is half-way through a batch, while the relay
 * still has events to publish, and is started again on the same port and store. Every event
 * reaches the handler exactly once; what the relay could not publish is published afterwards;
 * the stream holds each event once.
 *
 * The relay here is the relay's rule (systems/kernel/events/relay.ts, docs/events.md#relay) over
 * an in-memory outbox: publish what is unpublished, in order, and mark it published only once
 * `publish` resolved.
 */
import type { Kysely } from 'kysely';
import { connect } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/logger.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { createDelivery } from '../../../../systems/kernel/events/delivery.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import { createNatsTransport, type NatsTransport } from '../../../../systems/kernel/events/nats/natsTransport.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventConsumer } from '../../../../systems/kernel/events/transport.ts';
import { natsServerBinary, startPrivateNatsServer, type PrivateNatsServer } from '../../../harness/natsServer.ts';
import { onNats } from '../../../harness/onNats.ts';
import { tempSqliteStore, type TempStore } from '../../../harness/tempDatabase.ts';
import { openConsumerStore, type ConsumerStoreTables } from './consumerStore.ts';
import { envelope } from './events.ts';

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
  let transport: NatsTransport | undefined;
  beforeEach(async () => {
    server = await startPrivateNatsServer(binary);
    temp = tempSqliteStore();
    db = await openConsumerStore(temp.store);
  });
  afterEach(async () => {
    await transport?.close().catch(() => undefined);
    await server.remove();
    await closeDatabase(db as Kysely<unknown>);
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
    const outbox = Array.from({ length: 100 }, (_, i) => ({
      event: envelope('OpportunityUpdated', `opp-${i % 10}`, Math.floor(i / 10) + 1),
      published: false,
    }));
    /** The relay's rule: the unpublished ones among the first `upTo`, in order, marked published only once `publish` resolved. */
    const relayOnce = async (upTo: number) => {
      const batch = outbox.slice(0, upTo).filter((row) => !row.published);
      await transport!.publish(batch.map((row) => row.event));
      for (const row of batch) row.published = true;
    };
    const handled: string[] = [];
    let killAt: string | undefined = outbox[59]!.event.eventId;
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

    await relayOnce(40);
    expect(await transport.drain()).toBe(40);
    await relayOnce(80);
    // NATS dies while the consumer handles event 60 of a pulled batch of 41-80: its ack and the rest of the batch are cut off.
    await expect(transport.drain()).rejects.toThrow();
    expect(handled).toHaveLength(60);
    // The relay cannot publish while NATS is down: those events stay unpublished.
    await expect(relayOnce(100)).rejects.toThrow();
    expect(outbox.filter((row) => !row.published)).toHaveLength(20);

    await server.restart();
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      try {
        await relayOnce(100);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
    expect(outbox.every((row) => row.published)).toBe(true);
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
    expect(new Set(handled)).toEqual(new Set(outbox.map((row) => row.event.eventId)));
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
