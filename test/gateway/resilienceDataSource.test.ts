/**
 * The subgraph data source's resilience rules in isolation (docs/resilience.md#retries,
 * #timeouts, #circuit-breakers), with a fetcher standing for the network: the deadline covers the
 * retries, a cancelled request never counts against the subgraph, a mutation is never sent twice
 * even after a connect error, and the jittered backoff's bounds.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { RequestScope } from '../../auth/requestScope.ts';
import { readSubgraphResilienceConfig } from '../../core/config/subgraphResilience.ts';
import { createLogger } from '../../core/logger.ts';
import { SubgraphDataSource } from '../../gateway/datasources/SubgraphDataSource.ts';
import { backoffDelay } from '../../gateway/resilience/retry.ts';
import { createSubgraphCalls } from '../../gateway/resilience/subgraphCalls.ts';
import { connectionRefused } from '../harness/subgraphOutage.ts';

const logger = createLogger('silent');

function dataSource(fetcher: Fetcher, env: Record<string, string>) {
  const calls = createSubgraphCalls(readSubgraphResilienceConfig(env, 'development'), { now: () => 0 });
  return { source: new SubgraphDataSource('erp', { url: 'http://erp.test/graphql', fetcher }, logger, calls), calls };
}

function fetchOf(query: string, signal: AbortSignal = new AbortController().signal): GraphQLDataSourceProcessOptions<RequestScope> {
  const scope = { requestId: 'r-1', principalToken: 't', logger, signal } as Partial<RequestScope>;
  return {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported at run time).
    kind: 'incoming operation',
    request: { query, variables: {} },
    context: scope as RequestScope,
    document: parse(query),
    incomingRequestContext: {} as never,
  } as GraphQLDataSourceProcessOptions<RequestScope>;
}

/** A fetch that never answers: it rejects only when its signal aborts, as a real one does. */
const hanging: Fetcher = (_url, init) => {
  const signal = init?.signal as AbortSignal;
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason));
  });
};

const reasonOf = (response: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.map((e) => e.extensions?.reason);

describe('the subgraph data source', () => {
  it('spends one deadline on all attempts: endless connect errors end as a timeout', async () => {
    let attempts = 0;
    const { source } = dataSource(
      async () => {
        attempts += 1;
        throw connectionRefused();
      },
      {
        TESSERA_SUBGRAPH_TIMEOUT_MS: '60',
        TESSERA_SUBGRAPH_RETRIES: '1000',
        TESSERA_SUBGRAPH_RETRY_BACKOFF_MS: '5',
        TESSERA_SUBGRAPH_BREAKER: 'off',
      },
    );
    const response = await source.process(fetchOf('{ legalEntities { code } }'));
    expect(reasonOf(response)).toEqual(['timeout']);
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(1000);
  });

  it('never counts a request the client cancelled against the subgraph', async () => {
    const { source, calls } = dataSource(hanging, { TESSERA_SUBGRAPH_BREAKER: '2 failures, 30s open' });
    for (let i = 0; i < 3; i++) {
      const client = new AbortController();
      const pending = source.process(fetchOf('{ legalEntities { code } }', client.signal));
      client.abort(new Error('client went away'));
      expect(reasonOf(await pending)).toEqual(['cancelled']);
    }
    expect(calls.breaker('erp')!.state()).toBe('closed');
  });

  it('stops waiting as soon as the client cancels a fetch in flight', async () => {
    let sent: () => void = () => {};
    const started = new Promise<void>((resolve) => (sent = resolve));
    const { source } = dataSource((url, init) => {
      sent();
      return hanging(url, init);
    }, {});
    const client = new AbortController();
    const pending = source.process(fetchOf('{ legalEntities { code } }', client.signal));
    await started;
    client.abort(new Error('client went away'));
    expect(reasonOf(await pending)).toEqual(['cancelled']);
  });

  it('sends a mutation once after a connect error, a query up to 1 + TESSERA_SUBGRAPH_RETRIES times', async () => {
    const sent: string[] = [];
    const { source } = dataSource(
      async (_url, init) => {
        sent.push(JSON.parse(String(init?.body)).query);
        throw connectionRefused();
      },
      { TESSERA_SUBGRAPH_RETRIES: '2', TESSERA_SUBGRAPH_RETRY_BACKOFF_MS: '0', TESSERA_SUBGRAPH_BREAKER: 'off' },
    );
    const mutation = 'mutation { placeCreditHold(input: {}) { replayed } }';
    expect(reasonOf(await source.process(fetchOf(mutation)))).toEqual(['connect_error']);
    expect(sent).toEqual([mutation]);
    sent.length = 0;
    expect(reasonOf(await source.process(fetchOf('{ legalEntities { code } }')))).toEqual(['connect_error']);
    expect(sent).toHaveLength(3);
  });

  it('fails fast without calling the network once the circuit is open', async () => {
    let attempts = 0;
    const { source } = dataSource(
      async () => {
        attempts += 1;
        return new Response('<html></html>', { status: 502, headers: { 'content-type': 'text/html' } });
      },
      { TESSERA_SUBGRAPH_BREAKER: '2 failures, 30s open' },
    );
    const query = '{ legalEntities { code } }';
    expect(reasonOf(await source.process(fetchOf(query)))).toEqual(['bad_status']);
    expect(reasonOf(await source.process(fetchOf(query)))).toEqual(['bad_status']);
    expect(reasonOf(await source.process(fetchOf(query)))).toEqual(['circuit_open']);
    expect(attempts).toBe(2);
  });
});

describe('the retry backoff', () => {
  it('draws from 0 to base × 2^(retry-1)', () => {
    expect([1, 2, 3].map((retry) => backoffDelay(retry, 100, () => 0.5))).toEqual([50, 100, 200]);
    expect(backoffDelay(3, 100, () => 0.999)).toBe(399);
    expect(backoffDelay(1, 100, () => 0)).toBe(0);
  });
});
