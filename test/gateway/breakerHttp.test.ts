/**
 * A subgraph's circuit end to end (docs/resilience.md#circuit-breakers), on the gateway's injected
 * clock: consecutive unavailable answers open it; while open, requests fail fast with
 * SUBGRAPH_UNAVAILABLE (`reason: 'circuit_open'`) and the subgraph is not called at all; after the
 * open period one probe goes through and, answered, closes it. The gauge follows each state.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { outageConfig, unavailableAt } from '../harness/subgraphOutage.ts';

const ERP_URL = 'http://erp.embedded.tessera/graphql';

let erp: 'up' | 'html-500' | 'graphql-error' = 'up';
let erpCalls = 0;
let clock = new Date('2026-03-02T09:00:00Z');

const wrapFetcher =
  (inner: Fetcher): Fetcher =>
  async (url, init) => {
    if (url !== ERP_URL) return inner(url, init);
    erpCalls += 1;
    if (erp === 'html-500') return new Response('<html>502 Bad Gateway</html>', { status: 500, headers: { 'content-type': 'text/html' } });
    if (erp === 'graphql-error') {
      const body = {
        data: { legalEntities: null },
        errors: [{ message: 'no', path: ['legalEntities'], extensions: { code: 'FORBIDDEN' } }],
      };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return inner(url, init);
  };

let tessera: TestTessera;
beforeAll(async () => {
  const config = outageConfig({ TESSERA_SUBGRAPH_BREAKER: '3 failures, 30s open' });
  tessera = await startTestTessera({ scale: 's', wrapFetcher, now: () => clock, config });
});
afterAll(() => tessera?.stop());

const QUERY = '{ legalEntities { code } }';

function unavailable(reason: string) {
  return {
    status: 200,
    body: {
      data: { legalEntities: null },
      errors: [unavailableAt('erp', ['legalEntities'], reason)],
    },
  };
}

async function ask() {
  const { status, body } = await tessera.request({ query: QUERY });
  return { status, body };
}

async function breakerGauge(): Promise<string | undefined> {
  const text = await (await fetch(tessera.url.replace('/graphql', '/metrics'))).text();
  return /^tessera_subgraph_breaker_state\{subgraph="erp"\} (\d)$/m.exec(text)?.[1];
}

it('opens after 3 unavailable answers, fails fast without calling the subgraph, and closes after a successful probe', async () => {
  const healthy = await ask();
  expect(healthy.body.errors).toBeUndefined();
  expect(await breakerGauge()).toBe('0');

  // GraphQL errors in a 200 are an answer: they never count.
  erp = 'graphql-error';
  for (let i = 0; i < 4; i++) expect((await ask()).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  erp = 'html-500';
  erpCalls = 0;
  for (let i = 0; i < 3; i++) expect(await ask()).toEqual(unavailable('bad_status'));
  expect(erpCalls).toBe(3);
  expect(await breakerGauge()).toBe('2');

  erp = 'up';
  expect(await ask()).toEqual(unavailable('circuit_open'));
  clock = new Date(clock.getTime() + 29_999);
  expect(await ask()).toEqual(unavailable('circuit_open'));
  expect(erpCalls).toBe(3);

  clock = new Date(clock.getTime() + 1);
  expect(await ask()).toEqual(healthy);
  expect(erpCalls).toBe(4);
  expect(await breakerGauge()).toBe('0');
});

it('opens again for a whole period when the probe fails', async () => {
  erp = 'html-500';
  for (let i = 0; i < 3; i++) await ask();
  clock = new Date(clock.getTime() + 30_000);
  erpCalls = 0;
  expect(await ask()).toEqual(unavailable('bad_status'));
  expect(erpCalls).toBe(1);
  expect(await breakerGauge()).toBe('2');
  erp = 'up';
  expect(await ask()).toEqual(unavailable('circuit_open'));
  clock = new Date(clock.getTime() + 30_000);
  expect((await ask()).body.errors).toBeUndefined();
});
