import type { Metrics } from '../../core/metrics.ts';

/**
 * Adds the usage recorder's counters (docs/metrics.md#prometheus-metrics) to `metrics`, once (a
 * second call is a no-op). Returns `metrics`.
 */
export function defineUsageMetrics(metrics: Metrics): Metrics {
  if (metrics.has('tessera_usage_operations_recorded_total')) return metrics;
  return metrics
    .defineCounter('tessera_usage_operations_recorded_total', 'Sampled operations whose schema coordinates were recorded as usage.')
    .defineCounter(
      'tessera_usage_operations_dropped_total',
      'Sampled operations not recorded: the queue waiting for analysis was full, or the analysis failed.',
    )
    .defineCounter(
      'tessera_usage_entries_dropped_total',
      'Usage entries (client, coordinate) discarded because the buffer was full while the sink was slow or failing.',
    )
    .defineCounter('tessera_usage_flush_failures_total', 'Usage batches the sink refused or failed to take.');
}
