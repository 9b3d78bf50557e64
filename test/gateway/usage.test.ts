/**
 * Usage recording end to end: the embedded Tessera with a usage sink, real tokens, real HTTP.
 * What the sink receives is exactly the coordinates the clients' operations used; a sink that
 * hangs or fails changes nothing in the answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageEntry } from '../../gateway/usage/usageRecorder.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

let started: TestTessera[] = [];
afterEach(async () => {
  await Promise.all(started.map((tessera) => tessera.stop()));
  started = [];
});

const NOW = new Date('2025-03-01T10:00:00.000Z');
const PIPELINE = `query Pipeline($filter: OpportunityFilter) {
  opportunities(filter: $filter, first: 5) { totalCount nodes { id stage } }
}`;
const PIPELINE_BODY = { data: { opportunities: { totalCount: 0, nodes: [] } } };

async function start(usage: NonNullable<Parameters<typeof startTestTessera>[0]>['usage']): Promise<TestTessera> {
  const tessera = await startTestTessera({ scale: 'none', now: () => NOW, usage });
  started.push(tessera);
  return tessera;
}

/** Sums the batches per client and coordinate (a timer flush may split them), sorted. */
function summed(batches: readonly (readonly UsageEntry[])[]): UsageEntry[] {
  const byKey = new Map<string, UsageEntry>();
  for (const entry of batches.flat()) {
    const key = `${entry.clientId} ${entry.coordinate}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...entry, count: seen.count + entry.count } : entry);
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, entry]) => entry);
}

describe('usage recording through the gateway', () => {
  it('records the coordinates each client used, counted per client, flushed at shutdown', async () => {
    const batches: (readonly UsageEntry[])[] = [];
    const tessera = await start({ sink: async (entries) => void batches.push(entries), sampleRate: 1 });
    const app = await tessera.token({ sub: 'ada', client_id: 'pipeline-app', scope: 'crm:read', legal_entities: '*' });
    const variables = { filter: { stage: ['QUALIFIED', 'CLOSED_WON'] } };
    // Recording does not change the answers.
    expect(await tessera.query(PIPELINE, variables, app)).toEqual(PIPELINE_BODY);
    expect(await tessera.query(PIPELINE, variables, app)).toEqual(PIPELINE_BODY);
    // Without a token the field is denied, but the client's document still depends on it.
    expect(await tessera.query('{ opportunities { totalCount } }', {}, null)).toEqual({
      data: { opportunities: null },
      errors: [expect.objectContaining({ path: ['opportunities'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })],
    });
    // A validation failure did not execute: not recorded.
    await tessera.request({ query: '{ opportunities { nope } }' });
    await tessera.stop();
    started = [];
    const used = (clientId: string, coordinate: string, count: number) => ({ clientId, coordinate, count, lastUsedAt: NOW.toISOString() });
    expect(summed(batches)).toEqual([
      used('anonymous', 'OpportunityConnection.totalCount', 1),
      used('anonymous', 'Query.opportunities', 1),
      used('pipeline-app', 'Opportunity.id', 2),
      used('pipeline-app', 'Opportunity.stage', 2),
      used('pipeline-app', 'OpportunityConnection.nodes', 2),
      used('pipeline-app', 'OpportunityConnection.totalCount', 2),
      used('pipeline-app', 'OpportunityFilter.stage', 2),
      used('pipeline-app', 'OpportunityStage.CLOSED_WON', 2),
      used('pipeline-app', 'OpportunityStage.QUALIFIED', 2),
      used('pipeline-app', 'Query.opportunities', 2),
      used('pipeline-app', 'Query.opportunities(filter:)', 2),
      used('pipeline-app', 'Query.opportunities(first:)', 2),
    ]);
  });

  it('answers while the sink has not settled', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let called!: () => void;
    const sinkCalled = new Promise<void>((resolve) => (called = resolve));
    const batches: (readonly UsageEntry[])[] = [];
    const tessera = await start({
      sink: (entries) => {
        batches.push(entries);
        called();
        return released;
      },
      sampleRate: 1,
      flushIntervalMs: 1,
    });
    const app = await tessera.token({ sub: 'ada', client_id: 'pipeline-app', scope: 'crm:read', legal_entities: '*' });
    expect(await tessera.query(PIPELINE, {}, app)).toEqual(PIPELINE_BODY);
    await sinkCalled;
    for (let i = 0; i < 3; i += 1) expect(await tessera.query(PIPELINE, {}, app)).toEqual(PIPELINE_BODY);
    // The first batch still hangs: no second one was started beside it.
    expect(batches).toHaveLength(1);
    release();
    await tessera.stop();
    started = [];
    expect(summed(batches).map((entry) => `${entry.coordinate} ${entry.count}`)).toEqual([
      'Opportunity.id 4',
      'Opportunity.stage 4',
      'OpportunityConnection.nodes 4',
      'OpportunityConnection.totalCount 4',
      'Query.opportunities 4',
      'Query.opportunities(filter:) 4',
      'Query.opportunities(first:) 4',
    ]);
  });

  it('keeps a failed batch for the next flush and counts the failure on /metrics; the answers do not change', async () => {
    const calls: (readonly UsageEntry[])[] = [];
    let succeeded!: () => void;
    const secondCall = new Promise<void>((resolve) => (succeeded = resolve));
    const tessera = await start({
      sink: async (entries) => {
        calls.push(entries);
        if (calls.length === 1) throw new Error('registry unreachable');
        succeeded();
      },
      sampleRate: 1,
      flushIntervalMs: 1,
    });
    expect(await tessera.query('{ legalEntities { code } }')).toEqual({ data: { legalEntities: [] } });
    await secondCall;
    expect(calls.map((batch) => batch.map((entry) => `${entry.clientId} ${entry.coordinate} ${entry.count}`))).toEqual([
      ['sub:test-admin Query.legalEntities 1', 'sub:test-admin LegalEntity.code 1'],
      ['sub:test-admin Query.legalEntities 1', 'sub:test-admin LegalEntity.code 1'],
    ]);
    const metrics = await (await fetch(new URL('/metrics', tessera.url))).text();
    expect(metrics.split('\n').filter((line) => line.startsWith('tessera_usage_'))).toEqual([
      'tessera_usage_operations_recorded_total 1',
      'tessera_usage_flush_failures_total 1',
    ]);
    expect(tessera.logs.records.filter((record) => record.component === 'usage').map((record) => record.msg)).toEqual([
      'usage sink failed; keeping what fits for the next flush',
      'usage sink recovered',
    ]);
  });
});
