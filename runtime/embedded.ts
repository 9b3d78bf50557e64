/**
 * The composition root of the embedded mode (`tessera start`): every system in process, seeded
 * when its store is empty, their subgraph servers, and the gateway with the IDE, in one process.
 * A system whose `TESSERA_SUBGRAPH_<NAME>_URL` is set is not run here but called over HTTP
 * (`tessera serve gateway` runs this root without seeding). It only wires parts together.
 */
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Kysely, LogEvent } from 'kysely';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { createGatewayMetrics } from '../core/metrics.ts';
import { seedIfEmpty, type SeedOutcome } from '../seed/seedIfEmpty.ts';
import type { CapabilityTables } from '../systems/kernel/capability/tables.ts';
import { openReferenceSystem, type OpenSystem } from '../systems/kernel/openReferenceSystem.ts';
import { startSystemServer } from '../systems/kernel/startSystemServer.ts';
import type { SubgraphServer } from '../systems/kernel/subgraphServer.ts';
import { kernelSystem, SYSTEM_LIST, type OpenSystems, type SystemName } from '../systems/systems.ts';
import type { LocalRegistry } from '../registry/service/createRegistry.ts';
import { startEmbeddedRegistry } from './embeddedRegistry.ts';
import { startGatewayService, type UsageOptions } from './gatewayService.ts';
import { withRegistry } from './registryRoutes.ts';
import { startProcessEngine, type ProcessEngine, type ProcessEngineOptions } from './processEngine.ts';
import { serveHttp } from './httpService.ts';
import { refreshingMetrics } from './opsEndpoints.ts';
import { createInProcessFetcher } from './inProcessFetcher.ts';
import { createPooledFetcher } from '../gateway/resilience/pool.ts';
import type { ScheduleTick } from './schedules.ts';
import { createShutdown } from './shutdown.ts';
import { systemUrls } from './systemUrls.ts';
import { startChangeCapture, vendorOf, withVendorWebhooks } from './vendorSystems.ts';
import type { Poller } from '../systems/kernel/connectors/changeCapture.ts';
import type { CrmVendor } from '../systems/crm/crmVendor.ts';
import { linkCacheConsumer, type CrosswalkLinkCache } from '../systems/crm/adapters/composite/linkCache.ts';
import { crosswalkChanged, hearLinkChanges } from './crosswalkLinks.ts';

export interface EmbeddedOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** Called for every SQL statement a reference system runs (statement counting in tests). */
  readonly onQuery?: (system: SystemName, event: LogEvent) => void;
  /** Wraps the subgraph fetcher (tests simulate outages here). */
  readonly wrapFetcher?: (fetcher: Fetcher) => Fetcher;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch;
  /** `false` turns directive enforcement off: only the benchmark's baseline does that. @default true */
  readonly enforcePolicies?: boolean;
  /** The clock of the gateway (capability sunsets) and of the capabilities (every time they record); tests inject one. */
  readonly now?: () => Date;
  /**
   * Usage recording (docs/registry.md#usage): what is given replaces the default, which records into
   * the registry running here, sampled at TESSERA_REGISTRY_USAGE_SAMPLE_RATE, flushed every 10 s.
   */
  readonly usage?: Partial<UsageOptions>;
  /**
   * The process engine's test seams (docs/processes.md#run-modes): no loops (`drain()` drives it),
   * the jitter, the executor's lease, owner and fault injection, and a wrapper of the fetcher its
   * saga steps call the systems with.
   */
  readonly processEngine?: Pick<ProcessEngineOptions, 'loops' | 'random' | 'executor' | 'deliveryRetry'> & {
    readonly wrapFetcher?: (fetcher: Fetcher) => Fetcher;
  };
}

/** The systems running in this process, by name (all of them unless some are configured remote). */
export type LocalSystems = Partial<OpenSystems>;

