/** The relay on an engine (SQLite, PostgreSQL): order, marking, batches, at least once, end to end. */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/logger.ts';
import { Metrics } from '../../../../core/metrics.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { createDelivery } from '../../../../systems/kernel/events/delivery.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import { createInProcessTransport } from '../../../../systems/kernel/events/inProcessTransport.ts';
import { createRelay, envelopeOf } from '../../../../systems/kernel/events/relay.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { TempStore } from '../../../harness/tempDatabase.ts';
import { effectsOf, openConsumerStore, type ConsumerStoreTables } from './consumerStore.ts';
import { openOutbox, writeOutbox } from './outboxStore.ts';

const NOW = new Date('2025-02-01T12:00:00.000Z');
const logger = createLogger('silent');

/** A transport that keeps what it was given. */
function recordingTransport() {
  const published: EventEnvelope[][] = [];
  return { published, publish: async (events: readonly EventEnvelope[]) => void published.push([...events]) };
}

export function relaySuite(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`relay on ${engine}`, () => {
    let temp: TempStore;
    let crm: Kysely<CapabilityTables>;
    let erp: Kysely<CapabilityTables>;
    beforeEach(async () => {
      temp = await makeStore();
      crm = await openOutbox(temp.store);
      erp = await openOutbox(temp.store);
    });
    afterEach(async () => {
      await closeDatabase(crm as Kysely<unknown>);
      await closeDatabase(erp as Kysely<unknown>);
      await temp.remove();
    });

    it('publishes each outbox in occurrence, aggregate and version order, marks it published, and publishes nothing twice', async () => {
      const b2 = await writeOutbox(crm, 'opp-b', 2, 5);
      const a1 = await writeOutbox(crm, 'opp-a', 1, 1);
      const b1 = await writeOutbox(crm, 'opp-b', 1, 1);
      const a2 = await writeOutbox(crm, 'opp-a', 2, 3);
      const inv = await writeOutbox(erp, 'inv-1', 1, 2, { type: 'InvoiceReleased', aggregate_type: 'Invoice', trace_parent: null });
      const transport = recordingTransport();
      const metrics = new Metrics();
      const relay = createRelay({
        sources: [
          { system: 'crm', db: crm },
          { system: 'erp', db: erp },
        ],
        transport,
        clock: () => NOW,
        logger,
        metrics,
      });
      expect(await relay.runOnce()).toBe(5);
      expect(transport.published.map((batch) => batch.map((event) => event.eventId))).toEqual([
        [a1.event_id, b1.event_id, a2.event_id, b2.event_id],
        [inv.event_id],
      ]);
      expect(transport.published[1]).toEqual([envelopeOf(inv, 'erp')]);
      expect(await crm.selectFrom('outbox_events').select('published_at').distinct().execute()).toEqual([
        { published_at: NOW.toISOString() },
      ]);
      expect(await relay.runOnce()).toBe(0);
      expect(transport.published).toHaveLength(2);
      expect(await metrics.render()).toContain('tessera_events_published_total{system="crm"} 4\n');
    });

    it('maps an outbox row to its envelope', async () => {
      const row = await writeOutbox(crm, 'opp-a', 3, 7, { causation_id: 'evt-0', legal_entity_id: null });
      expect(envelopeOf(row, 'crm')).toEqual({
        eventId: row.event_id,
        type: 'OpportunityUpdated',
        source: 'crm',
        aggregateType: 'Opportunity',
        aggregateId: 'opp-a',
        aggregateVersion: 3,
        occurredAt: '2025-01-01T00:00:07.000Z',
        correlationId: 'corr-1',
        causationId: 'evt-0',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        legalEntityId: null,
        payload: { version: 3 },
      });
    });

    it('publishes at most a batch per source per pass, oldest first', async () => {
      const rows = [];
      for (let version = 1; version <= 5; version++) rows.push(await writeOutbox(crm, 'opp-a', version, version));
      const transport = recordingTransport();
      const relay = createRelay({ sources: [{ system: 'crm', db: crm }], transport, clock: () => NOW, logger, batchSize: 2 });
      expect([await relay.runOnce(), await relay.runOnce(), await relay.runOnce(), await relay.runOnce()]).toEqual([2, 2, 1, 0]);
      expect(transport.published.flat().map((event) => event.aggregateVersion)).toEqual([1, 2, 3, 4, 5]);
    });

    it('publishes again what it could not mark (a stop between publish and mark): the consumer handles it once', async () => {
      const consumerStore = await openConsumerStore(temp.store);
      const events = consumerStore as unknown as Kysely<EventTables>;
      try {
        const inProcess = createInProcessTransport({
          db: events,
          delivery: createDelivery({ db: events, clock: () => NOW, transport: 'in-process' }),
          clock: () => NOW,
          logger,
        });
        const handled: string[] = [];
        await inProcess.start([{ name: 'sagas', types: 'all', handle: async (event) => void handled.push(event.eventId) }]);
        const row = await writeOutbox(crm, 'opp-a', 1, 1);
        let crash = true;
        const crashing = {
          async publish(batch: readonly EventEnvelope[]) {
            await inProcess.publish(batch);
            if (crash) throw new Error('stopped before marking');
          },
        };
        const relay = createRelay({ sources: [{ system: 'crm', db: crm }], transport: crashing, clock: () => NOW, logger });
        await expect(relay.runOnce()).rejects.toThrow('stopped before marking');
        expect(await crm.selectFrom('outbox_events').select('published_at').execute()).toEqual([{ published_at: null }]);
        crash = false;
        expect(await relay.runOnce()).toBe(1);
        await inProcess.drain();
        expect(handled).toEqual([row.event_id]);
        await inProcess.close();
      } finally {
        await closeDatabase(consumerStore as Kysely<unknown>);
      }
    });

    it('one failing outbox does not hold back the others', async () => {
      await writeOutbox(crm, 'opp-a', 1, 1);
      const inv = await writeOutbox(erp, 'inv-1', 1, 1);
      const published: string[] = [];
      const transport = {
        async publish(batch: readonly EventEnvelope[]) {
          if (batch[0]!.source === 'crm') throw new Error('crm batch refused');
          published.push(...batch.map((event) => event.eventId));
        },
      };
      const relay = createRelay({
        sources: [
          { system: 'crm', db: crm },
          { system: 'erp', db: erp },
        ],
        transport,
        clock: () => NOW,
        logger,
      });
      await expect(relay.runOnce()).rejects.toThrow('crm batch refused');
      expect(published).toEqual([inv.event_id]);
    });

    it('runs on its own once started: wake() publishes what a capability just committed', async () => {
      let delivered!: (events: readonly EventEnvelope[]) => void;
      const arrived = new Promise<readonly EventEnvelope[]>((resolve) => (delivered = resolve));
      const relay = createRelay({
        sources: [{ system: 'crm', db: crm }],
        transport: { publish: async (events) => delivered(events) },
        clock: () => NOW,
        logger,
      });
      relay.start(60_000);
      const row = await writeOutbox(crm, 'opp-a', 1, 1);
      relay.wake();
      expect((await arrived).map((event) => event.eventId)).toEqual([row.event_id]);
      await relay.stop();
    });

    it('end to end: outbox to relay to in-process transport to a consumer writing in its transaction', async () => {
      const consumerStore = await openConsumerStore(temp.store);
      const events = consumerStore as unknown as Kysely<EventTables>;
      try {
        const inProcess = createInProcessTransport({
          db: events,
          delivery: createDelivery({ db: events, clock: () => NOW, transport: 'in-process' }),
          clock: () => NOW,
          logger,
        });
        await inProcess.start([
          {
            name: 'projection',
            types: ['OpportunityUpdated'],
            async handle(event, { trx }) {
              await (trx as Kysely<ConsumerStoreTables>)
                .insertInto('contract_effects')
                .values({
                  id: event.eventId,
                  consumer: 'projection',
                  event_id: event.eventId,
                  aggregate_id: event.aggregateId,
                  version: event.aggregateVersion,
                })
                .execute();
            },
          },
        ]);
        await writeOutbox(crm, 'opp-a', 1, 1);
        await writeOutbox(crm, 'opp-a', 2, 2);
        await writeOutbox(crm, 'opp-a', 3, 3, { type: 'OpportunityWon' });
        const relay = createRelay({ sources: [{ system: 'crm', db: crm }], transport: inProcess, clock: () => NOW, logger });
        expect(await relay.runOnce()).toBe(3);
        await inProcess.drain();
        expect((await effectsOf(consumerStore, 'projection')).map((row) => row.version).sort()).toEqual([1, 2]);
        await inProcess.close();
      } finally {
        await closeDatabase(consumerStore as Kysely<unknown>);
      }
    });
  });
}
