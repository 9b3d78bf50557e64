/**
 * Per-client rate limits and concurrency caps at the gateway (docs/rate-limits.md), in memory, on
 * an injected clock: exact `RateLimit-Policy` / `RateLimit` headers, 429 RATE_LIMITED with its
 * exact `Retry-After`, the quota returning as the clock moves, and in-flight slots released
 * however a request ends.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import type { RateLimitsConfig } from '../../core/config/rateLimits.ts';
import { FULL_ACCESS, startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const START = Date.UTC(2026, 11, 7, 1, 0, 0);
let nowMs = START;

const LIMITS: RateLimitsConfig = {
  client: { count: 3, windowSeconds: 60 },
  clients: { batch: { count: 1, windowSeconds: 10 }, unlimited: null },
  capabilities: {},
  concurrency: null,
  redis: undefined,
};

const QUERY = { query: '{ __typename }' };

function refusal(limit: string, retryAfter: number, message: string) {
  return { errors: [{ message, extensions: { code: 'RATE_LIMITED', limit, retryAfter } }] };
}

function rateHeaders(response: { headers: Headers }) {
  return {
    policy: response.headers.get('ratelimit-policy'),
    limit: response.headers.get('ratelimit'),
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('the per-client rate limit (3 per 60 s: one request every 20 s, bursts of 3)', () => {
  let tessera: TestTessera;
  const tokens: Record<string, string> = {};
  const send = (client: string | null) =>
    tessera.request(QUERY, client === null ? { authorization: null } : { authorization: `Bearer ${tokens[client]}` });

  beforeAll(async () => {
    tessera = await startTestTessera({ scale: 'none', now: () => new Date(nowMs), config: { rateLimits: LIMITS } });
    for (const client of ['portal', 'other', 'batch', 'unlimited'])
      tokens[client] = await tessera.token({ ...FULL_ACCESS, client_id: client });
  });
  afterAll(() => tessera?.stop());

  it('admits 3 at once with exact headers, refuses the 4th with 429 and Retry-After, and admits again as the clock moves', async () => {
    nowMs = START;
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await send('portal');
      answers.push({ status: response.status, body: response.body, ...rateHeaders(response) });
    }
    const ok = (remaining: number) => ({
      status: 200,
      body: { data: { __typename: 'Query' } },
      policy: '"client";q=3;w=60',
      limit: `"client";r=${remaining};t=20`,
      retryAfter: null,
    });
    expect(answers).toEqual([ok(2), ok(1), ok(0)]);

    const refused = await send('portal');
    expect({ status: refused.status, body: refused.body, ...rateHeaders(refused) }).toEqual({
      status: 429,
      body: refusal('client', 20, 'Too many requests: this client may send 3 per 60 s. Retry in 20 s.'),
      policy: '"client";q=3;w=60',
      limit: '"client";r=0;t=20',
      retryAfter: '20',
    });

    // 1 ms before the next request's worth returns: still refused, and told to wait 1 s (rounded up).
    nowMs = START + 19_999;
    const early = await send('portal');
    expect({ status: early.status, ...rateHeaders(early) }).toEqual({
      status: 429,
      policy: '"client";q=3;w=60',
      limit: '"client";r=0;t=1',
      retryAfter: '1',
    });

    nowMs = START + 20_000;
    expect(rateHeaders(await send('portal'))).toEqual({ policy: '"client";q=3;w=60', limit: '"client";r=0;t=20', retryAfter: null });

    // A whole window later the burst is back.
    nowMs = START + 80_000;
    const refilled = await send('portal');
    expect({ status: refilled.status, ...rateHeaders(refilled) }).toEqual({
      status: 200,
      policy: '"client";q=3;w=60',
      limit: '"client";r=2;t=20',
      retryAfter: null,
    });
  });

  it('counts each client apart, anonymous requests as the client "anonymous", and honours per-client overrides', async () => {
    nowMs = START + 1_000_000;
    expect(rateHeaders(await send('other')).limit).toBe('"client";r=2;t=20');
    expect(rateHeaders(await send(null)).limit).toBe('"client";r=2;t=20');
    expect(rateHeaders(await send(null)).limit).toBe('"client";r=1;t=20');

    const batch = await send('batch');
    expect({ status: batch.status, ...rateHeaders(batch) }).toEqual({
      status: 200,
      policy: '"client";q=1;w=10',
      limit: '"client";r=0;t=10',
      retryAfter: null,
    });
    const batchRefused = await send('batch');
    expect({ status: batchRefused.status, body: batchRefused.body, retryAfter: rateHeaders(batchRefused).retryAfter }).toEqual({
      status: 429,
      body: refusal('client', 10, 'Too many requests: this client may send 1 per 10 s. Retry in 10 s.'),
      retryAfter: '10',
    });

    // `unlimited=off`: no limit, so no rate-limit header at all.
    for (let i = 0; i < 5; i += 1) {
      const response = await send('unlimited');
      expect({ status: response.status, ...rateHeaders(response) }).toEqual({ status: 200, policy: null, limit: null, retryAfter: null });
    }
  });

  it('counts refusals by limit at /metrics', async () => {
    const metrics = await (await fetch(tessera.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('tessera_rate_limit_refusals_total{limit="client"} 3');
    expect(metrics).toContain('tessera_rate_limit_refusals_total{limit="concurrency"} 0');
    expect(metrics).toContain('tessera_rate_limit_store_errors_total 0');
  });

  it('refuses before the request is read as GraphQL: a document that does not parse is refused 429, not 400', async () => {
    nowMs = START + 2_000_000;
    for (let i = 0; i < 3; i += 1) await send('other');
    const response = await tessera.request({ query: '{ not graphql' }, { authorization: `Bearer ${tokens.other}` });
    expect({ status: response.status, code: response.body.errors?.[0]?.extensions?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
  });
});

/** Holds every subgraph call until `open()`; `reached(n)` resolves once n calls wait; `fail` makes them throw. */
function gate(fail = false) {
  let opened: () => void = () => {};
  const opening = new Promise<void>((resolve) => (opened = resolve));
  let waiting = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    async pass(fetcher: Fetcher, ...args: Parameters<Fetcher>): ReturnType<Fetcher> {
      waiting += 1;
      for (const waiter of waiters) if (waiting >= waiter.count) waiter.resolve();
      // A held call ends when the gateway aborts it (its deadline passed, its client went away), as a real fetch would.
      const signal = args[1]?.signal as AbortSignal | undefined;
      await Promise.race([
        opening,
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
      ]);
      if (fail) throw new Error('subgraph connection reset');
      return fetcher(...args);
    },
    open: () => opened(),
    reached: (count: number) =>
      new Promise<void>((resolve) => {
        if (waiting >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

describe('the concurrency cap (2 in flight per client)', () => {
  let tessera: TestTessera;
  let held = gate();
  const headers: Record<string, { authorization: string }> = {};
  // A query that reaches a subgraph (so the gate holds it): the legal entities, in the ERP.
  const SUBGRAPH_QUERY = { query: '{ legalEntities { code } }' };

  beforeAll(async () => {
    tessera = await startTestTessera({
      scale: 'none',
      wrapFetcher: (fetcher) => (url, init) => held.pass(fetcher, url, init),
      config: { rateLimits: { ...LIMITS, client: null, clients: {}, concurrency: 2 } },
    });
    for (const client of ['portal', 'other'])
      headers[client] = { authorization: `Bearer ${await tessera.token({ ...FULL_ACCESS, client_id: client })}` };
  });
  afterAll(() => tessera?.stop());
  afterEach(() => held.open());

  it('refuses a third request while two are in flight, with Retry-After 1, and admits again once they are answered', async () => {
    held = gate();
    const first = tessera.request(SUBGRAPH_QUERY, headers.portal);
    const second = tessera.request(SUBGRAPH_QUERY, headers.portal);
    await held.reached(2);

    const third = await tessera.request(SUBGRAPH_QUERY, headers.portal);
    expect({ status: third.status, body: third.body, ...rateHeaders(third) }).toEqual({
      status: 429,
      body: refusal('concurrency', 1, 'Too many requests in flight: this client may have 2 at once. Retry when one has been answered.'),
      policy: '"concurrency";q=2;qu="concurrent-requests"',
      limit: '"concurrency";r=0',
      retryAfter: '1',
    });
    // Another client has its own slots.
    expect(rateHeaders(await tessera.request({ query: '{ __typename }' }, headers.other)).limit).toBe('"concurrency";r=1');

    held.open();
    const answered = await Promise.all([first, second]);
    expect(answered.map((response) => response.status)).toEqual([200, 200]);
    expect(answered.map((response) => rateHeaders(response).limit).sort()).toEqual(['"concurrency";r=0', '"concurrency";r=1']);
    const after = await tessera.request(SUBGRAPH_QUERY, headers.portal);
    expect({ status: after.status, limit: rateHeaders(after).limit }).toEqual({ status: 200, limit: '"concurrency";r=1' });
    const metrics = await (await fetch(tessera.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('tessera_rate_limit_refusals_total{limit="concurrency"} 1');
  });

  it('releases the slots of requests whose subgraph calls fail', async () => {
    held = gate(true);
    const failing = [tessera.request(SUBGRAPH_QUERY, headers.portal), tessera.request(SUBGRAPH_QUERY, headers.portal)];
    await held.reached(2);
    expect((await tessera.request(SUBGRAPH_QUERY, headers.portal)).status).toBe(429);
    held.open();
    for (const response of await Promise.all(failing)) {
      expect({ status: response.status, data: response.body.data }).toEqual({ status: 200, data: { legalEntities: null } });
    }
    // Both slots are free again: two more requests are admitted side by side.
    const both = await Promise.all([
      tessera.request({ query: '{ __typename }' }, headers.portal),
      tessera.request({ query: '{ __typename }' }, headers.portal),
    ]);
    expect(both.map((response) => response.status)).toEqual([200, 200]);
  });

  it('releases the slot of a request whose client went away', async () => {
    held = gate();
    const abort = new AbortController();
    const gone = fetch(tessera.url, {
      method: 'POST',
      headers: { ...headers.portal, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(SUBGRAPH_QUERY),
      signal: abort.signal,
    }).catch((error: unknown) => error);
    const staying = tessera.request(SUBGRAPH_QUERY, headers.portal);
    await held.reached(2);
    abort.abort();
    expect(await gone).toBeInstanceOf(Error);
    held.open();
    expect((await staying).status).toBe(200);
    await vi.waitFor(
      async () => {
        const both = await Promise.all([
          tessera.request({ query: '{ __typename }' }, headers.portal),
          tessera.request({ query: '{ __typename }' }, headers.portal),
        ]);
        expect(both.map((response) => response.status)).toEqual([200, 200]);
      },
      { timeout: 5000 },
    );
  });
});

describe('the concurrency cap and the execution timeout (1 in flight, 300 ms)', () => {
  let tessera: TestTessera;
  const held = gate();
  afterAll(async () => {
    held.open();
    await tessera?.stop();
  });

  it('frees the slot of a request answered 504 when its deadline passed', async () => {
    tessera = await startTestTessera({
      scale: 'none',
      wrapFetcher: (fetcher) => (url, init) => held.pass(fetcher, url, init),
      config: {
        rateLimits: { ...LIMITS, client: null, clients: {}, concurrency: 1 },
        demandControl: loadConfig({ TESSERA_EXECUTION_TIMEOUT_MS: '300' }).demandControl,
      },
    });
    const portal = { authorization: `Bearer ${await tessera.token({ ...FULL_ACCESS, client_id: 'portal' })}` };
    const slow = tessera.request({ query: '{ legalEntities { code } }' }, portal);
    await held.reached(1);
    expect((await tessera.request({ query: '{ __typename }' }, portal)).status).toBe(429);
    const timedOut = await slow;
    expect({ status: timedOut.status, code: timedOut.body.errors?.[0]?.extensions?.code }).toEqual({
      status: 504,
      code: 'OPERATION_TIMEOUT',
    });
    await vi.waitFor(async () => expect((await tessera.request({ query: '{ __typename }' }, portal)).status).toBe(200), { timeout: 5000 });
  });
});
