import type { Metrics } from '../../core/metrics.ts';

export const LIMIT_REFUSALS = 'tessera_limit_refusals_total';

/** What refused a request: a shape limit (`limitsPlugin`'s names), the cost budget, or the execution timeout. */
export type RefusalLimit =
  'depth' | 'height' | 'aliases' | 'rootFields' | 'tokens' | 'directivesPerField' | 'selections' | 'cost' | 'timeout';

/** Adds the refusal counter (docs/demand-control.md#metrics) to `metrics`, once. Returns `metrics`. */
export function defineLimitMetrics(metrics: Metrics): Metrics {
  if (metrics.has(LIMIT_REFUSALS)) return metrics;
  return metrics.defineCounter(
    LIMIT_REFUSALS,
    'Requests refused by an operation limit, the cost budget or the execution timeout, by limit.',
  );
}

/** Counts one refusal. */
export function countRefusal(metrics: Metrics, limit: RefusalLimit): void {
  metrics.increment(LIMIT_REFUSALS, { limit });
}
