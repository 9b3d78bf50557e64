/**
 * The webhook dispatcher (docs/processes.md#webhooks): sends due deliveries, one attempt each,
 * outside any transaction. A 2xx answer delivers; anything else (another status, no answer in
 * time, a target no longer allowed) is a failed attempt, retried after an exponential backoff with
 * full jitter, until the last allowed attempt puts the delivery in the webhook dead-letter queue.
 * Every attempt is signed anew (a fresh timestamp) over the same body, with the same
 * `Tessera-Webhook-Id`, so a receiver deduplicates retries by it. Clock and random are injected.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../../core/logger.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { retryDelay } from '../../kernel/events/backoff.ts';
import type { EventEnvelope } from '../../kernel/events/envelope.ts';
import type { RetryPolicy } from '../../kernel/events/transport.ts';
import type { AccountResolver } from './accountResolver.ts';
import { admits, audienceOf } from './audience.ts';
import { NO_WEBHOOK_METRICS, type WebhookMetrics } from './metrics.ts';
import { postWebhook, RESPONSE_EXCERPT_CHARS, type WebhookPoster } from './post.ts';
import type { WebhookSecretKey } from './secretBox.ts';
import { webhookHeaders } from './signature.ts';
import type { WebhookTables } from './tables.ts';
import { checkWebhookUrl, type WebhookEnvironment } from './targetUrl.ts';
import { createWebhookStore } from './webhookStore.ts';

/** 8 attempts over about an hour and a half at most (the 8th waits up to 1 h): a receiver down for a deploy loses nothing. */
export const DEFAULT_WEBHOOK_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000 });

export interface WebhookDispatcherOptions {
  readonly db: Kysely<WebhookTables>;
  readonly key: WebhookSecretKey;
  readonly environment: WebhookEnvironment;
  readonly resolveAccount: AccountResolver;
  readonly logger: Logger;
  readonly clock?: () => Date;
  readonly random?: () => number;
  readonly retry?: RetryPolicy;
  /** The whole exchange of one attempt, connect to last byte read. @default 10 s */
  readonly timeoutMs?: number;
  readonly post?: WebhookPoster;
  readonly metrics?: WebhookMetrics;
  readonly batchSize?: number;
}

export interface WebhookDispatcher {
  /** One batch of due deliveries, one attempt each; resolves with the number of attempts made. */
  runOnce(): Promise<number>;
  /** Attempts whatever is due now until nothing is (a failed attempt is due again later, not now). */
  drain(): Promise<number>;
  /** Polls every `intervalMs` until `stop`. */
  start(intervalMs?: number): void;
  /** Stops polling and waits for the attempt in flight. */
  stop(): Promise<void>;
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const store = createWebhookStore(options.db);
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const retry = options.retry ?? DEFAULT_WEBHOOK_RETRY;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const post = options.post ?? postWebhook;
  const metrics = options.metrics ?? NO_WEBHOOK_METRICS;
  const log = options.logger.child({ component: 'webhooks' });

  type Due = Awaited<ReturnType<typeof store.due>>[number];

  async function attempt(delivery: Due): Promise<boolean> {
    const now = clock();
    // A lease a little longer than one attempt may take: a crashed dispatcher's delivery is due again after it.
    if (!(await store.claim(delivery.id, delivery.next_attempt_at!, new Date(now.getTime() + timeoutMs + 60_000).toISOString()))) {
      return false;
    }
    if (delivery.status === ('UNRESOLVED' as string) && !(await resolveAudience(delivery, now))) return true;
    const attempts = delivery.attempts + 1;
    const at = now.toISOString();
    const verdict = checkWebhookUrl(delivery.url, options.environment);
    let failure: { error: string; status: number | null; excerpt: string | null };
    if (!verdict.ok) {
      failure = { error: `the subscription's URL is not allowed: ${verdict.reason}`, status: null, excerpt: null };
    } else {
      const subscription = await options.db
        .selectFrom('webhook_subscriptions')
        .select(['secret_sealed'])
        .where('id', '=', delivery.subscription_id)
        .executeTakeFirstOrThrow();
      const secret = options.key.open(subscription.secret_sealed, delivery.subscription_id);
      const headers = webhookHeaders(secret, delivery.id, Math.floor(now.getTime() / 1000), delivery.body_json);
      try {
        const answer = await post(verdict.url, delivery.body_json, headers, {
          timeoutMs,
          publicOnly: options.environment === 'production',
        });
        const excerpt = answer.excerpt.slice(0, RESPONSE_EXCERPT_CHARS);
        if (answer.status >= 200 && answer.status < 300) {
          await store.update(delivery.id, {
            status: 'DELIVERED',
            attempts,
            last_attempt_at: at,
            last_status_code: answer.status,
            last_error: null,
            response_excerpt: excerpt || null,
            delivered_at: at,
            next_attempt_at: null,
          });
          metrics.delivery('delivered');
          log.info(
            { delivery: delivery.id, subscription: delivery.subscription_id, event: delivery.event_type, attempts },
            'webhook delivered',
          );
          return true;
        }
        failure = { error: `the receiver answered HTTP ${answer.status}`, status: answer.status, excerpt: excerpt || null };
      } catch (error) {
        failure = { error: `no answer: ${error instanceof Error ? error.message : String(error)}`, status: null, excerpt: null };
      }
    }
    await failed(delivery, attempts, now, failure);
    return true;
  }