export interface Embedded {
  readonly listener: http.RequestListener;
  /** The schema registry running in this process (docs/registry.md). */
  readonly registry: LocalRegistry;
  readonly systems: LocalSystems;
  readonly seed: SeedOutcome;
  /** The process engine, when the integration system runs in this process. */
  readonly engine: ProcessEngine | null;
  /** Relays, delivers and runs saga steps until nothing moves (tests); resolves with the rounds it took. */
  drain(): Promise<number>;
  /** Ticks the process engine's schedules once at `now` (docs/processes.md#schedules; tests). */
  tickSchedules(now: Date): Promise<ScheduleTick>;
  /** Listens on `port` (default: the configured port; 0 picks a free one); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  const { config, logger } = options;
  const shutdown = createShutdown(logger);
  try {
    const urls = systemUrls(config, SYSTEM_LIST, 'in-process');
    const inProcess = new Set(urls.all.filter((system) => system.inProcess).map((system) => system.name));
    const local = SYSTEM_LIST.filter(({ name }) => inProcess.has(name));
    const opened = new Map<SystemName, OpenSystem<unknown>>();
    for (const entry of local) {
      const { name } = entry;
      const onQuery = options.onQuery;
      const open = await openReferenceSystem(kernelSystem(entry), config.store, onQuery ? (event) => onQuery(name, event) : undefined);
      shutdown.add(() => open.close());
      opened.set(name, open);
    }
    const systems = Object.fromEntries(opened) as LocalSystems;
    const seed = await seedIfEmpty(systems, config.seedScale, logger);

    const internalSecret = await loadInternalSecret(config.internalSecret);
    const servers = new Map<string, SubgraphServer>();
    const serversBySystem = new Map<string, SubgraphServer>();
    // Systems in this process answer each other in process too; remote ones over the network, through
    // one keep-alive pool closed after everything that calls it (docs/resilience.md#connection-pools).
    const pool = createPooledFetcher(config.subgraphResilience.connections);
    shutdown.add(() => pool.close());
    const baseFetcher = createInProcessFetcher(servers, pool.fetcher);
    // The vendors' change captures, whose webhooks the gateway's server answers (docs/connectors.md#webhooks).
    const captures: { vendor: CrmVendor; capture: Poller }[] = [];
    // The composite CRM's crosswalk links (docs/crosswalk.md#the-link-cache): cleared by the crosswalk's
    // events, and at once when a merge or unmerge commits here, before its answer leaves.
    const linkCaches: CrosswalkLinkCache[] = [];
    for (const entry of local) {
      const peers = { fetcher: baseFetcher, urlOf: urls.urlOf, environment: config.env, timeoutMs: config.subgraphResilience.timeoutMs };
      const vendor = vendorOf(entry.name, config);
      if (vendor?.crosswalkLinks) linkCaches.push(vendor.crosswalkLinks);
      const server = await startSystemServer(
        kernelSystem(entry),
        opened.get(entry.name)!,
        logger,
        internalSecret,
        peers,
        options.now,
        entry.name === 'integration' ? crosswalkChanged(linkCaches) : undefined,
        config.timeControls,
        vendor?.systemOfRecord,
        config.crosswalk.survivorship,
      );
      shutdown.add(() => server.stop());
      if (vendor) {
        const capture = startChangeCapture(vendor, opened.get(entry.name)!.db, logger);
        shutdown.add(() => capture.stop());
        captures.push({ vendor, capture });
      }
      servers.set(urls.urlOf(entry.name), server);
      serversBySystem.set(entry.name, server);
    }

    const stores = new Map<string, Kysely<unknown>>([...opened].map(([name, open]) => [name, open.db]));
    const fetcher = options.wrapFetcher ? options.wrapFetcher(baseFetcher) : baseFetcher;
    const { jwksFetch, enforcePolicies, now, usage } = options;
    const integration = opened.get('integration');
    // One /metrics for the gateway and the process engine (docs/processes.md#metrics).
    const metrics = createGatewayMetrics();
    let engine: ProcessEngine | null = null;
    if (integration) {
      const { wrapFetcher, ...seams } = options.processEngine ?? {};
      engine = await startProcessEngine({
        config,
        logger,
        store: integration.db,
        sources: [...opened].map(([system, open]) => ({ system, db: open.db as unknown as Kysely<CapabilityTables> })),
        peers: {
          fetcher: wrapFetcher ? wrapFetcher(baseFetcher) : baseFetcher,
          urlOf: urls.urlOf,
          internalSecret,
          timeoutMs: config.subgraphResilience.timeoutMs,
        },
        metrics,
        ...(options.now ? { clock: options.now } : {}),
        ...seams,
        // In process, this process's consumer; over NATS a durable one would reach one replica only: the broadcast below.
        consumers: config.nats ? [] : linkCaches.map(linkCacheConsumer),
      });
      const started = engine;
      shutdown.add(() => started.stop());
    }
    if (config.nats) {
      // Every process with a CRM cache hears the crosswalk's events (docs/crosswalk.md#the-link-cache).
      for (const cache of linkCaches) {
        const heard = await hearLinkChanges(cache, config.nats, logger);
        shutdown.add(() => heard.close());
      }
    }
    // The registry runs here: it publishes schema/, and the gateway serves what it holds (docs/registry.md#hot-reload).
    const registry = await startEmbeddedRegistry({ config, logger, urls, servers: serversBySystem, clock: now, jwksFetch }, shutdown);
    const gatewayListener = await startGatewayService(
      {
        config,
        logger,
        urls,
        fetcher,
        internalSecret,
        stores,
        jwksFetch,
        enforcePolicies,
        now,
        metrics,
        supergraph: registry.sources.supergraph,
        contracts: registry.sources.contracts,
        manifests: registry.manifests,
        usage: { sink: registry.usageSink, sampleRate: config.registry.usageSampleRate, ...usage },
      },
      shutdown,
    );
    const started = engine;
    const listener = captures.reduce(
      (next, { vendor, capture }) => withVendorWebhooks(vendor, capture, next),
      withRegistry(
        registry.handler,
        started ? refreshingMetrics(gatewayListener, () => started.refreshMetrics(), logger, config.metricsToken) : gatewayListener,
        logger,
      ),
    );
    return {
      listener,
      registry: registry.registry,
      systems,
      seed,
      engine,
      drain: async () => {
        if (!engine) throw new Error('the integration system does not run in this process: nothing to drain');
        return engine.drain();
      },
      tickSchedules: async (now) => {
        if (!engine) throw new Error('the integration system does not run in this process: no schedules to tick');
        return engine.tickSchedules(now);
      },
      async listen(port = config.port) {
        const bound = await serveHttp(listener, port, config.host, shutdown, config.shutdownTimeoutMs);
        logger.info({ port: bound }, `Tessera is serving http://localhost:${bound}/graphql`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}
