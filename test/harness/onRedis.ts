import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { testRedisUrl } from '../../core/config/rateLimits.ts';

/**
 * Runs a suite against the Redis server named by `TESSERA_TEST_REDIS_URL`; otherwise registers it
 * as skipped and says why. CI sets the variable and fails when a Redis suite skipped. Each suite
 * writes under its own key prefix (`redisTestPrefix`) and deletes its keys (`deleteRedisKeys`).
 */
export function onRedis(suite: string, run: (url: string) => void): void {
  const url = testRedisUrl();
  if (url) {
    run(url);
    return;
  }
  describe.skip(`${suite} on Redis`, () => {
    it('needs TESSERA_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379)', () => {});
  });
  console.warn(`Redis suite "${suite}" skipped: set TESSERA_TEST_REDIS_URL to run it.`);
}

/** A key prefix no other test uses: `t`, 10 hex digits and `:`. */
export function redisTestPrefix(): string {
  return `t${randomBytes(5).toString('hex')}:`;
}

/** Deletes every key under `prefix`; resolves with how many there were. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const keys = await redisKeys(redis, prefix);
    if (keys.length > 0) await redis.del(...keys);
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

/** The keys under `prefix`, by SCAN (never KEYS, which blocks a shared server). */
export async function redisKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}
