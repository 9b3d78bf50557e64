/**
 * A gateway whose Redis cannot be reached (docs/rate-limits.md#when-redis-is-unavailable): it
 * starts anyway, fails open to counts in its own memory, so it still limits each client, counts
 * every failed step and logs the outage once. Needs no Redis: the URL names a closed port.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../core/config/secret.ts';
import { FULL_ACCESS, startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('rate limits with Redis unreachable', () => {
  let tessera: TestTessera;
  let token: string;

  beforeAll(async () => {
    tessera = await startTestTessera({
      scale: 'none',
      now: () => new Date(Date.UTC(2026, 11, 7, 1, 0, 0)),
      config: {
        rateLimits: {
          client: { count: 2, windowSeconds: 60 },
          clients: {},
          capabilities: {},
          concurrency: null,
          redis: { url: new Secret(`redis://127.0.0.1:${await closedPort()}`), prefix: 'unreachable:' },
        },
      },
    });
    token = await tessera.token({ ...FULL_ACCESS, client_id: 'portal' });
  });
  afterAll(() => tessera?.stop());

  it('serves, limiting each client in process: 2 admitted, the 3rd refused 429 with the same headers', async () => {
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await tessera.request({ query: '{ __typename }' }, { authorization: `Bearer ${token}` });
      answers.push({ status: response.status, limit: response.headers.get('ratelimit'), retryAfter: response.headers.get('retry-after') });
    }
    expect(answers).toEqual([
      { status: 200, limit: '"client";r=1;t=30', retryAfter: null },
      { status: 200, limit: '"client";r=0;t=30', retryAfter: null },
      { status: 429, limit: '"client";r=0;t=30', retryAfter: '30' },
    ]);
  });

  it('counts each failed step, and logs the start without Redis and the outage once each', async () => {
    const metrics = await (await fetch(tessera.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('tessera_rate_limit_store_errors_total 3');
    expect(metrics).toContain('tessera_rate_limit_refusals_total{limit="client"} 1');
    const logged = tessera.logs.records.filter((r) => r.component === 'rateLimit').map((r) => [r.level, r.msg]);
    expect(logged).toEqual([
      [40, 'rate-limit store not connected yet: serving with counts in this process until it answers'],
      [40, 'rate-limit store unavailable: limits are counted in this process until it answers (each replica admits up to the limit)'],
    ]);
    // The URL may carry a password: it never reaches the log.
    expect(tessera.logs.raw.some((line) => line.includes('redis://'))).toBe(false);
  });
});
