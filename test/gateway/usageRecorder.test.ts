/**
 * The usage plugin and recorder in Apollo Server's real request pipeline over a toy schema (no
 * gateway, no socket): what is recorded, sampling, batching, and that the sink never holds or
 * fails a request. Flushes are driven by `flush()`, the clock is injected; no timers are awaited.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSchema } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { NEVER_ABORTED, type RequestScope } from '../../auth/requestScope.ts';
import { tesseraError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { Metrics } from '../../core/metrics.ts';
import { createPlannedOperations } from '../../gateway/plannedOperation.ts';
import type { GatewayPlugin, GatewayPluginHost } from '../../gateway/plugin.ts';
import { usagePlugin } from '../../gateway/usage/usagePlugin.ts';
import { createUsageRecorder, type UsageEntry, type UsageRecorder, type UsageRecorderOptions } from '../../gateway/usage/usageRecorder.ts';
import { logSink } from '../harness/logSink.ts';

const SDL = `
  enum Stage { LEAD WON }
  type Opportunity { id: ID! stage: Stage! }
  type Query { opportunities(stage: Stage): [Opportunity!]! hello: String }
`;
const ROOT = {
  opportunities: ({ stage }: { stage?: string }) => [{ id: 'o1', stage: stage ?? 'LEAD' }],
  hello: () => 'hi',
};

interface Setup {
  readonly server: ApolloServer<RequestScope>;
  readonly recorder: UsageRecorder;
  readonly metrics: Metrics;
  readonly logs: ReturnType<typeof logSink>;
  run(query: string, options?: { variables?: Record<string, unknown>; clientId?: string | null; sub?: string }): Promise<unknown>;
}

let started: Setup[] = [];
afterEach(async () => {
  await Promise.all(started.map(({ server }) => server.stop()));
  started = [];
});

/** A clock that moves one second per call, from 2025-03-01T10:00:00Z. */
function steppingClock(): () => Date {
  let tick = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 10, 0, tick++));
}

async function setup(
  recorderOptions: Omit<UsageRecorderOptions, 'logger'>,
  pluginOptions: { sampleRate?: number; random?: () => number; before?: ApolloServerPlugin<RequestScope> } = {},
): Promise<Setup> {
  const logs = logSink();
  const logger = createLogger('debug', logs.stream);
  const metrics = new Metrics();
  const recorder = createUsageRecorder({ metrics, now: steppingClock(), ...recorderOptions, logger });
  const plugin: GatewayPlugin = usagePlugin({ recorder, sampleRate: pluginOptions.sampleRate ?? 1, random: pluginOptions.random });
  // What createGateway does with each plugin (whichever of its signatures is current).
  const create = plugin.create as (host: GatewayPluginHost, supergraphSdl: string) => ApolloServerPlugin<RequestScope>;
  const server = new ApolloServer<RequestScope>({
    schema: buildSchema(SDL),
    rootValue: ROOT,
    logger,
    plugins: [...(pluginOptions.before ? [pluginOptions.before] : []), create({ operations: createPlannedOperations() }, SDL)],
  });
  await server.start();
  const run: Setup['run'] = async (query, { variables, clientId = 'app', sub = 'ada' } = {}) => {
    const principal =
      clientId === null && sub === ''
        ? null
        : { sub, scopes: new Set<string>(), clientId, legalEntities: [], partnerAccounts: null, roles: [] };
    const response = await server.executeOperation(
      { query, ...(variables ? { variables } : {}) },
      {
        contextValue: {
          requestId: 'r1',
          logger,
          principal,
          principalToken: 'signed',
          idempotencyKey: null,
          correlationId: 'r1',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          signal: NEVER_ABORTED,
        },
      },
    );
    return response.body.kind === 'single' ? response.body.singleResult : null;
  };
  const result = { server, recorder, metrics, logs, run };
  started.push(result);
  return result;
}

