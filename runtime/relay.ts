/**
 * The composition root of the relay (`tessera serve relay`, docs/processes.md#run-modes): it opens
 * the stores of the configured systems (their PostgreSQL schemas under `TESSERA_DATABASE_URL` in
 * the distributed mode), and publishes their outboxes to NATS JetStream (`TESSERA_NATS_URL`,
 * required: without it there is nowhere to relay to, and it refuses to start). It consumes
 * nothing: `tessera serve integration` does. `/health/live`, `/health/ready` (every store answers)
 * and `/metrics` (`tessera_events_published_total{system}`). Shutdown (SIGTERM) stops polling,
 * lets the batch in flight be published and marked, closes NATS, then the stores. It only wires.
 */
import type http from 'node:http';
import type { Kysely } from 'kysely';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { defineEventMetrics, Metrics } from '../core/metrics.ts';
import type { CapabilityTables } from '../systems/kernel/capability/tables.ts';
import type { Delivery } from '../systems/kernel/events/delivery.ts';
import { createNatsTransport } from '../systems/kernel/events/nats/natsTransport.ts';
import { createRelay, type Relay } from '../systems/kernel/events/relay.ts';
import { DEFAULT_RETRY_POLICY } from '../systems/kernel/events/transport.ts';
import { openReferenceSystem } from '../systems/kernel/openReferenceSystem.ts';
import { kernelSystem, SYSTEM_LIST, type SystemName } from '../systems/systems.ts';
import { serveHttp } from './httpService.ts';
import { storesReadiness, withOpsEndpoints } from './opsEndpoints.ts';
import { createShutdown } from './shutdown.ts';

export interface RelayServiceOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** The systems whose outboxes it relays. @default every system */
  readonly systems?: readonly SystemName[];
  /** The `published_at` instants (tests inject one). */
  readonly clock?: () => Date;
  /** The polling interval; `false` runs no loop (tests call `relay.runOnce()`). @default 200 */
  readonly pollMs?: number | false;
}

export interface RelayService {
  readonly listener: http.RequestListener;
  readonly relay: Relay;
  readonly metrics: Metrics;
  /** Listens on `port` (default: the configured `PORT`); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

/** The relay's refusal to start without NATS: a configuration mistake, printed plainly by the CLI. */
export const RELAY_NEEDS_NATS =
  'tessera serve relay needs TESSERA_NATS_URL (a nats:// URL): it publishes the outboxes to NATS JetStream, where `tessera serve integration` consumes them. ' +
  'Without NATS, run the embedded mode (`tessera start`) or `tessera serve integration`, which relay in process.';

/** Publishing only: the relay starts no consumer, so no delivery is ever asked of it. */
const NO_DELIVERY: Pick<Delivery, 'deliver' | 'retry'> = {
  deliver: () => Promise.reject(new Error('the relay delivers to no consumer')),
  retry: DEFAULT_RETRY_POLICY,
};

export async function startRelayService(options: RelayServiceOptions): Promise<RelayService> {
  const { config, logger } = options;
  if (!config.nats) throw new TypeError(RELAY_NEEDS_NATS);
  const clock = options.clock ?? (() => new Date());
  const names = options.systems ?? SYSTEM_LIST.map((entry) => entry.name);
  const shutdown = createShutdown(logger);
  try {
    const stores = new Map<string, Kysely<unknown>>();
    for (const name of names) {
      const entry = SYSTEM_LIST.find((system) => system.name === name)!;
      const open = await openReferenceSystem(kernelSystem(entry), config.store);
      shutdown.add(() => open.close());
      stores.set(name, open.db);
    }
    const transport = await createNatsTransport({
      url: config.nats.servers.join(','),
      ...(config.nats.credsFile ? { credsFile: config.nats.credsFile } : {}),
      prefix: config.nats.streamPrefix,
      delivery: NO_DELIVERY,
      clock,
      logger,
    });
    shutdown.add(() => transport.close());
    const metrics = defineEventMetrics(new Metrics().withProcessMetrics());
    const relay = createRelay({
      sources: [...stores].map(([system, db]) => ({ system: system as SystemName, db: db as Kysely<CapabilityTables> })),
      transport,
      clock,
      logger,
      metrics,
    });
    // Added last, so it runs first: no new pass, the one under way finishes, then NATS closes.
    shutdown.add(() => relay.stop());
    const pollMs = options.pollMs ?? 200;
    if (pollMs !== false) relay.start(pollMs);
    const listener = withOpsEndpoints({
      readiness: () => storesReadiness(stores),
      metrics,
      logger,
      metricsToken: config.metricsToken,
    });
    logger.info({ systems: names, stream: config.nats.streamPrefix }, 'relay: publishing the outboxes to NATS JetStream');
    return {
      listener,
      relay,
      metrics,
      async listen(port = config.port) {
        const bound = await serveHttp(listener, port, config.host, shutdown, config.shutdownTimeoutMs);
        logger.info({ port: bound }, `relay health and metrics on http://localhost:${bound}/health/ready`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}
