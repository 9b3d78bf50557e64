/**
 * When a vendor call is sent again, and after how long (docs/connectors.md#retries): exponential
 * backoff with full jitter (the n-th retry waits a uniformly random time below
 * min(maxDelayMs, baseDelayMs × 2^(n-1))), or the vendor's own `Retry-After` when it gives one
 * (seconds or an HTTP date), capped by maxDelayMs. Only a request that is safe to send twice is
 * retried after a failure whose effect is unknown; a refusal that guarantees nothing happened
 * (429, the vendor's rate-limit code, 401 before one token refresh) is retried whatever the method.
 */
export interface RetryPolicy {
  /** Further attempts after the first. @default 3 */
  readonly retries: number;
  /** @default 200 */
  readonly baseDelayMs: number;
  /** @default 10000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ retries: 3, baseDelayMs: 200, maxDelayMs: 10_000 });

/** The delay before retry `retry` (1 for the first), from `random` in [0, 1), or `Retry-After` when given. */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number, retryAfter: string | null, now: number): number {
  const after = retryAfterMs(retryAfter, now);
  if (after !== null) return Math.min(policy.maxDelayMs, after);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
