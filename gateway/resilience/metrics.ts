/**
 * The metrics of subgraph calls (docs/metrics.md): latency per subgraph, unavailable answers by
 * reason, and each subgraph's circuit state. Labels are subgraph names and the fixed reasons of
 * `failure.ts`, a bounded set.
 */
import type { Metrics } from '../../core/metrics.ts';

export const SUBGRAPH_DURATION = 'tessera_subgraph_request_duration_seconds';
export const SUBGRAPH_ERRORS = 'tessera_subgraph_errors_total';
export const BREAKER_STATE = 'tessera_subgraph_breaker_state';

/** Seconds: a subgraph call in process takes a millisecond, one over a slow network several seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Defines the families once per registry (several gateways in one process may share it). */
export function defineSubgraphMetrics(metrics: Metrics): Metrics {
  if (!metrics.has(SUBGRAPH_DURATION)) {
    metrics.defineHistogram(SUBGRAPH_DURATION, 'Duration of each subgraph call (each attempt), by subgraph.', DURATION_BUCKETS);
  }
  if (!metrics.has(SUBGRAPH_ERRORS)) {
    metrics.defineCounter(SUBGRAPH_ERRORS, 'Subgraph calls without a usable answer, by subgraph and reason.');
  }
  if (!metrics.has(BREAKER_STATE)) {
    metrics.defineGauge(BREAKER_STATE, "Each subgraph's circuit: 0 closed, 1 half-open (one probe), 2 open (failing fast).");
  }
  return metrics;
}
