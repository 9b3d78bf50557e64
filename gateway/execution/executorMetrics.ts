import type { Metrics } from '../../core/metrics.ts';
import type { ExecutedBy } from './planExecutor.ts';

export const EXECUTOR_REQUESTS = 'tessera_executor_requests_total';

/**
 * Counts which executor ran each request (docs/executor.md#fallback): `engine="plan"`, or
 * `engine="apollo"` with the `reason` the plan executor passed it on (`defer`, `subscription`,
 * `context_rewrites`). With `TESSERA_GATEWAY_EXECUTOR=apollo` nothing is counted.
 */
export function executorCounter(metrics: Metrics): (by: ExecutedBy) => void {
  if (!metrics.has(EXECUTOR_REQUESTS)) {
    metrics.defineCounter(EXECUTOR_REQUESTS, 'Requests by the engine that executed their query plan, and why not the plan executor.');
  }
  return (by) => metrics.increment(EXECUTOR_REQUESTS, { engine: by.engine, reason: by.engine === 'plan' ? '' : by.reason });
}
