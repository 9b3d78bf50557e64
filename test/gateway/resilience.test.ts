/**
 * Timeouts and retries of subgraph calls (docs/resilience.md#timeouts, #retries), end to end: a
 * query fetch is tried again after a 503 and succeeds; a mutation is sent exactly once whatever
 * the subgraph answers; a subgraph slower than its own timeout is SUBGRAPH_UNAVAILABLE with
 * `reason: 'timeout'`, and the other subgraphs' parts still answer. The ERP subgraph's behaviour
 * is set per test through the fetcher seam; the breaker is off here (test/gateway/breakerHttp.test.ts).
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { outageConfig, unavailableAt } from '../harness/subgraphOutage.ts';

const ERP_URL = 'http://erp.embedded.tessera/graphql';

type Behaviour = 'up' | '503-once' | '503' | 'hang' | 'huge';
let erp: Behaviour = 'up';
/** The kind of each operation sent to ERP since the test began. */
let erpCalls: string[] = [];

const wrapFetcher =
  (inner: Fetcher): Fetcher =>
  async (url, init) => {
    if (url !== ERP_URL) return inner(url, init);
    erpCalls.push(/^\s*mutation\b/.test(String(JSON.parse(String(init?.body)).query)) ? 'mutation' : 'query');
    if (erp === '503' || (erp === '503-once' && erpCalls.length === 1)) {
      return new Response('{"message":"overloaded"}', {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'content-type': 'application/json' },
      });
    }
    if (erp === 'huge') {
      const legalEntities = Array.from({ length: 2000 }, (_, i) => ({ code: `LE${String(i).padStart(40, '0')}` }));
      return new Response(JSON.stringify({ data: { legalEntities } }), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (erp === 'hang') {
      const signal = init?.signal as AbortSignal;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    }
    return inner(url, init);
  };

let tessera: TestTessera;
beforeAll(async () => {
  const config = outageConfig({
    TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES: '65536',
    TESSERA_SUBGRAPH_ERP_TIMEOUT_MS: '1000',
    TESSERA_SUBGRAPH_BREAKER: 'off',
    TESSERA_SUBGRAPH_RETRY_BACKOFF_MS: '0',
  });
  tessera = await startTestTessera({ scale: 's', wrapFetcher, config });
});
afterAll(() => tessera?.stop());
afterEach(() => {
  erp = 'up';
  erpCalls = [];
});

const ENTITIES = '{ legalEntities { code } }';

describe('retries', () => {
  it('tries a query again after a 503 and answers in full', async () => {
    const reference = await tessera.request({ query: ENTITIES });
    expect(reference.body.errors).toBeUndefined();
    erpCalls = [];

    erp = '503-once';
    const answer = await tessera.request({ query: ENTITIES });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: reference.body });
    expect(erpCalls).toEqual(['query', 'query']);
  });

  it('gives up after TESSERA_SUBGRAPH_RETRIES further attempts (3 calls in all)', async () => {
    erp = '503';
    const answer = await tessera.request({ query: ENTITIES });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: {
        data: { legalEntities: null },
        errors: [unavailableAt('erp', ['legalEntities'], 'bad_status')],
      },
    });
    expect(erpCalls).toEqual(['query', 'query', 'query']);
  });

  it('sends a mutation exactly once when the subgraph answers 503', async () => {
    erp = '503';
    const mutation = `mutation { enableCustomerBilling(input: { idempotencyKey: "retry-never-1", accountId: "a-1", legalEntityId: "le-1", currency: EUR }) { replayed } }`;
    const answer = await tessera.request({ query: mutation });
    expect(erpCalls).toEqual(['mutation']);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: {
        data: null,
        errors: [unavailableAt('erp', ['enableCustomerBilling'], 'bad_status')],
      },
    });
  });
});

/** The answer to `BOTH` with ERP's part missing and `error` standing for it. */
async function withoutErpPart(behaviour: Behaviour, error: unknown) {
  const reference = (await tessera.request({ query: BOTH })).body.data as { projects: unknown };
  erpCalls = [];
  erp = behaviour;
  const answer = await tessera.request({ query: BOTH });
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 200,
    body: { data: { projects: reference.projects, legalEntities: null }, errors: [error] },
  });
}

const BOTH = '{ projects(first: 2) { nodes { id } } legalEntities { code } }';

describe('timeouts', () => {
  it('answers SUBGRAPH_UNAVAILABLE (reason timeout) for a subgraph slower than its own timeout, the other parts in full', async () => {
    await withoutErpPart('hang', unavailableAt('erp', ['legalEntities'], 'timeout'));
    // A timeout is not retried: the fetch's whole budget is spent.
    expect(erpCalls).toEqual(['query']);
  });
});

describe('the subgraph response size limit', () => {
  it('answers SUBGRAPH_RESPONSE_TOO_LARGE at what the fetch was to supply, without retrying or counting it against the subgraph', async () => {
    await withoutErpPart('huge', {
      message: 'The erp subgraph answered with more than 65536 bytes (TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES); ask for fewer items.',
      path: ['legalEntities'],
      extensions: { code: 'SUBGRAPH_RESPONSE_TOO_LARGE', subgraph: 'erp', limitBytes: 65536, serviceName: 'erp' },
    });
    expect(erpCalls).toEqual(['query']);
  });
});

describe('subgraph metrics', () => {
  it('counts unavailable answers by subgraph and reason, and times every call', async () => {
    erp = '503';
    await tessera.request({ query: ENTITIES });
    const metrics = await (await fetch(tessera.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^tessera_subgraph_errors_total\{subgraph="erp",reason="bad_status"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^tessera_subgraph_request_duration_seconds_count\{subgraph="erp"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^tessera_subgraph_request_duration_seconds_count\{subgraph="psa"\} \d+$/m);
  });
});
