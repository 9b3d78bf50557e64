/**
 * A webhooks rig without the rest of Tessera: a store with the kernel's event tables and the
 * webhook tables, the in-process transport delivering to the `webhooks` consumer, the dispatcher
 * with a clock the test moves, and subscriptions written through the webhooks' write port.
 */
import type { Kysely } from 'kysely';
import pino from 'pino';
import { createLogger } from '../../../core/logger.ts';
import { Metrics } from '../../../core/metrics.ts';
import { principalFromClaims, type PrincipalClaims } from '../../../auth/principal.ts';
import { openDatabase } from '../../../systems/kernel/database.ts';
import { createDelivery } from '../../../systems/kernel/events/delivery.ts';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import { createInProcessTransport } from '../../../systems/kernel/events/inProcessTransport.ts';
import { createNatsTransport } from '../../../systems/kernel/events/nats/natsTransport.ts';
import { deleteNatsStream, natsTestPrefix } from '../../harness/onNats.ts';
import { eventTables, type EventTables } from '../../../systems/kernel/events/tables.ts';
import type { RetryPolicy } from '../../../systems/kernel/events/transport.ts';
import { migrateToLatest } from '../../../systems/kernel/migrate.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import type { AccountResolver } from '../../../systems/integration/webhooks/accountResolver.ts';
import { createWebhooksConsumer } from '../../../systems/integration/webhooks/consumer.ts';
import { createWebhookDispatcher } from '../../../systems/integration/webhooks/dispatcher.ts';
import { webhookMetrics } from '../../../systems/integration/webhooks/metrics.ts';
import type { WebhookPoster } from '../../../systems/integration/webhooks/post.ts';
import { WebhookSecretKey } from '../../../systems/integration/webhooks/secretBox.ts';
import { webhookTables, type WebhookTables } from '../../../systems/integration/webhooks/tables.ts';
import { createWebhookReads, createWebhookWrites, type WebhookSettings } from '../../../systems/integration/webhooks/webhookPorts.ts';
import { tempSqliteStore, type TempStore } from '../../harness/tempDatabase.ts';

export type RigTables = EventTables & WebhookTables;

export interface RigOptions {
  readonly retry?: RetryPolicy;
  readonly random?: () => number;
  readonly resolveAccount?: AccountResolver;
  readonly post?: WebhookPoster;
  readonly logStream?: pino.DestinationStream;
  readonly timeoutMs?: number;
  /** The clock's start (it moves only by `advance`). @default 2026-11-20T09:00:00Z */
  readonly now?: Date;
  /** Where the store lives. @default a temp SQLite folder */
  readonly makeStore?: () => Promise<TempStore>;
  /** The dispatcher's environment (subscriptions are always made in development here). @default development */
  readonly environment?: 'development' | 'production';
  /** Deliver events over NATS JetStream at this URL (a stream prefix of the rig's own) instead of in process. */
  readonly natsUrl?: string;
}

export const INTERNAL_SECRET = 'a-test-internal-secret-of-32-characters!';

export async function openRig(options: RigOptions = {}) {
  const temp = options.makeStore ? await options.makeStore() : tempSqliteStore();
  const db = await openDatabase<RigTables>({ store: temp.store, name: 'integration' });
  await migrateToLatest(
    db as Kysely<unknown>,
    { '0001_webhooks': createTablesMigration({ ...eventTables, ...webhookTables }) },
    temp.store.kind === 'postgres' ? 'integration' : undefined,
  );
  let now = options.now ?? new Date('2026-11-20T09:00:00.000Z');
  const clock = () => now;
  const logger = createLogger('info', options.logStream ?? pino.destination({ dest: '/dev/null', sync: true }));
  const metrics = new Metrics();
  const settings: WebhookSettings = { environment: 'development', key: new WebhookSecretKey(INTERNAL_SECRET) };
  // Kysely is invariant in its tables: each part gets its own view of the one store.
  const events = db as unknown as Kysely<EventTables>;
  const hooks = db as unknown as Kysely<WebhookTables>;
  const delivery = createDelivery({ db: events, clock, transport: 'in-process', logger, random: () => 0.5 });
  const prefix = options.natsUrl ? natsTestPrefix() : null;
  const transport = options.natsUrl
    ? await createNatsTransport({
        url: options.natsUrl,
        prefix: prefix!,
        delivery: createDelivery({ db: events, clock, transport: 'nats', logger, random: () => 0.5 }),
        clock,
        logger,
        background: false,
      })
    : createInProcessTransport({ db: events, delivery, clock, logger });
  await transport.start([createWebhooksConsumer()]);
  const dispatcher = createWebhookDispatcher({
    db: hooks,
    key: settings.key,
    environment: options.environment ?? 'development',
    resolveAccount: options.resolveAccount ?? (async () => null),
    logger,
    clock,
    random: options.random ?? (() => 0.5),
    retry: options.retry ?? { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 },
    timeoutMs: options.timeoutMs ?? 5000,
    metrics: webhookMetrics(metrics),
    ...(options.post ? { post: options.post } : {}),
  });

  return {
    db: hooks,
    metrics,
    settings,
    transport,
    dispatcher,
    clock,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    /** Subscribes `claims`' owner to `eventTypes` at `url`; resolves with the subscription and its secret. */
    async subscribe(claims: PrincipalClaims, url: string, eventTypes: readonly string[]) {
      const principal = principalFromClaims(claims);
      const { subscription, sealedSecret } = await hooks
        .transaction()
        .execute((trx) => createWebhookWrites(trx, settings).create({ url, eventTypes }, principal, now));
      return { subscription, secret: createWebhookReads(hooks, settings).revealSecret(sealedSecret, subscription.id), principal };
    },
    /** Publishes events and delivers them to the consumer, then attempts every due delivery. */
    async publish(events: readonly EventEnvelope[]) {
      await transport.publish(events);
      await transport.drain();
      return dispatcher.drain();
    },
    reads: () => createWebhookReads(hooks, settings),
    writes: <T>(work: (writes: ReturnType<typeof createWebhookWrites>) => Promise<T>) =>
      hooks.transaction().execute((trx) => work(createWebhookWrites(trx, settings))),
    async close() {
      await dispatcher.stop();
      await transport.close();
      if (options.natsUrl) await deleteNatsStream(options.natsUrl, prefix!);
      await db.destroy();
      await temp.remove();
    },
  };
}

export type Rig = Awaited<ReturnType<typeof openRig>>;