const sorted = (entries: readonly UsageEntry[]) =>
  [...entries].sort((a, b) => `${a.clientId} ${a.coordinate}`.localeCompare(`${b.clientId} ${b.coordinate}`));

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('usage recording', () => {
  it('aggregates many operations into one batch per flush: count per client and coordinate, the last use', async () => {
    const batches: (readonly UsageEntry[])[] = [];
    const { run, recorder, metrics } = await setup({ sink: async (entries) => void batches.push(entries) });
    await run('{ opportunities { id } }');
    await run('query Q($s: Stage) { opportunities(stage: $s) { stage } }', { variables: { s: 'WON' } });
    await run('{ opportunities { id } }', { clientId: null, sub: 'bob' });
    await run('{ hello }', { clientId: null, sub: '' });
    await recorder.flush();
    expect(batches).toHaveLength(1);
    expect(sorted(batches[0]!)).toEqual([
      { clientId: 'anonymous', coordinate: 'Query.hello', count: 1, lastUsedAt: '2025-03-01T10:00:03.000Z' },
      { clientId: 'app', coordinate: 'Opportunity.id', count: 1, lastUsedAt: '2025-03-01T10:00:00.000Z' },
      { clientId: 'app', coordinate: 'Opportunity.stage', count: 1, lastUsedAt: '2025-03-01T10:00:01.000Z' },
      { clientId: 'app', coordinate: 'Query.opportunities', count: 2, lastUsedAt: '2025-03-01T10:00:01.000Z' },
      { clientId: 'app', coordinate: 'Query.opportunities(stage:)', count: 1, lastUsedAt: '2025-03-01T10:00:01.000Z' },
      { clientId: 'app', coordinate: 'Stage.WON', count: 1, lastUsedAt: '2025-03-01T10:00:01.000Z' },
      { clientId: 'sub:bob', coordinate: 'Opportunity.id', count: 1, lastUsedAt: '2025-03-01T10:00:02.000Z' },
      { clientId: 'sub:bob', coordinate: 'Query.opportunities', count: 1, lastUsedAt: '2025-03-01T10:00:02.000Z' },
    ]);
    expect(await metrics.render()).toContain('\ntessera_usage_operations_recorded_total 4\n');
    // The buffer was sent: the next flush has nothing to send.
    await recorder.flush();
    expect(batches).toHaveLength(1);
  });

  it('samples: 0 records nothing, 1 records all, 0.5 records the draws below it', async () => {
    const calls: (readonly UsageEntry[])[] = [];
    const sink = async (entries: readonly UsageEntry[]) => void calls.push(entries);
    const none = await setup({ sink }, { sampleRate: 0, random: () => 0 });
    await none.run('{ hello }');
    await none.recorder.flush();
    expect(calls).toEqual([]);

    const all = await setup({ sink }, { sampleRate: 1, random: () => 0.999999 });
    await all.run('{ hello }');
    await all.run('{ hello }');
    await all.recorder.flush();
    expect(calls.map((batch) => batch.map((e) => `${e.coordinate} ${e.count}`))).toEqual([['Query.hello 2']]);

    const draws = [0.2, 0.7, 0.4, 0.5];
    const half = await setup({ sink }, { sampleRate: 0.5, random: () => draws.shift()! });
    await half.run('{ hello }');
    await half.run('{ opportunities { id } }');
    await half.run('{ hello }');
    await half.run('{ opportunities { stage } }');
    await half.recorder.flush();
    expect(draws).toEqual([]);
    expect(calls[1]!.map((e) => `${e.coordinate} ${e.count}`)).toEqual(['Query.hello 2']);
  });

  it('records only operations that executed: not parse or validation failures, nor one a plugin refused', async () => {
    const batches: (readonly UsageEntry[])[] = [];
    const refuseHello: ApolloServerPlugin<RequestScope> = {
      async requestDidStart() {
        return {
          async didResolveOperation({ operationName }) {
            if (operationName === 'Refused') throw tesseraError('FORBIDDEN', 'no', { extensions: { http: { status: 403 } } });
          },
        };
      },
    };
    const { run, recorder, metrics } = await setup({ sink: async (entries) => void batches.push(entries) }, { before: refuseHello });
    await run('{ opportunities { id }');
    await run('{ opportunities { nope } }');
    await run('query Refused { hello }');
    await recorder.flush();
    expect(batches).toEqual([]);
    expect(await metrics.render()).not.toMatch(/^tessera_usage_operations_recorded_total /m);
  });

  it('answers while the sink has not settled, and sends the next batch after it', async () => {
    const pending = deferred();
    const batches: (readonly UsageEntry[])[] = [];
    const sink = (entries: readonly UsageEntry[]) => {
      batches.push(entries);
      return batches.length === 1 ? pending.promise : Promise.resolve();
    };
    const { run, recorder } = await setup({ sink, flushAtEntries: 1 });
    expect(await run('{ hello }')).toEqual({ data: { hello: 'hi' } });
    // Analysis and the size-triggered flush run after the response; flush() forces them and finds the first batch in flight.
    const first = recorder.flush();
    expect(batches).toHaveLength(1);
    for (let i = 0; i < 3; i += 1) expect(await run('{ opportunities { id } }')).toEqual({ data: { opportunities: [{ id: 'o1' }] } });
    expect(batches).toHaveLength(1);
    pending.resolve();
    await first;
    await recorder.flush();
    expect(batches.map((batch) => sorted(batch).map((e) => `${e.coordinate} ${e.count}`))).toEqual([
      ['Query.hello 1'],
      ['Opportunity.id 3', 'Query.opportunities 3'],
    ]);
  });

  it('keeps what fits when the sink fails, counts the failures and the drops, and warns once per failure streak', async () => {
    let failures = 2;
    const batches: (readonly UsageEntry[])[] = [];
    const sink = async (entries: readonly UsageEntry[]) => {
      batches.push(entries);
      if (failures-- > 0) throw new Error('registry unreachable');
    };
    const { run, recorder, metrics, logs } = await setup({ sink, maxEntries: 3 });
    expect(await run('{ opportunities { id } }')).toEqual({ data: { opportunities: [{ id: 'o1' }] } });
    await recorder.flush();
    expect(await run('{ hello }')).toEqual({ data: { hello: 'hi' } });
    await recorder.flush();
    // Back in the buffer after the second failure: the 2 entries of the first operation and Query.hello; then 2 entries more, dropped.
    expect(await run('{ opportunities { stage } hello }', { clientId: 'other' })).toEqual({
      data: { opportunities: [{ stage: 'LEAD' }], hello: 'hi' },
    });
    await recorder.flush();
    expect(batches.map((batch) => sorted(batch).map((e) => `${e.clientId} ${e.coordinate} ${e.count}`))).toEqual([
      ['app Opportunity.id 1', 'app Query.opportunities 1'],
      ['app Opportunity.id 1', 'app Query.hello 1', 'app Query.opportunities 1'],
      ['app Opportunity.id 1', 'app Query.hello 1', 'app Query.opportunities 1'],
    ]);
    const lines = (await metrics.render()).split('\n').filter((line) => line.startsWith('tessera_'));
    expect(lines).toEqual([
      'tessera_usage_operations_recorded_total 3',
      'tessera_usage_entries_dropped_total 3',
      'tessera_usage_flush_failures_total 2',
    ]);
    const usageLogs = logs.records.filter((record) => record.component === 'usage').map((record) => [record.level, record.msg]);
    expect(usageLogs).toEqual([
      [40, 'usage sink failed; keeping what fits for the next flush'],
      [30, 'usage sink recovered'],
    ]);
  });

  it('stop flushes what was recorded and ignores what comes after', async () => {
    const batches: (readonly UsageEntry[])[] = [];
    const { run, recorder } = await setup({ sink: async (entries) => void batches.push(entries) });
    await run('{ hello }');
    await recorder.stop();
    await run('{ hello }');
    await recorder.flush();
    expect(batches.map((batch) => batch.map((e) => `${e.coordinate} ${e.count}`))).toEqual([['Query.hello 1']]);
  });

  it('refuses a sample rate outside 0 to 1 and a non-positive flush interval', () => {
    const logger = createLogger('silent');
    const recorder = createUsageRecorder({ sink: async () => undefined, logger });
    expect(() => usagePlugin({ recorder, sampleRate: 1.5 })).toThrow(
      new TypeError('usage plugin: sampleRate must be a number from 0 to 1: 1.5'),
    );
    expect(() => usagePlugin({ recorder, sampleRate: Number.NaN })).toThrow(TypeError);
    expect(() => createUsageRecorder({ sink: async () => undefined, logger, flushIntervalMs: 0 })).toThrow(
      new TypeError('usage recorder: flushIntervalMs must be a positive integer: 0'),
    );
    return recorder.stop();
  });
});
