import type { Metrics } from '../../core/metrics.ts';
import type { OperationCost } from './costPlugin.ts';

/** Cost buckets: the README's queries cost tens to hundreds; the default budget is 100000. */
export const COST_BUCKETS: readonly number[] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 100_000];

export const COST_ESTIMATED = 'tessera_operation_cost_estimated';
export const COST_ACTUAL = 'tessera_operation_cost_actual';

/** Adds the cost histograms (docs/demand-control.md#metrics) to `metrics`, once. Returns `metrics`. */
export function defineCostMetrics(metrics: Metrics): Metrics {
  if (metrics.has(COST_ESTIMATED)) return metrics;
  return metrics
    .defineHistogram(COST_ESTIMATED, 'Estimated (static) cost of each operation, by client.', COST_BUCKETS)
    .defineHistogram(COST_ACTUAL, 'Actual cost of each operation, from the data it returned, by client.', COST_BUCKETS);
}

/** Records one operation's cost. */
export function recordCost(metrics: Metrics, client: string, cost: OperationCost): void {
  metrics.observe(COST_ESTIMATED, { client }, cost.estimated);
  metrics.observe(COST_ACTUAL, { client }, cost.actual);
}
