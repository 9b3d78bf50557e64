/**
 * Rate-limit state in Redis, shared by every gateway replica (docs/rate-limits.md#stores). One Lua
 * script applies the GCRA step (`gcra.ts`) atomically on the server: no read-modify-write race
 * between replicas. Each key expires when its TAT passes, so Redis holds only clients active within
 * one window. Commands never queue while Redis is away: they fail at once (the caller falls back).
 */
import { Redis } from 'ioredis';
import type { GcraParameters } from './gcra.ts';
import type { RateLimitStore } from './store.ts';

/**
 * `gcraStep` and `gcraTtlMs` in Lua (5.1, numbers are doubles: every value is a whole number of
 * microseconds below 2^53, so the arithmetic is exact). `%.0f` writes them without the exponent
 * notation `tostring` would use past 14 digits.
 * KEYS[1]: the key. ARGV: now (µs), interval (µs), capacity (µs), cost. Returns {1|0, TAT}.
 */
const GCRA_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval * cost
if nextTat - now > capacity then
  return {0, string.format('%.0f', tat)}
end
local ttl = math.ceil((nextTat - now) / 1000)
if ttl < 1 then ttl = 1 end
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', ttl)
return {1, string.format('%.0f', nextTat)}
`;

interface GcraCommand {
  tesseraGcra(key: string, nowUs: string, intervalUs: string, capacityUs: string, cost: string): Promise<[number, string]>;
}

export interface RedisStoreOptions {
  /** A `redis://` or `rediss://` URL. */
  readonly url: string;
  /** Prepended to every key (`TESSERA_RATE_LIMIT_REDIS_PREFIX`). */
  readonly prefix: string;
  /** How long one command may take before the caller falls back. @default 250 */
  readonly commandTimeoutMs?: number | undefined;
}

export function createRedisStore(
  options: RedisStoreOptions,
): RateLimitStore & { readonly redis: Redis; ready(timeoutMs: number): Promise<boolean> } {
  const redis = new Redis(options.url, {
    // A rate-limit answer that waits for a reconnect is worse than none: fail now, fall back, retry later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    // Reconnects in the background, backing off to every 2 s.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  // Connection errors surface as failed commands (counted and logged by the caller); without a
  // listener ioredis would print each reconnect attempt.
  redis.on('error', () => {});
  redis.defineCommand('tesseraGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });
  const command = redis as unknown as GcraCommand;
  const connected = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  return {
    redis,
    /** Whether the connection is up within `timeoutMs` (it keeps trying afterwards). */
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      const up = await Promise.race([connected.then(() => true), timeout]);
      clearTimeout(timer);
      return up;
    },
    async take(key: string, nowUs: number, parameters: GcraParameters, cost: number) {
      const [allowed, tat] = await command.tesseraGcra(
        options.prefix + key,
        String(nowUs),
        String(parameters.intervalUs),
        String(parameters.capacityUs),
        String(cost),
      );
      return { allowed: allowed === 1, tatUs: Number(tat) };
    },
    async close() {
      redis.disconnect();
    },
  };
}
