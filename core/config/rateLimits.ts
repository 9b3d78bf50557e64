/**
 * Rate limits, quotas and concurrency caps (docs/rate-limits.md#configuration):
 * - `TESSERA_RATE_LIMIT` (`off` in development, `600/60s` in production): requests per window per client,
 *   `<count>/<window>` with the window in `s`, `m` or `h` (`600/60s`, `10000/1h`), or `off`.
 * - `TESSERA_RATE_LIMIT_CLIENTS` (none): per-client overrides, `client=600/60s,batch=off`, keyed by the
 *   verified token's `client_id` (`anonymous` for requests without a token, `unidentified` for tokens without one).
 * - `TESSERA_RATE_LIMIT_CAPABILITIES` (none): per-capability limits for each client, `erp.releaseInvoice=10/60s`;
 *   a name without its system (`releaseInvoice=10/60s`) applies to every capability of that name.
 * - `TESSERA_CONCURRENCY_LIMIT` (`off` in development, 20 in production): in-flight requests per client per gateway process.
 * - `TESSERA_RATE_LIMIT_REDIS_URL` (unset: counters in process memory): a `redis://` or `rediss://` URL whose
 *   server holds the counters every gateway replica shares (kept as a `Secret`: it may carry a password).
 * - `TESSERA_RATE_LIMIT_REDIS_PREFIX` (`tessera:ratelimit:`): the prefix of every key the limiter writes.
 */
import { Secret } from './secret.ts';
import { isLoopbackHost } from './parse.ts';

/** `count` requests (or calls) per `windowSeconds`, refilled continuously (docs/rate-limits.md#algorithm). */
export interface RateLimitRule {
  readonly count: number;
  readonly windowSeconds: number;
}

export interface RateLimitsConfig {
  /** `TESSERA_RATE_LIMIT`: every client's limit unless overridden; null when `off`. */
  readonly client: RateLimitRule | null;
  /** `TESSERA_RATE_LIMIT_CLIENTS`: limits by client id; null turns a client's limit off. */
  readonly clients: Readonly<Record<string, RateLimitRule | null>>;
  /** `TESSERA_RATE_LIMIT_CAPABILITIES`: limits by capability name (`erp.releaseInvoice` or `releaseInvoice`). */
  readonly capabilities: Readonly<Record<string, RateLimitRule>>;
  /** `TESSERA_CONCURRENCY_LIMIT`: in-flight requests per client; null when `off`. */
  readonly concurrency: number | null;
  /** `TESSERA_RATE_LIMIT_REDIS_URL` and its prefix; undefined keeps the counters in memory. */
  readonly redis: RateLimitRedisConfig | undefined;
}

export interface RateLimitRedisConfig {
  readonly url: Secret;
  /** `TESSERA_RATE_LIMIT_REDIS_PREFIX` @default 'tessera:ratelimit:' */
  readonly prefix: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const RULE = /^(\d+)\s*\/\s*(\d+)\s*(s|m|h)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;
/** A day: a longer window is a quota a restart-free in-memory counter should not pretend to keep. */
const MAX_WINDOW_SECONDS = 86_400;
const PAIR = /^([^=,\s]+)\s*=\s*(.+)$/;
const PREFIX = /^[A-Za-z0-9:_.-]{1,64}$/;

export function readRateLimitsConfig(env: Env, tesseraEnv: 'development' | 'production'): RateLimitsConfig {
  const production = tesseraEnv === 'production';
  const client = ruleOrOff('TESSERA_RATE_LIMIT', env.TESSERA_RATE_LIMIT?.trim() || (production ? '600/60s' : 'off'));
  const clients = pairs('TESSERA_RATE_LIMIT_CLIENTS', env, (value) => ruleOrOff('TESSERA_RATE_LIMIT_CLIENTS', value));
  const capabilities = pairs('TESSERA_RATE_LIMIT_CAPABILITIES', env, (value) => {
    const rule = ruleOrOff('TESSERA_RATE_LIMIT_CAPABILITIES', value);
    if (!rule) throw new TypeError(`TESSERA_RATE_LIMIT_CAPABILITIES lists limits only (leave a capability out for none); got "off"`);
    return rule;
  });
  return Object.freeze({
    client,
    clients,
    capabilities,
    concurrency: concurrency(env.TESSERA_CONCURRENCY_LIMIT?.trim() || (production ? '20' : 'off')),
    redis: redisConfig(env, production),
  });
}

/** `<count>/<window>` (`600/60s`) or `off` (null); anything else a TypeError naming the variable. */
export function ruleOrOff(key: string, raw: string): RateLimitRule | null {
  if (raw === 'off') return null;
  const match = RULE.exec(raw);
  const count = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]) * UNIT_SECONDS[(match?.[3] ?? 's') as keyof typeof UNIT_SECONDS];
  if (!match || !Number.isSafeInteger(count) || count <= 0 || !(windowSeconds > 0) || windowSeconds > MAX_WINDOW_SECONDS) {
    throw new TypeError(
      `${key}: a limit is <count>/<window> with a positive count and a window of 1s to 24h in s, m or h (600/60s), or off; got ${JSON.stringify(raw)}`,
    );
  }
  return Object.freeze({ count, windowSeconds });
}

