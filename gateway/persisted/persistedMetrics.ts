/**
 * The metrics of persisted operations (docs/persisted-operations.md#metrics): how requests naming an
 * operation id (and required clients' free text) were resolved, and how many operations are safelisted.
 */
import type { Metrics } from '../../core/metrics.ts';

export const PERSISTED_OPERATIONS = 'tessera_persisted_operations_total';
export const SAFELISTED_OPERATIONS = 'tessera_persisted_operations_safelisted';

/**
 * How a request was resolved: run from a safelist (`safelist`), from the APQ cache (`apq_hit`),
 * registered in it (`apq_register`), or refused (`not_found`, `not_supported`, `not_allowed`,
 * `bad_request`).
 */
export type PersistedOutcome = 'safelist' | 'apq_hit' | 'apq_register' | 'not_found' | 'not_supported' | 'not_allowed' | 'bad_request';

/** Adds the counter and the gauge to `metrics`, once. Returns `metrics`. */
export function definePersistedMetrics(metrics: Metrics): Metrics {
  if (metrics.has(PERSISTED_OPERATIONS)) return metrics;
  return metrics
    .defineCounter(PERSISTED_OPERATIONS, 'Requests naming a persisted operation (or free text of a required client), by outcome.')
    .defineGauge(SAFELISTED_OPERATIONS, 'Distinct operations in the safelists (the manifest file and the registry).');
}
