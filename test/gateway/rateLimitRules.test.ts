/**
 * The parts of rate limiting that need no gateway (docs/rate-limits.md): the configuration, the
 * GCRA step and what it tells a client, the header syntax, and GCRA's guarantees as properties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRateLimitsConfig, type RateLimitRule } from '../../core/config/rateLimits.ts';
import { createConcurrencyLimiter } from '../../gateway/rateLimit/concurrency.ts';
import { gcraParameters, gcraStep, gcraVerdict } from '../../gateway/rateLimit/gcra.ts';
import { mergeRateLimitHeaders, rateLimitHeaders, sfString } from '../../gateway/rateLimit/headers.ts';
import { capabilityRule, createRateLimiter } from '../../gateway/rateLimit/rateLimiter.ts';
import { createMemoryStore } from '../../gateway/rateLimit/store.ts';

describe('readRateLimitsConfig', () => {
  it('is off in development and 600/60s with 20 in flight in production unless set', () => {
    expect(readRateLimitsConfig({}, 'development')).toEqual({
      client: null,
      clients: {},
      capabilities: {},
      concurrency: null,
      redis: undefined,
    });
    expect(readRateLimitsConfig({}, 'production')).toEqual({
      client: { count: 600, windowSeconds: 60 },
      clients: {},
      capabilities: {},
      concurrency: 20,
      redis: undefined,
    });
    expect(readRateLimitsConfig({ TESSERA_RATE_LIMIT: 'off', TESSERA_CONCURRENCY_LIMIT: 'off' }, 'production')).toMatchObject({
      client: null,
      concurrency: null,
    });
  });

  it('reads limits in s, m and h, per-client overrides, capability limits and the Redis settings', () => {
    const config = readRateLimitsConfig(
      {
        TESSERA_RATE_LIMIT: '100 / 1m',
        TESSERA_RATE_LIMIT_CLIENTS: 'portal=10000/1h, batch=off',
        TESSERA_RATE_LIMIT_CAPABILITIES: 'erp.releaseInvoice=10/60s,createOpportunity=2/1s',
        TESSERA_CONCURRENCY_LIMIT: '5',
        TESSERA_RATE_LIMIT_REDIS_URL: 'redis://:s3cret@redis.internal:6379/2',
        TESSERA_RATE_LIMIT_REDIS_PREFIX: 'eu1:rl:',
      },
      'development',
    );
    expect({ ...config, redis: { ...config.redis, url: config.redis?.url.reveal() } }).toEqual({
      client: { count: 100, windowSeconds: 60 },
      clients: { portal: { count: 10_000, windowSeconds: 3600 }, batch: null },
      capabilities: { 'erp.releaseInvoice': { count: 10, windowSeconds: 60 }, createOpportunity: { count: 2, windowSeconds: 1 } },
      concurrency: 5,
      redis: { url: 'redis://:s3cret@redis.internal:6379/2', prefix: 'eu1:rl:' },
    });
    // The URL may carry a password: it never prints.
    expect(JSON.stringify(config)).not.toContain('s3cret');
    expect(readRateLimitsConfig({ TESSERA_RATE_LIMIT_REDIS_URL: 'rediss://cache:6380' }, 'production').redis?.prefix).toBe(
      'tessera:ratelimit:',
    );
  });

  it('refuses a Redis password in clear to another host in production, and allows it over TLS or on the loopback', () => {
    const url = 'redis://:s3cret@redis.internal:6379/2';
    expect(() => readRateLimitsConfig({ TESSERA_RATE_LIMIT_REDIS_URL: url }, 'production')).toThrow(
      new TypeError(
        'TESSERA_RATE_LIMIT_REDIS_URL carries credentials over plain redis:// to another host: use rediss:// when TESSERA_ENV=production',
      ),
    );
    expect(readRateLimitsConfig({ TESSERA_RATE_LIMIT_REDIS_URL: url.replace('redis:', 'rediss:') }, 'production').redis).toBeDefined();
    expect(readRateLimitsConfig({ TESSERA_RATE_LIMIT_REDIS_URL: 'redis://:s3cret@127.0.0.1:6379' }, 'production').redis).toBeDefined();
    expect(readRateLimitsConfig({ TESSERA_RATE_LIMIT_REDIS_URL: 'redis://redis.internal:6379' }, 'production').redis).toBeDefined();
  });

  it.each([
    [
      { TESSERA_RATE_LIMIT: '600' },
      'TESSERA_RATE_LIMIT: a limit is <count>/<window> with a positive count and a window of 1s to 24h in s, m or h (600/60s), or off; got "600"',
    ],
    [
      { TESSERA_RATE_LIMIT: '0/60s' },
      'TESSERA_RATE_LIMIT: a limit is <count>/<window> with a positive count and a window of 1s to 24h in s, m or h (600/60s), or off; got "0/60s"',
    ],
    [
      { TESSERA_RATE_LIMIT: '10/2d' },
      'TESSERA_RATE_LIMIT: a limit is <count>/<window> with a positive count and a window of 1s to 24h in s, m or h (600/60s), or off; got "10/2d"',
    ],
    [
      { TESSERA_RATE_LIMIT: '10/25h' },
      'TESSERA_RATE_LIMIT: a limit is <count>/<window> with a positive count and a window of 1s to 24h in s, m or h (600/60s), or off; got "10/25h"',
    ],
    [{ TESSERA_RATE_LIMIT_CLIENTS: 'portal' }, 'TESSERA_RATE_LIMIT_CLIENTS must be name=limit pairs separated by commas; got "portal"'],
    [{ TESSERA_RATE_LIMIT_CLIENTS: 'a=1/1s,a=2/1s' }, 'TESSERA_RATE_LIMIT_CLIENTS names "a" twice'],
    [
      { TESSERA_RATE_LIMIT_CAPABILITIES: 'releaseInvoice=off' },
      'TESSERA_RATE_LIMIT_CAPABILITIES lists limits only (leave a capability out for none); got "off"',
    ],
    [{ TESSERA_CONCURRENCY_LIMIT: '0' }, 'TESSERA_CONCURRENCY_LIMIT must be a positive integer or off; got "0"'],
    [{ TESSERA_RATE_LIMIT_REDIS_URL: 'http://:pw@cache:6379' }, 'TESSERA_RATE_LIMIT_REDIS_URL must be a redis:// or rediss:// URL'],
    [{ TESSERA_RATE_LIMIT_REDIS_PREFIX: 'x:' }, 'TESSERA_RATE_LIMIT_REDIS_PREFIX needs TESSERA_RATE_LIMIT_REDIS_URL'],
    [
      { TESSERA_RATE_LIMIT_REDIS_URL: 'redis://cache', TESSERA_RATE_LIMIT_REDIS_PREFIX: 'a b' },
      'TESSERA_RATE_LIMIT_REDIS_PREFIX must be 1 to 64 letters, digits, :, _, . or -; got "a b"',
    ],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => readRateLimitsConfig(env, 'development')).toThrow(new TypeError(message));
  });
});

describe('the GCRA step and its verdict', () => {
  const rule: RateLimitRule = { count: 3, windowSeconds: 60 };
  const parameters = gcraParameters(rule);
  const at = (seconds: number) => 1_800_000_000_000_000 + seconds * 1_000_000;

  it('spaces requests window/count apart with a burst of count, and tells remaining, t and Retry-After exactly', () => {
    expect(parameters).toEqual({ intervalUs: 20_000_000, capacityUs: 60_000_000 });
    let tat: number | undefined;
    const verdicts = [];
    for (const seconds of [0, 0, 0, 0, 19.5, 20, 45]) {
      const step = gcraStep(tat, at(seconds), parameters, 1);
      if (step.allowed) tat = step.tatUs;
      verdicts.push(gcraVerdict(step, at(seconds), parameters, 1));
    }
    expect(verdicts).toEqual([
      { allowed: true, remaining: 2, resetSeconds: 20, retryAfterSeconds: 0 },
      { allowed: true, remaining: 1, resetSeconds: 20, retryAfterSeconds: 0 },
      { allowed: true, remaining: 0, resetSeconds: 20, retryAfterSeconds: 0 },
      { allowed: false, remaining: 0, resetSeconds: 20, retryAfterSeconds: 20 },
      { allowed: false, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1 },
      { allowed: true, remaining: 0, resetSeconds: 20, retryAfterSeconds: 0 },
      // 25 s later one unit came back (and 5 s of the next): one left after this one, the next in 15 s.
      { allowed: true, remaining: 0, resetSeconds: 15, retryAfterSeconds: 0 },
    ]);
  });

  it('rounds the interval up so that a count that does not divide the window is never exceeded', () => {
    expect(gcraParameters({ count: 7, windowSeconds: 60 })).toEqual({ intervalUs: 8_571_429, capacityUs: 60_000_003 });
    let tat: number | undefined;
    let admitted = 0;
    for (let i = 0; i < 10; i += 1) {
      const step = gcraStep(tat, at(0), gcraParameters({ count: 7, windowSeconds: 60 }), 1);
      if (step.allowed) [tat, admitted] = [step.tatUs, admitted + 1];
    }
    expect(admitted).toBe(7);
  });

  const rules = fc.record({ count: fc.integer({ min: 1, max: 20 }), windowSeconds: fc.integer({ min: 1, max: 600 }) });
  const timelines = fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 30_000 }), cost: fc.integer({ min: 1, max: 3 }) }), {
    minLength: 1,
    maxLength: 60,
  });

  it('never admits more than count + elapsed / interval units in any stretch of time (property)', () => {
    fc.assert(
      fc.property(rules, timelines, (limit, timeline) => {
        const p = gcraParameters(limit);
        let now = at(0);
        let tat: number | undefined;
        const admitted: { at: number; cost: number }[] = [];
        for (const { afterMs, cost } of timeline) {
          now += afterMs * 1000;
          const step = gcraStep(tat, now, p, cost);
          if (step.allowed) {
            tat = step.tatUs;
            admitted.push({ at: now, cost });
          }
        }
        for (let i = 0; i < admitted.length; i += 1) {
          for (let j = i; j < admitted.length; j += 1) {
            const units = admitted.slice(i, j + 1).reduce((sum, a) => sum + a.cost, 0);
            expect(units).toBeLessThanOrEqual(limit.count + Math.floor((admitted[j]!.at - admitted[i]!.at) / p.intervalUs));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('admits a refused request exactly Retry-After seconds later, and not 1 µs before the exact moment (property)', () => {
    fc.assert(
      fc.property(rules, timelines, fc.integer({ min: 1, max: 3 }), (limit, timeline, cost) => {
        fc.pre(cost <= limit.count);
        const p = gcraParameters(limit);
        let now = at(0);
        let tat: number | undefined;
        for (const step of timeline) {
          now += step.afterMs * 1000;
          const taken = gcraStep(tat, now, p, step.cost);
          if (taken.allowed) tat = taken.tatUs;
        }
        const step = gcraStep(tat, now, p, cost);
        const verdict = gcraVerdict(step, now, p, cost);
        if (step.allowed) return;
        const exactUs = step.tatUs + cost * p.intervalUs - p.capacityUs - now;
        expect(verdict.retryAfterSeconds).toBe(Math.max(1, Math.ceil(exactUs / 1_000_000)));
        expect(gcraStep(tat, now + exactUs - 1, p, cost).allowed).toBe(false);
        expect(gcraStep(tat, now + verdict.retryAfterSeconds * 1_000_000, p, cost).allowed).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('the memory store keeps only keys whose TAT is still ahead', async () => {
    const store = createMemoryStore();
    const p = gcraParameters({ count: 1, windowSeconds: 1 });
    for (let i = 0; i < 1023; i += 1) await store.take(`client:${i}`, at(0), p, 1);
    expect(store.size()).toBe(1023);
    // The 1024th step sweeps: every earlier key's TAT (1 s) has passed 2 s later.
    await store.take('client:late', at(2), p, 1);
    expect(store.size()).toBe(1);
  });
});

describe('the concurrency limiter', () => {
  it('counts per client, releases once however often release is called, and forgets idle clients', () => {
    const limiter = createConcurrencyLimiter(2);
    const a = limiter.acquire('portal');
    const b = limiter.acquire('portal');
    expect([a !== null, b !== null, limiter.acquire('portal'), limiter.inFlight('portal')]).toEqual([true, true, null, 2]);
    a!();
    a!();
    expect(limiter.inFlight('portal')).toBe(1);
    b!();
    expect(limiter.inFlight('portal')).toBe(0);
    expect(limiter.acquire('other')).not.toBeNull();
  });
});

describe('the RateLimit header fields', () => {
  it('writes Structured Field lists of String items with their parameters', () => {
    expect(
      rateLimitHeaders(
        [
          { name: 'client', quota: 600, windowSeconds: 60 },
          { name: 'concurrency', quota: 20, unit: 'concurrent-requests' },
        ],
        [
          { name: 'client', remaining: 599, resetSeconds: 1 },
          { name: 'concurrency', remaining: 19 },
        ],
      ),
    ).toEqual({
      'ratelimit-policy': '"client";q=600;w=60, "concurrency";q=20;qu="concurrent-requests"',
      ratelimit: '"client";r=599;t=1, "concurrency";r=19',
    });
    expect(rateLimitHeaders([], [])).toEqual({});
    expect(sfString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(() => sfString('é')).toThrow(TypeError);
  });

  it('joins the lists of the HTTP layer and of the capability plugin, and replaces anything else', () => {
    expect(
      mergeRateLimitHeaders(
        { ratelimit: '"capability:erp.releaseInvoice";r=9;t=6', 'content-type': 'application/json' },
        { ratelimit: '"client";r=599;t=1', 'retry-after': '6' },
      ),
    ).toEqual({
      ratelimit: '"client";r=599;t=1, "capability:erp.releaseInvoice";r=9;t=6',
      'content-type': 'application/json',
      'retry-after': '6',
    });
  });

  it('finds a capability rule by full name first, then by the name without its system', () => {
    const rules = { 'erp.releaseInvoice': { count: 1, windowSeconds: 1 }, releaseInvoice: { count: 2, windowSeconds: 2 } };
    expect(capabilityRule(rules, 'erp.releaseInvoice')).toEqual({ count: 1, windowSeconds: 1 });
    expect(capabilityRule(rules, 'psa.releaseInvoice')).toEqual({ count: 2, windowSeconds: 2 });
    expect(capabilityRule(rules, 'erp.recordPayment')).toBeNull();
  });
});

describe('createRateLimiter', () => {
  const START_MS = Date.UTC(2026, 11, 7, 1, 0, 0);

  it('refuses an operation calling a capability more times than its whole limit without spending any of it', async () => {
    let nowMs = START_MS;
    const refusals: string[] = [];
    const limiter = createRateLimiter({
      config: { client: null, clients: {}, capabilities: { 'erp.releaseInvoice': { count: 2, windowSeconds: 60 } }, concurrency: null },
      store: createMemoryStore(),
      now: () => nowMs,
      onRefusal: (limit) => refusals.push(limit),
    });
    const tooMany = await limiter.capabilities('portal', new Map([['erp.releaseInvoice', 3]]));
    expect(tooMany).toEqual({
      refusal: {
        status: 429,
        headers: {
          'ratelimit-policy': '"capability:erp.releaseInvoice";q=2;w=60',
          ratelimit: '"capability:erp.releaseInvoice";r=2;t=60',
          'retry-after': '60',
        },
        error: {
          message: 'This operation calls erp.releaseInvoice 3 times; this client may call it 2 per 60 s. Split the operation.',
          extensions: { code: 'RATE_LIMITED', limit: 'capability', retryAfter: 60 },
        },
      },
      headers: { 'ratelimit-policy': '"capability:erp.releaseInvoice";q=2;w=60', ratelimit: '"capability:erp.releaseInvoice";r=2;t=60' },
    });
    // Nothing was spent: the two allowed calls still pass.
    nowMs += 1;
    const two = await limiter.capabilities('portal', new Map([['erp.releaseInvoice', 2]]));
    expect([two.refusal, two.headers.ratelimit]).toEqual([null, '"capability:erp.releaseInvoice";r=0;t=30']);
    // A capability without a rule adds nothing.
    expect(await limiter.capabilities('portal', new Map([['erp.recordPayment', 1]]))).toEqual({ refusal: null, headers: {} });
    expect(refusals).toEqual(['capability']);
  });

  it('frees the concurrency slot of a request its rate limit refused, and reports both limits', async () => {
    const limiter = createRateLimiter({
      config: { client: { count: 1, windowSeconds: 10 }, clients: {}, capabilities: {}, concurrency: 2 },
      store: createMemoryStore(),
      now: () => START_MS,
    });
    const first = await limiter.admit('portal');
    expect([first.refusal, first.headers]).toEqual([
      null,
      {
        'ratelimit-policy': '"client";q=1;w=10, "concurrency";q=2;qu="concurrent-requests"',
        ratelimit: '"client";r=0;t=10, "concurrency";r=1',
      },
    ]);
    const second = await limiter.admit('portal');
    expect([second.refusal?.error.extensions.limit, second.headers.ratelimit]).toEqual(['client', '"client";r=0;t=10, "concurrency";r=1']);
    first.release();
    const third = await limiter.admit('portal');
    expect(third.headers.ratelimit).toBe('"client";r=0;t=10, "concurrency";r=2');
  });
});
