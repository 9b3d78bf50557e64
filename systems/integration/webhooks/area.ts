/**
 * The webhooks as the process engine runs them (docs/processes.md#webhooks): the `webhooks` event
 * consumer on the integration store, and the dispatcher that sends what it queued, resolving an
 * event's account from its owning system as the integration system when a partner's audience
 * needs it. The engine adds the consumer to its transport and drives the dispatcher (loop, drain, stop).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from '../../../core/logger.ts';
import type { Metrics } from '../../../core/metrics.ts';
import type { PeerTransport, Peers } from '../../kernel/capability/peers.ts';
import { integrationSystemPeers } from '../systemPeers.ts';
import type { EventConsumer, RetryPolicy } from '../../kernel/events/transport.ts';
import { peerAccountResolver } from './accountResolver.ts';
import { createWebhooksConsumer } from './consumer.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from './dispatcher.ts';
import { webhookMetrics } from './metrics.ts';
import { webhookSettingsOf } from './settings.ts';
import type { WebhookTables } from './tables.ts';
import type { WebhookEnvironment } from './targetUrl.ts';

export interface WebhookAreaOptions {
  /** The integration system's store. */
  readonly store: Kysely<unknown>;
  /** How the systems' subgraphs are reached, and the internal secret (the sealing key comes from it). */
  readonly peers: PeerTransport;
  readonly environment: WebhookEnvironment;
  readonly logger: Logger;
  readonly clock?: () => Date;
  readonly random?: () => number;
  readonly metrics?: Metrics;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
}

export interface WebhookArea {
  readonly consumer: EventConsumer;
  readonly dispatcher: WebhookDispatcher;
}

export function createWebhookArea(options: WebhookAreaOptions): WebhookArea {
  const settings = webhookSettingsOf({ ...options.peers, environment: options.environment });
  // Signed per call: a long-running engine never holds an expired principal.
  const signed = integrationSystemPeers(options.peers, () => randomUUID());
  const peers = (): Peers => signed;
  const dispatcher = createWebhookDispatcher({
    db: options.store as Kysely<WebhookTables>,
    key: settings.key,
    environment: settings.environment,
    resolveAccount: peerAccountResolver(peers),
    logger: options.logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.metrics ? { metrics: webhookMetrics(options.metrics) } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { consumer: createWebhooksConsumer(), dispatcher };
}
