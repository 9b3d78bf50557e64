/**
 * The distributed mode with NATS (docs/processes.md#run-modes): `tessera serve relay` publishes the
 * CRM's outbox from its PostgreSQL schema to JetStream, and `tessera serve integration` consumes it
 * from there. Both roots in process, on port 0, over a temp PostgreSQL database and a stream prefix
 * of their own (deleted after). Needs TESSERA_TEST_POSTGRES_URL and TESSERA_TEST_NATS_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgresUrl } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { startRelayService, type RelayService } from '../../runtime/relay.ts';
import { startSystemService, type SystemService } from '../../runtime/systemService.ts';
import { deleteNatsStream, natsTestPrefix, onNats } from '../harness/onNats.ts';
import { tempPostgresStore } from '../harness/tempDatabase.ts';
import { CLOCK, runModeFixture, type RunModeFixture } from './relayFixture.ts';

const logger = createLogger('silent');
const postgresUrl = testPostgresUrl();

onNats('relay and integration services', (natsUrl) => {
  (postgresUrl ? describe : describe.skip)('tessera serve relay → NATS JetStream → tessera serve integration, on PostgreSQL', () => {
    const prefix = natsTestPrefix();
    let fixture: RunModeFixture;
    let relay: RelayService;
    let integration: SystemService;
    let relayPort: number;

    beforeAll(async () => {
      fixture = await runModeFixture(await tempPostgresStore(postgresUrl!), { TESSERA_NATS_URL: natsUrl, TESSERA_NATS_STREAM: prefix });
      relay = await startRelayService({ config: fixture.config, logger, clock: CLOCK, pollMs: false });
      relayPort = await relay.listen(0);
      integration = await startSystemService('integration', {
        config: fixture.config,
        logger,
        processEngine: { loops: false, clock: CLOCK },
      });
    }, 60_000);
    afterAll(async () => {
      await integration?.stop();
      await relay?.stop();
      await fixture?.remove();
      await deleteNatsStream(natsUrl, prefix);
    }, 60_000);

    it('delivers an outbox event of the CRM store to the integration service’s consumers, once', async () => {
      expect(integration.engine!.transport.kind).toBe('nats');
      expect(integration.engine!.relay).toBeNull(); // the relay service relays
      const won = await fixture.writeWon('opp_nats_1');

      expect(await relay.relay.runOnce()).toBe(1);
      expect(await fixture.crm.selectFrom('outbox_events').select('published_at').where('event_id', '=', won.event_id).execute()).toEqual([
        { published_at: '2026-03-02T09:00:00.000Z' },
      ]);
      expect(await integration.engine!.transport.drain()).toBe(2);
      expect(await fixture.recorded(won.event_id, 'opp_nats_1')).toEqual({
        inbox: ['sagas', 'webhooks'],
        processes: [{ kind: 'opportunityToProject', status: 'RUNNING' }],
      });

      // Published again (a relay that died before marking): JetStream drops the duplicate by event id.
      await fixture.crm.updateTable('outbox_events').set({ published_at: null }).where('event_id', '=', won.event_id).execute();
      expect(await relay.relay.runOnce()).toBe(1);
      expect(await integration.engine!.transport.drain()).toBe(0);
      expect((await fixture.recorded(won.event_id, 'opp_nats_1')).processes).toHaveLength(1);
      const metrics = await (await fetch(`http://127.0.0.1:${relayPort}/metrics`)).text();
      expect(metrics.split('\n').filter((line) => line.startsWith('tessera_events_published_total{'))).toEqual([
        'tessera_events_published_total{system="crm"} 2',
      ]);
    }, 30_000);

    it('is ready on its own port when every store it relays answers', async () => {
      const ready = await fetch(`http://127.0.0.1:${relayPort}/health/ready`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 200,
        body: { status: 'ready', checks: { crm: true, psa: true, erp: true, integration: true } },
      });
    });
  });
});
