/**
 * The run modes of the process layer without NATS (docs/processes.md#run-modes): `tessera serve
 * relay` refuses to start, and `tessera serve integration` relays the stores it can reach in
 * process and consumes their events itself, with health and metrics on its port.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { RELAY_NEEDS_NATS, startRelayService } from '../../runtime/relay.ts';
import { startSystemService, type SystemService } from '../../runtime/systemService.ts';
import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { CLOCK, runModeFixture, type RunModeFixture } from './relayFixture.ts';

const logger = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) await step();
});

async function integrationService(): Promise<{ fixture: RunModeFixture; service: SystemService }> {
  const fixture = await runModeFixture(tempSqliteStore());
  cleanups.push(() => fixture.remove());
  const service = await startSystemService('integration', {
    config: fixture.config,
    logger,
    processEngine: { loops: false, clock: CLOCK },
  });
  cleanups.push(() => service.stop());
  return { fixture, service };
}

describe('tessera serve relay', () => {
  it('refuses to start without TESSERA_NATS_URL, before opening any store', async () => {
    const temp = tempSqliteStore();
    cleanups.push(() => temp.remove());
    const config = { ...loadConfig({ TESSERA_DATA_DIR: temp.store.kind === 'sqlite' ? temp.store.dataDir : '' }), store: temp.store };
    expect(config.nats).toBeUndefined();
    await expect(startRelayService({ config, logger })).rejects.toThrow(new TypeError(RELAY_NEEDS_NATS));
    expect(fs.readdirSync(temp.store.kind === 'sqlite' ? temp.store.dataDir : '')).toEqual([]);
  });
});

describe('tessera serve integration without NATS', () => {
  it('relays the CRM outbox in process: the won opportunity reaches its consumers and opens one process', async () => {
    const { fixture, service } = await integrationService();
    expect(service.engine!.transport.kind).toBe('in-process');
    const won = await fixture.writeWon('opp_relay_1');

    expect(await service.engine!.relay!.runOnce()).toBe(1);
    expect(await fixture.crm.selectFrom('outbox_events').select('published_at').where('event_id', '=', won.event_id).execute()).toEqual([
      { published_at: '2026-03-02T09:00:00.000Z' },
    ]);
    expect(await service.engine!.transport.drain()).toBe(2);
    expect(await fixture.recorded(won.event_id, 'opp_relay_1')).toEqual({
      inbox: ['sagas', 'webhooks'],
      processes: [{ kind: 'opportunityToProject', status: 'RUNNING' }],
    });
    // Published once: a second pass finds nothing.
    expect(await service.engine!.relay!.runOnce()).toBe(0);
  });

  it('is ready when every store it opened answers, and exports the process states at /metrics', async () => {
    const { fixture, service } = await integrationService();
    const port = await service.listen(0);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready', checks: { integration: true, crm: true, psa: true, erp: true } },
    });

    await fixture.writeWon('opp_relay_2');
    await service.engine!.relay!.runOnce();
    await service.engine!.transport.drain();
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = (await metrics.text()).split('\n');
    expect(lines.filter((line) => line.startsWith('tessera_processes{'))).toEqual([
      'tessera_processes{kind="opportunityToProject",status="BLOCKED"} 0',
      'tessera_processes{kind="opportunityToProject",status="COMPENSATED"} 0',
      'tessera_processes{kind="opportunityToProject",status="COMPENSATING"} 0',
      'tessera_processes{kind="opportunityToProject",status="COMPLETED"} 0',
      'tessera_processes{kind="opportunityToProject",status="FAILED"} 0',
      'tessera_processes{kind="opportunityToProject",status="RUNNING"} 1',
      'tessera_processes{kind="opportunityToProject",status="WAITING"} 0',
    ]);
    expect(lines.filter((line) => line.startsWith('tessera_dead_letters{'))).toEqual([
      'tessera_dead_letters{consumer="cash"} 0',
      'tessera_dead_letters{consumer="sagas"} 0',
      'tessera_dead_letters{consumer="webhooks"} 0',
    ]);
    expect(lines.filter((line) => line.startsWith('tessera_event_deliveries_total{'))).toEqual([
      'tessera_event_deliveries_total{consumer="sagas",outcome="handled"} 1',
      'tessera_event_deliveries_total{consumer="webhooks",outcome="handled"} 1',
    ]);
    expect(lines).toContain('tessera_events_published_total{system="crm"} 1');
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });
});
