/**
 * `/metrics` behind `TESSERA_METRICS_TOKEN` (issue 11: it was served anonymously). Set, a scrape
 * without `Authorization: Bearer <token>` gets 401 UNAUTHENTICATED, on the gateway (the embedded
 * root) and on the operator endpoints of every other root (relay, system, registry); unset, it
 * answers anyone, as in development.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../core/config/secret.ts';
import { createLogger } from '../../core/logger.ts';
import { Metrics } from '../../core/metrics.ts';
import { withOpsEndpoints } from '../../runtime/opsEndpoints.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const TOKEN = 'scrape-7f3a9c2e1d';

const UNAUTHENTICATED = {
  errors: [{ message: '/metrics needs Authorization: Bearer <TESSERA_METRICS_TOKEN>.', extensions: { code: 'UNAUTHENTICATED' } }],
};

let guarded: TestTessera;
let open: TestTessera;

beforeAll(async () => {
  [guarded, open] = await Promise.all([
    startTestTessera({ scale: 'none', config: { metricsToken: new Secret(TOKEN) } }),
    startTestTessera({ scale: 'none' }),
  ]);
});
afterAll(() => Promise.all([guarded?.stop(), open?.stop()]));

function scrape(base: string, authorization?: string): Promise<Response> {
  return fetch(new URL('/metrics', base), authorization === undefined ? {} : { headers: { authorization } });
}

async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
  expect(await response.json()).toEqual(UNAUTHENTICATED);
}

describe('the gateway with a metrics token', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer scrape-7f3a9c2e1e'],
    ['a prefix of the token', 'Bearer scrape-7f3a9c'],
    ['the token without the Bearer scheme', TOKEN],
    ['Basic auth', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
  ])('refuses a scrape with %s: 401 UNAUTHENTICATED', async (_, authorization) => {
    await expectRefused(await scrape(guarded.url, authorization));
  });

  it('answers the right token with the Prometheus text', async () => {
    const response = await scrape(guarded.url, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain('tessera_http_requests_total');
  });

  it('guards nothing else: health and GraphQL answer without it', async () => {
    expect((await fetch(new URL('/health/live', guarded.url))).status).toBe(200);
    expect((await guarded.request({ query: '{ __typename }' })).status).toBe(200);
  });

  it('keeps the token out of the logs', () => {
    expect(guarded.logs.raw.join('\n')).not.toContain(TOKEN);
  });
});

describe('the gateway without a metrics token', () => {
  it('answers anyone, as in development', async () => {
    expect((await scrape(open.url)).status).toBe(200);
  });
});

describe('the operator endpoints of the other roots (relay, system, registry)', () => {
  let server: http.Server;
  let base: string;
  let refreshes = 0;

  beforeAll(async () => {
    const metrics = new Metrics({ tessera_http_requests_total: 'HTTP requests' });
    metrics.increment('tessera_http_requests_total', { route: '/metrics', status: '200' });
    server = http.createServer(
      withOpsEndpoints({
        readiness: () => Promise.resolve({ ready: true, checks: {} }),
        metrics,
        refresh: () => {
          refreshes += 1;
          return Promise.resolve();
        },
        logger: createLogger('silent'),
        metricsToken: new Secret(TOKEN),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a scrape without the token before refreshing any gauge from the store', async () => {
    await expectRefused(await scrape(base));
    await expectRefused(await scrape(base, 'Bearer nope'));
    expect(refreshes).toBe(0);
  });

  it('answers the right token after the refresh', async () => {
    const response = await scrape(base, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('tessera_http_requests_total{route="/metrics",status="200"} 1');
    expect(refreshes).toBe(1);
  });
});