  /** For a delivery whose account was not in the event: resolve it, then send or drop (FILTERED). False: not sendable now. */
  async function resolveAudience(delivery: Due, now: Date): Promise<boolean> {
    const event = JSON.parse(delivery.envelope_json) as EventEnvelope;
    let account: string | null;
    try {
      account = await options.resolveAccount(event);
    } catch (error) {
      // The owning system is unavailable: try again later; no attempt was made, none is counted.
      const later = new Date(now.getTime() + retryDelay(retry, 1, random) + 1).toISOString();
      await store.update(delivery.id, { next_attempt_at: later, last_error: `resolving the event's account: ${String(error)}` });
      return false;
    }
    if (admits(audienceOf(delivery.claims), event, account) !== 'admit') {
      await store.update(delivery.id, { status: 'FILTERED', next_attempt_at: null });
      metrics.delivery('filtered');
      return false;
    }
    await store.update(delivery.id, { status: 'PENDING' });
    return true;
  }

  async function failed(
    delivery: Due,
    attempts: number,
    now: Date,
    failure: { error: string; status: number | null; excerpt: string | null },
  ) {
    const at = now.toISOString();
    const common = {
      attempts,
      last_attempt_at: at,
      last_status_code: failure.status,
      last_error: failure.error,
      response_excerpt: failure.excerpt,
      first_failed_at: delivery.first_failed_at ?? at,
    };
    const context = {
      delivery: delivery.id,
      subscription: delivery.subscription_id,
      event: delivery.event_type,
      attempts,
      error: failure.error,
    };
    if (attempts < retry.maxAttempts) {
      const next = new Date(now.getTime() + retryDelay(retry, attempts, random)).toISOString();
      await store.update(delivery.id, { ...common, status: 'PENDING', next_attempt_at: next });
      metrics.delivery('failed');
      metrics.retry();
      log.warn({ ...context, nextAttemptAt: next }, 'webhook delivery failed; retrying');
      return;
    }
    await options.db.transaction().execute(async (trx) => {
      const inTransaction = createWebhookStore(trx);
      await inTransaction.update(delivery.id, { ...common, status: 'DEAD_LETTERED', next_attempt_at: null });
      await inTransaction.insertDeadLetter({
        id: newId('whdl'),
        delivery_id: delivery.id,
        subscription_id: delivery.subscription_id,
        event_id: delivery.event_id,
        event_type: delivery.event_type,
        error: failure.error,
        attempts,
        first_failed_at: common.first_failed_at,
        last_failed_at: at,
        status: 'OPEN',
        replayed_at: null,
        replayed_by: null,
      });
    });
    metrics.delivery('dead_lettered');
    log.error(context, 'webhook delivery dead-lettered');
  }

  async function runOnce(): Promise<number> {
    let made = 0;
    for (const delivery of await store.due(clock().toISOString(), options.batchSize ?? 50)) {
      if (await attempt(delivery)) made += 1;
    }
    // The depth also drops when a partner replays (a capability, elsewhere): read it on every pass.
    metrics.deadLetterDepth(await store.openDeadLetters());
    return made;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  return {
    runOnce,
    async drain() {
      let total = 0;
      for (;;) {
        const made = await runOnce();
        if (made === 0) return total;
        total += made;
      }
    },
    start(intervalMs = 1000) {
      if (timer) return;
      const tick = () => {
        running = runOnce()
          .catch((error: unknown) => log.error({ err: error }, 'webhook dispatch failed'))
          .finally(() => {
            if (timer) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
