/**
 * The composition root of one system service (`tessera serve <name>`): the system's store and its
 * subgraph alone on its port. It answers only calls that carry the gateway's signed principal;
 * its peers are reached at their configured URL, else on their port on this host. Beside
 * `/graphql` it serves `/health/live`, `/health/ready` (its stores answer) and `/metrics`.
 *
 * `tessera serve integration` also runs the process engine (docs/processes.md#run-modes): the
 * consumers, the saga executor, the billing-run driver and the webhook dispatcher. With
 * `TESSERA_NATS_URL` set it consumes from NATS JetStream and relays nothing (`tessera serve relay`
 * does); without it, it opens the other systems' stores it can reach (the same PostgreSQL database,
 * or SQLite files in the same data folder), relays their outboxes in process and consumes them
 * from its own store. It only wires.
 */
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Kysely } from 'kysely';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { Metrics } from '../core/metrics.ts';
import type { CapabilityTables } from '../systems/kernel/capability/tables.ts';
import { openReferenceSystem } from '../systems/kernel/openReferenceSystem.ts';
import { startSystemServer } from '../systems/kernel/startSystemServer.ts';
import { createSubgraphListener } from '../systems/kernel/subgraphListener.ts';
import type { SubgraphServer } from '../systems/kernel/subgraphServer.ts';
import { kernelSystem, SYSTEM_LIST, type SystemName } from '../systems/systems.ts';
import { serveHttp } from './httpService.ts';
import { createInProcessFetcher } from './inProcessFetcher.ts';
import { storesReadiness, withOpsEndpoints } from './opsEndpoints.ts';
import { startProcessEngine, type ProcessEngine, type ProcessEngineOptions } from './processEngine.ts';
import { createShutdown, type Shutdown } from './shutdown.ts';
import { systemPorts, systemUrls, type SystemUrls } from './systemUrls.ts';
import { startChangeCapture, vendorOf, withVendorWebhooks } from './vendorSystems.ts';
import { hearLinkChanges } from './crosswalkLinks.ts';

export interface SystemServiceOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** The process engine's test seams (integration only): no loops (`engine.drain()` drives it), the clock, the jitter. */
  readonly processEngine?: Pick<ProcessEngineOptions, 'loops' | 'random' | 'clock' | 'executor' | 'deliveryRetry'>;
}

export interface SystemService {
  readonly listener: http.RequestListener;
  /** The process engine (`tessera serve integration`), else null. */
  readonly engine: ProcessEngine | null;
  readonly metrics: Metrics;
  /** Listens on `port` (default: `TESSERA_SUBGRAPH_PORT_<NAME>`, else the system's port); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startSystemService(name: SystemName, options: SystemServiceOptions): Promise<SystemService> {
  const { config, logger } = options;
  const entry = SYSTEM_LIST.find((system) => system.name === name)!;
  const urls = systemUrls(config, SYSTEM_LIST, 'this-host');
  const ports = systemPorts(config, SYSTEM_LIST);
  const shutdown = createShutdown(logger);
  try {
    const opened = await openReferenceSystem(kernelSystem(entry), config.store);
    shutdown.add(() => opened.close());
    const stores = new Map<string, Kysely<unknown>>([[name, opened.db as Kysely<unknown>]]);
    const internalSecret = await loadInternalSecret(config.internalSecret);
    const vendor = vendorOf(name, config);
    const server = await startSystemServer(
      kernelSystem(entry),
      opened,
      logger,
      internalSecret,
      {
        fetcher: fetch as unknown as Fetcher,
        urlOf: urls.urlOf,
        environment: config.env,
        timeoutMs: config.subgraphResilience.timeoutMs,
      },
      undefined,
      undefined,
      config.timeControls,
      vendor?.systemOfRecord,
      config.crosswalk.survivorship,
    );
    shutdown.add(() => server.stop());
    const capture = vendor ? startChangeCapture(vendor, opened.db as Kysely<unknown>, logger) : null;
    if (capture) shutdown.add(() => capture.stop());
    // The composite CRM's link cache hears the crosswalk's events over NATS (docs/crosswalk.md#the-link-cache); without NATS, its TTL.
    if (vendor?.crosswalkLinks && config.nats) {
      const heard = await hearLinkChanges(vendor.crosswalkLinks, config.nats, logger);
      shutdown.add(() => heard.close());
    }
    const metrics = new Metrics().withProcessMetrics();
    const engine =
      name === 'integration' ? await startEngine({ ...options, urls, server, stores, internalSecret, metrics }, shutdown) : null;
    const ops = withOpsEndpoints(
      {
        readiness: () => storesReadiness(stores),
        metrics,
        ...(engine ? { refresh: () => engine.refreshMetrics() } : {}),
        logger,
        metricsToken: config.metricsToken,
      },
      createSubgraphListener(server, config.maxBodyBytes, logger),
    );
    // The vendor's webhooks (HubSpot's) are answered here, beside /graphql (docs/connectors.md#webhooks).
    const listener = vendor && capture ? withVendorWebhooks(vendor, capture, ops) : ops;
    return {
      listener,
      engine,
      metrics,
      async listen(port = ports.get(name)!) {
        const bound = await serveHttp(listener, port, config.host, shutdown, config.shutdownTimeoutMs);
        logger.info({ subgraph: name, port: bound }, `subgraph ${name} is serving http://localhost:${bound}/graphql`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}

interface EngineParts extends SystemServiceOptions {
  readonly urls: SystemUrls;
  readonly server: SubgraphServer;
  /** The stores this process opened, by system (the engine's relay sources are added here). */
  readonly stores: Map<string, Kysely<unknown>>;
  readonly internalSecret: string;
  readonly metrics: Metrics;
}

/** The process engine of `tessera serve integration`: NATS when configured, else the in-process transport over the stores it can reach. */
async function startEngine(parts: EngineParts, shutdown: Shutdown): Promise<ProcessEngine> {
  const { config, logger, urls, stores } = parts;
  const integration = stores.get('integration')!;
  if (!config.nats) {
    for (const entry of SYSTEM_LIST.filter((system) => system.name !== 'integration')) {
      const open = await openReferenceSystem(kernelSystem(entry), config.store);
      shutdown.add(() => open.close());
      stores.set(entry.name, open.db as Kysely<unknown>);
    }
  }
  // Its own capabilities (the billing-run schedule starts runs) are answered in process; the others over HTTP.
  const fetcher = createInProcessFetcher(new Map([[urls.urlOf('integration'), parts.server]]), fetch as unknown as Fetcher);
  const engine = await startProcessEngine({
    config,
    logger,
    store: integration,
    sources: config.nats ? [] : [...stores].map(([system, db]) => ({ system, db: db as Kysely<CapabilityTables> })),
    peers: { fetcher, urlOf: urls.urlOf, internalSecret: parts.internalSecret, timeoutMs: config.subgraphResilience.timeoutMs },
    metrics: parts.metrics,
    ...parts.processEngine,
  });
  shutdown.add(() => engine.stop());
  logger.info({ transport: engine.transport.kind, relays: engine.relay !== null }, 'integration: the process engine is running');
  return engine;
}
