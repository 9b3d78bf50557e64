/**
 * Retry delays (docs/events.md#delivery): exponential backoff with full jitter. The n-th failed
 * attempt (n from 1) waits a uniformly random time in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))),
 * so consumers that failed together do not all come back at once.
 */
import type { RetryPolicy } from './transport.ts';

/** The upper bound of the delay after failed attempt `attempt` (1 for the first delivery). */
export function retryCeiling(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** The delay after failed attempt `attempt`, from `random` in [0, 1). Whole milliseconds. */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = retryCeiling(policy, attempt);
  return Math.min(ceiling, Math.floor(random() * ceiling));
}
