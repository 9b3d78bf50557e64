/**
 * The webhooks' Prometheus metrics (docs/processes.md#webhooks): deliveries by outcome, retries,
 * and the depth of the webhook dead-letter queue. Label values are a fixed set (no ids, no URLs).
 */
import type { Metrics } from '../../../core/metrics.ts';

export type WebhookOutcome = 'delivered' | 'failed' | 'dead_lettered' | 'filtered';

export interface WebhookMetrics {
  delivery(outcome: WebhookOutcome): void;
  retry(): void;
  deadLetterDepth(depth: number): void;
}

export const NO_WEBHOOK_METRICS: WebhookMetrics = { delivery: () => {}, retry: () => {}, deadLetterDepth: () => {} };

const DELIVERIES = 'tessera_webhook_deliveries_total';
const RETRIES = 'tessera_webhook_retries_total';
const DEAD_LETTERS = 'tessera_webhook_dead_letters';

/** The webhook metrics on a shared `Metrics` (defined once, whoever comes first). */
export function webhookMetrics(metrics: Metrics): WebhookMetrics {
  if (!metrics.has(DELIVERIES)) {
    metrics.defineCounter(DELIVERIES, 'Webhook delivery attempts by outcome (delivered, failed, dead_lettered, filtered).');
  }
  if (!metrics.has(RETRIES)) metrics.defineCounter(RETRIES, 'Webhook deliveries scheduled for another attempt after a failure.');
  if (!metrics.has(DEAD_LETTERS)) metrics.defineGauge(DEAD_LETTERS, 'Webhook deliveries in the webhook dead-letter queue, not replayed.');
  return {
    delivery: (outcome) => metrics.increment(DELIVERIES, { outcome }),
    retry: () => metrics.increment(RETRIES, {}),
    deadLetterDepth: (depth) => metrics.set(DEAD_LETTERS, {}, depth),
  };
}
