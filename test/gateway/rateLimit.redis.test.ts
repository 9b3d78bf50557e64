/**
 * Rate limits shared through Redis (docs/rate-limits.md#stores): two gateways count one client's
 * requests together, keys expire with their TAT, the Redis script and the in-memory store agree on
 * every step of random timelines, and a Redis that goes away mid-way is failed open to local
 * counts (docs/rate-limits.md#when-redis-is-unavailable) until it answers again. Skips without
 * `TESSERA_TEST_REDIS_URL`; each test writes under its own key prefix and deletes its keys.
 */
import net from 'node:net';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RateLimitsConfig } from '../../core/config/rateLimits.ts';
import { Secret } from '../../core/config/secret.ts';
import { createLogger } from '../../core/logger.ts';
import { Metrics } from '../../core/metrics.ts';
import { gcraParameters } from '../../gateway/rateLimit/gcra.ts';
import { RATE_LIMIT_STORE_ERRORS } from '../../gateway/rateLimit/metrics.ts';
import { startRateLimiting } from '../../gateway/rateLimit/rateLimiting.ts';
import { createRedisStore } from '../../gateway/rateLimit/redisStore.ts';
import { createMemoryStore } from '../../gateway/rateLimit/store.ts';
import { logSink } from '../harness/logSink.ts';
import { deleteRedisKeys, onRedis, redisKeys, redisTestPrefix } from '../harness/onRedis.ts';
import { FULL_ACCESS, startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const START = Date.UTC(2026, 11, 7, 1, 0, 0);

onRedis('rate limits', (url) => {
  describe('two gateways sharing one Redis', () => {
    const prefix = redisTestPrefix();
    let nowMs = START;
    const gateways: TestTessera[] = [];
    const tokens: string[] = [];
    const limits: RateLimitsConfig = {
      client: { count: 3, windowSeconds: 60 },
      clients: {},
      capabilities: {},
      concurrency: null,
      redis: { url: new Secret(url), prefix },
    };

    beforeAll(async () => {
      for (let i = 0; i < 2; i += 1) {
        const gateway = await startTestTessera({ scale: 'none', now: () => new Date(nowMs), config: { rateLimits: limits } });
        gateways.push(gateway);
        // Each gateway has its own development signing key: the same client, a token of each.
        tokens.push(await gateway.token({ ...FULL_ACCESS, client_id: 'portal' }));
      }
    });
    afterAll(async () => {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await deleteRedisKeys(url, prefix);
    });

    const send = async (i: number) => {
      const response = await gateways[i]!.request({ query: '{ __typename }' }, { authorization: `Bearer ${tokens[i]}` });
      return { status: response.status, limit: response.headers.get('ratelimit'), retryAfter: response.headers.get('retry-after') };
    };

    it('count one client together: 3 admitted across both, the 4th refused by either, with the same headers', async () => {
      expect([await send(0), await send(1), await send(0), await send(1), await send(0)]).toEqual([
        { status: 200, limit: '"client";r=2;t=20', retryAfter: null },
        { status: 200, limit: '"client";r=1;t=20', retryAfter: null },
        { status: 200, limit: '"client";r=0;t=20', retryAfter: null },
        { status: 429, limit: '"client";r=0;t=20', retryAfter: '20' },
        { status: 429, limit: '"client";r=0;t=20', retryAfter: '20' },
      ]);
      nowMs = START + 20_000;
      expect([await send(1), await send(0)]).toEqual([
        { status: 200, limit: '"client";r=0;t=20', retryAfter: null },
        { status: 429, limit: '"client";r=0;t=20', retryAfter: '20' },
      ]);
    });

    it('keep one key per client under the prefix, expiring when its TAT passes', async () => {
      const redis = new Redis(url);
      try {
        expect(await redisKeys(redis, prefix)).toEqual([`${prefix}client:portal`]);
        // TAT = now + 60 s on the gateways' clock: the key lives 60 s (less the real time since).
        const ttl = await redis.pttl(`${prefix}client:portal`);
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      } finally {
        redis.disconnect();
      }
      const metrics = await (await fetch(gateways[0]!.url.replace('/graphql', '/metrics'))).text();
      expect(metrics).toContain('tessera_rate_limit_store_errors_total 0');
    });
  });

  describe('the Redis script and the in-memory store', () => {
    const prefix = redisTestPrefix();
    const redisStore = createRedisStore({ url, prefix });
    afterAll(async () => {
      await redisStore.close();
      await deleteRedisKeys(url, prefix);
    });

    it('take the same steps on the same random timeline (property)', async () => {
      expect(await redisStore.ready(5000)).toBe(true);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({ count: fc.integer({ min: 1, max: 12 }), windowSeconds: fc.integer({ min: 1, max: 3600 }) }),
          fc.array(
            fc.record({
              key: fc.constantFrom('client:a', 'client:b', 'capability:erp.releaseInvoice:a'),
              afterMs: fc.integer({ min: 0, max: 20_000 }),
              cost: fc.integer({ min: 1, max: 4 }),
            }),
            { minLength: 1, maxLength: 40 },
          ),
          async (rule, timeline) => {
            run += 1;
            const memory = createMemoryStore();
            const parameters = gcraParameters(rule);
            let nowUs = START * 1000;
            const memorySteps = [];
            const redisSteps = [];
            for (const { key, afterMs, cost } of timeline) {
              nowUs += afterMs * 1000;
              memorySteps.push(await memory.take(key, nowUs, parameters, cost));
              redisSteps.push(await redisStore.take(`${run}:${key}`, nowUs, parameters, cost));
            }
            expect(redisSteps).toEqual(memorySteps);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe('a Redis that goes away while the gateway serves', () => {
    const prefix = redisTestPrefix();
    afterAll(() => deleteRedisKeys(url, prefix));

    it('fails open to local counts (still limiting), counts each failure, logs the outage once, and shares again when Redis is back', async () => {
      // A proxy in front of the real Redis, closed and reopened on the same port to cut the connection.
      const target = new URL(url);
      const sockets = new Set<net.Socket>();
      const proxy = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const port = (proxy.address() as net.AddressInfo).port;
      const logs = logSink();
      const metrics = new Metrics();
      let nowMs = START;
      const limiting = startRateLimiting({
        config: {
          client: { count: 2, windowSeconds: 60 },
          clients: {},
          capabilities: {},
          concurrency: null,
          redis: { url: new Secret(`redis://127.0.0.1:${port}`), prefix },
        },
        metrics,
        logger: createLogger('info', logs.stream),
        now: () => new Date(nowMs),
      })!;
      const admit = async (client: string) => (await limiting.limiter.admit(client)).refusal === null;
      const errors = async () => (await metrics.render()).split('\n').find((line) => line.startsWith(RATE_LIMIT_STORE_ERRORS));
      try {
        await limiting.ready();
        expect(await admit('portal')).toBe(true);

        // Cut: the proxy stops accepting and drops the connection.
        await new Promise<void>((resolve) => {
          proxy.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        // Counted locally from now on, and still limited: 2 admitted, the 3rd refused.
        expect([await admit('batch'), await admit('batch'), await admit('batch')]).toEqual([true, true, false]);
        expect(await errors()).toBe(`${RATE_LIMIT_STORE_ERRORS} 3`);
        const outage = logs.records.filter((r) => r.component === 'rateLimit').map((r) => [r.level, r.msg]);
        expect(outage).toEqual([
          [40, 'rate-limit store unavailable: limits are counted in this process until it answers (each replica admits up to the limit)'],
        ]);

        // Back: the same port again; the client reconnects in the background.
        proxy.listen(port, '127.0.0.1');
        nowMs = START + 3_600_000;
        await vi.waitFor(
          async () => {
            await admit('recovered');
            expect(logs.records.at(-1)?.msg).toBe('rate-limit store answers again: counters are shared by the gateway replicas again');
          },
          { timeout: 5000 },
        );
        const redis = new Redis(url);
        try {
          expect(await redisKeys(redis, prefix)).toContain(`${prefix}client:recovered`);
          expect(await redisKeys(redis, prefix)).not.toContain(`${prefix}client:batch`);
        } finally {
          redis.disconnect();
        }
      } finally {
        await limiting.close();
        await new Promise<void>((resolve) => {
          proxy.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
      }
    });
  });
});
