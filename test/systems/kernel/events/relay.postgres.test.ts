import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/logger.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { closeDatabase, openDatabase } from '../../../../systems/kernel/database.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import { createRelay } from '../../../../systems/kernel/events/relay.ts';
import { onPostgres } from '../../../harness/onPostgres.ts';
import { relaySuite } from './relay.contract.ts';
import { openOutbox, writeOutbox } from './outboxStore.ts';

onPostgres('relay', (makeStore) => {
  relaySuite('PostgreSQL', makeStore);

  describe('relay replicas on PostgreSQL', () => {
    it('a second replica skips an outbox while the first publishes it: every event is published once, in order', async () => {
      const temp = await makeStore();
      const outbox = await openOutbox(temp.store, 'crm_outbox');
      // The second replica: its own pool on the same outbox.
      const replica = await openDatabase<CapabilityTables>({ store: temp.store, name: 'crm_outbox' });
      try {
        for (let version = 1; version <= 3; version++) await writeOutbox(outbox, 'opp-a', version, version);
        const published: number[] = [];
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const logger = createLogger('silent');
        const now = () => new Date('2025-02-01T12:00:00.000Z');
        const first = createRelay({
          sources: [{ system: 'crm', db: outbox }],
          transport: {
            async publish(events: readonly EventEnvelope[]) {
              entered();
              await gate;
              published.push(...events.map((event) => event.aggregateVersion));
            },
          },
          clock: now,
          logger,
          batchSize: 2,
        });
        const second = createRelay({
          sources: [{ system: 'crm', db: replica as Kysely<CapabilityTables> }],
          transport: { publish: async (events) => void published.push(...events.map((event) => event.aggregateVersion)) },
          clock: now,
          logger,
          batchSize: 2,
        });
        const firstPass = first.runOnce();
        await inside;
        expect(await second.runOnce()).toBe(0);
        release();
        expect(await firstPass).toBe(2);
        expect(await second.runOnce()).toBe(1);
        expect(published).toEqual([1, 2, 3]);
      } finally {
        await closeDatabase(replica as Kysely<unknown>);
        await closeDatabase(outbox as Kysely<unknown>);
        await temp.remove();
      }
    });
  });
});
