/**
 * Rate limiting as a gateway process runs it (docs/rate-limits.md): the store the configuration
 * asks for (memory, or Redis with the in-process fallback), the limiter over it, its metrics.
 * Nothing at all when every limit is off, so an unlimited gateway pays nothing per request.
 */
import type { RateLimitsConfig } from '../../core/config/rateLimits.ts';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { createFallbackStore } from './fallbackStore.ts';
import { defineRateLimitMetrics, RATE_LIMIT_REFUSALS, RATE_LIMIT_STORE_ERRORS } from './metrics.ts';
import { createRateLimiter, type RateLimiter } from './rateLimiter.ts';
import { createRedisStore } from './redisStore.ts';
import { createMemoryStore, type RateLimitStore } from './store.ts';

export interface RateLimiting {
  readonly limiter: RateLimiter;
  /**
   * Resolves once Redis is connected, or after `REDIS_START_WAIT_MS` without it (logged): the first
   * requests are then shared too, and a Redis that is down delays the start by that much only.
   */
  ready(): Promise<void>;
  /** Closes the store (the Redis connection); call at shutdown. */
  close(): Promise<void>;
}

/** How long a starting gateway waits for Redis before it serves with local counts. */
const REDIS_START_WAIT_MS = 1000;

export interface RateLimitingOptions {
  readonly config: RateLimitsConfig;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The gateway's clock. @default () => new Date() */
  readonly now?: (() => Date) | undefined;
}

export function startRateLimiting(options: RateLimitingOptions): RateLimiting | null {
  const { config, metrics } = options;
  const any = config.client !== null || Object.values(config.clients).some((rule) => rule !== null);
  if (!any && config.concurrency === null && Object.keys(config.capabilities).length === 0) return null;
  defineRateLimitMetrics(metrics);
  const logger = options.logger.child({ component: 'rateLimit' });
  const redis = config.redis ? createRedisStore({ url: config.redis.url.reveal(), prefix: config.redis.prefix }) : null;
  const store: RateLimitStore = redis
    ? createFallbackStore({ shared: redis, logger, onError: () => metrics.increment(RATE_LIMIT_STORE_ERRORS, {}) })
    : createMemoryStore();
  const now = options.now;
  const limiter = createRateLimiter({
    config,
    store,
    now: now ? () => now().getTime() : Date.now,
    onRefusal: (limit) => metrics.increment(RATE_LIMIT_REFUSALS, { limit }),
  });
  return {
    limiter,
    async ready() {
      if (!redis || (await redis.ready(REDIS_START_WAIT_MS))) return;
      logger.warn(
        { waitedMs: REDIS_START_WAIT_MS },
        'rate-limit store not connected yet: serving with counts in this process until it answers',
      );
    },
    close: () => store.close(),
  };
}