/** `name=value,name2=value`: each name once. */
function pairs<T>(key: string, env: Env, parse: (value: string) => T): Readonly<Record<string, T>> {
  const raw = env[key]?.trim();
  const result: Record<string, T> = {};
  if (!raw) return Object.freeze(result);
  for (const entry of raw.split(',')) {
    const match = PAIR.exec(entry.trim());
    if (!match) throw new TypeError(`${key} must be name=limit pairs separated by commas; got ${JSON.stringify(entry.trim())}`);
    const name = match[1]!;
    if (Object.hasOwn(result, name)) throw new TypeError(`${key} names ${JSON.stringify(name)} twice`);
    result[name] = parse(match[2]!.trim());
  }
  return Object.freeze(result);
}

function concurrency(raw: string): number | null {
  if (raw === 'off') return null;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`TESSERA_CONCURRENCY_LIMIT must be a positive integer or off; got ${JSON.stringify(raw)}`);
  }
  return value;
}

function redisConfig(env: Env, production: boolean): RateLimitRedisConfig | undefined {
  const raw = env.TESSERA_RATE_LIMIT_REDIS_URL?.trim();
  const prefix = env.TESSERA_RATE_LIMIT_REDIS_PREFIX?.trim() || 'tessera:ratelimit:';
  if (!raw) {
    if (env.TESSERA_RATE_LIMIT_REDIS_PREFIX?.trim())
      throw new TypeError('TESSERA_RATE_LIMIT_REDIS_PREFIX needs TESSERA_RATE_LIMIT_REDIS_URL');
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  // The message never repeats the value: it may carry a password.
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    throw new TypeError('TESSERA_RATE_LIMIT_REDIS_URL must be a redis:// or rediss:// URL');
  }
  // A password in a redis:// URL to another machine would travel in clear (docs/rate-limits.md#stores).
  if (production && url.protocol === 'redis:' && (url.username || url.password) && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      'TESSERA_RATE_LIMIT_REDIS_URL carries credentials over plain redis:// to another host: use rediss:// when TESSERA_ENV=production',
    );
  }
  if (!PREFIX.test(prefix)) {
    throw new TypeError(`TESSERA_RATE_LIMIT_REDIS_PREFIX must be 1 to 64 letters, digits, :, _, . or -; got ${JSON.stringify(prefix)}`);
  }
  return Object.freeze({ url: new Secret(raw), prefix });
}

/**
 * The Redis server the suites named `*.redis.test.ts` run against (CI sets it); undefined means those
 * suites skip with a message. Each suite uses its own key prefix and deletes its keys.
 */
export function testRedisUrl(env: Env = process.env): string | undefined {
  const url = env.TESSERA_TEST_REDIS_URL?.trim();
  if (!url) return undefined;
  if (!/^rediss?:\/\/[^/]/.test(url)) throw new TypeError('TESSERA_TEST_REDIS_URL must be a redis:// URL');
  return url;
}
