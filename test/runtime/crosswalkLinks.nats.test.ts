/**
 * The crosswalk's events broadcast over NATS (docs/events.md#broadcast, docs/crosswalk.md#the-link-cache):
 * published by the relay's transport to JetStream, they are heard by every listening process (two
 * here, as two CRM replicas), only the source and types listened to; `hearLinkChanges` clears a CRM
 * process's link cache on each. Needs TESSERA_TEST_NATS_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { hearLinkChanges } from '../../runtime/crosswalkLinks.ts';
import type { CrosswalkLookup } from '../../systems/crm/adapters/composite/crosswalkLookup.ts';
import { createLinkCache } from '../../systems/crm/adapters/composite/linkCache.ts';
import type { EventEnvelope } from '../../systems/kernel/events/envelope.ts';
import { listenToEvents } from '../../systems/kernel/events/nats/broadcast.ts';
import { createNatsTransport, type NatsTransport } from '../../systems/kernel/events/nats/natsTransport.ts';
import { deleteNatsStream, natsTestPrefix, onNats } from '../harness/onNats.ts';

const logger = createLogger('silent');

function envelope(source: EventEnvelope['source'], type: string, aggregateId: string): EventEnvelope {
  return {
    eventId: `${source}-${type}-${aggregateId}`,
    type,
    source,
    aggregateType: 'Crosswalk',
    aggregateId,
    aggregateVersion: 2,
    occurredAt: '2026-12-01T00:00:00.000Z',
    correlationId: 'req-1',
    causationId: null,
    traceparent: null,
    legalEntityId: null,
    payload: { survivorId: aggregateId },
  };
}

/** Resolves with what was heard once `count` events were. */
function hearing(count: number) {
  const heard: string[] = [];
  let done: (heard: string[]) => void = () => undefined;
  const all = new Promise<string[]>((resolve) => (done = resolve));
  return {
    all,
    onEvent(event: EventEnvelope) {
      heard.push(`${event.source}:${event.type}:${event.aggregateId}`);
      if (heard.length === count) done(heard);
    },
  };
}

onNats('crosswalk events broadcast', (natsUrl) => {
  describe('the crosswalk’s events, broadcast to every CRM process', () => {
    const prefix = natsTestPrefix();
    let transport: NatsTransport;

    beforeAll(async () => {
      transport = await createNatsTransport({
        url: natsUrl,
        prefix,
        delivery: {
          deliver: () => Promise.reject(new Error('no consumers here')),
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        },
        clock: () => new Date(),
        logger,
        background: false,
      });
    });
    afterAll(async () => {
      await transport?.close();
      await deleteNatsStream(natsUrl, prefix);
    });

    it('reaches every listener, with only the source and types each listens to', async () => {
      const types = ['AccountsMerged', 'OpportunitiesMerged', 'RecordsUnmerged'];
      const replicas = [hearing(2), hearing(2)];
      const listeners = await Promise.all(
        replicas.map((replica) => listenToEvents({ url: natsUrl, prefix, source: 'integration', types, onEvent: replica.onEvent, logger })),
      );
      await Promise.all(listeners.map((listener) => listener.ready));
      // Published as the relay publishes: not listened to first, then the two that are, in order.
      await transport.publish([
        envelope('crm', 'OpportunityWon', 'opp_00013'),
        envelope('crm', 'AccountsMerged', 'acc_00001'),
        envelope('integration', 'ProcessCompleted', 'prc_1'),
      ]);
      await transport.publish([
        envelope('integration', 'AccountsMerged', 'acc_00001'),
        envelope('integration', 'RecordsUnmerged', 'opp_00013'),
      ]);
      const expected = ['integration:AccountsMerged:acc_00001', 'integration:RecordsUnmerged:opp_00013'];
      expect(await Promise.all(replicas.map((replica) => replica.all))).toEqual([expected, expected]);
      await Promise.all(listeners.map((listener) => listener.close()));
    });

    it('clears a CRM process’s link cache on each crosswalk event', async () => {
      let calls = 0;
      const lookup: CrosswalkLookup = {
        links() {
          calls += 1;
          return Promise.resolve([]);
        },
      };
      const cache = createLinkCache({ ttlMs: 3_600_000 });
      let cleared: () => void = () => undefined;
      const invalidated = new Promise<void>((resolve) => (cleared = resolve));
      // The cache as the CRM process holds it, telling the test when an event cleared it.
      const watched = { over: cache.over, invalidate: () => (cache.invalidate(), cleared()) };
      const links = cache.over(lookup);
      const heard = await hearLinkChanges(watched, { servers: [natsUrl], streamPrefix: prefix, credsFile: undefined }, logger);
      await heard.ready;
      await links.links();
      await links.links();
      expect(calls).toBe(1);
      await transport.publish([envelope('integration', 'OpportunitiesMerged', 'opp_00013')]);
      await invalidated;
      await links.links();
      expect(calls).toBe(2);
      await heard.close();
    });
  });
});
