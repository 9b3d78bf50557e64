import type { Metrics } from '../../core/metrics.ts';
import type { LimitKind } from './rateLimiter.ts';

export const RATE_LIMIT_REFUSALS = 'tessera_rate_limit_refusals_total';
export const RATE_LIMIT_STORE_ERRORS = 'tessera_rate_limit_store_errors_total';

const LIMITS: readonly LimitKind[] = ['client', 'capability', 'concurrency'];

/**
 * Adds the rate-limit metrics (docs/rate-limits.md#metrics) to `metrics`, each series at 0 so a
 * dashboard sees it before the first refusal; a second call is a no-op. Returns `metrics`.
 */
export function defineRateLimitMetrics(metrics: Metrics): Metrics {
  if (metrics.has(RATE_LIMIT_REFUSALS)) return metrics;
  metrics
    .defineCounter(
      RATE_LIMIT_REFUSALS,
      'Requests refused with 429 RATE_LIMITED, by the limit that refused them (client, capability, concurrency).',
    )
    .defineCounter(
      RATE_LIMIT_STORE_ERRORS,
      'Rate-limit steps the shared store (Redis) could not answer; each was counted in the process instead.',
    );
  for (const limit of LIMITS) metrics.increment(RATE_LIMIT_REFUSALS, { limit }, 0);
  metrics.increment(RATE_LIMIT_STORE_ERRORS, {}, 0);
  return metrics;
}
