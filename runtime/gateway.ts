/**
 * The composition root of the gateway alone (`tessera serve gateway --remote`): every system is a
 * service of its own, called over HTTP at its `TESSERA_SUBGRAPH_<NAME>_URL`; a missing one stops
 * the start, naming the variable. With TESSERA_REGISTRY_URL, the supergraph and the contracts are
 * pulled from `tessera serve registry` (polled with their ETags, swapped in without a restart) and
 * the usage goes there; without it, the supergraph is composed from `schema/` once. No store is
 * opened here. It only wires.
 */
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { SYSTEM_LIST } from '../systems/systems.ts';
import { signInternalPrincipal } from '../auth/internalPrincipal.ts';
import { supergraphIdOf } from '../gateway/supergraph/source.ts';
import type { Principal } from '../auth/principal.ts';
import { httpRegistry } from '../registry/client/httpRegistry.ts';
import { GATEWAY_SUBJECT } from '../registry/http/access.ts';
import { startGatewayService, type GatewayServiceOptions } from './gatewayService.ts';
import { registrySources } from './registrySources.ts';
import { createPooledFetcher } from '../gateway/resilience/pool.ts';
import { registryManifestSource } from './manifestSource.ts';
import { composedFromSchemaFolder } from './supergraphs.ts';
import { serveHttp } from './httpService.ts';
import { createShutdown, type Shutdown } from './shutdown.ts';
import { listedUrls, systemUrls, type SystemUrls } from './systemUrls.ts';
import { composeSupergraph, type SubgraphSource } from '../schema/compose.ts';
import { staticSupergraphSource } from '../gateway/supergraph/source.ts';

export interface GatewayModeOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** How the systems are called. @default the network, through a keep-alive pool (docs/resilience.md#connection-pools) */
  readonly fetcher?: Fetcher;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch;
  /** How the registry (TESSERA_REGISTRY_URL) is called. @default the network (`fetch`) */
  readonly registryFetch?: typeof fetch;
  /** How often usage batches go to the registry (tests). @default 10000 */
  readonly usageFlushIntervalMs?: number;
  /**
   * Subgraphs that are not Tessera's systems (the federation benchmark's, README "Federation
   * benchmark"): the gateway serves their composition, once, instead of the systems' (no registry,
   * no `TESSERA_SUBGRAPH_<NAME>_URL`), with the same pipeline but no named policy (they use none),
   * and its readiness asks them.
   */
  readonly subgraphs?: readonly SubgraphSource[];
  /** `false` leaves the authorization plugin out (the benchmark's "governance off"). @default true */
  readonly enforcePolicies?: boolean;
}

export interface GatewayMode {
  readonly listener: http.RequestListener;
  /** Listens on `port` (default: the configured port; 0 picks a free one); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startGatewayMode(options: GatewayModeOptions): Promise<GatewayMode> {
  const { config, logger } = options;
  const { subgraphs } = options;
  const urls = subgraphs
    ? listedUrls(subgraphs.map(({ name, url }) => ({ name, url, inProcess: false })))
    : systemUrls(config, SYSTEM_LIST, 'required');
  const shutdown = createShutdown(logger);
  try {
    const internalSecret = await loadInternalSecret(config.internalSecret);
    // One keep-alive pool for every subgraph, closed after the gateway stopped (docs/resilience.md#connection-pools).
    const pool = options.fetcher ? null : createPooledFetcher(config.subgraphResilience.connections);
    if (pool) shutdown.add(() => pool.close());
    const listener = await startGatewayService(
      {
        config,
        logger,
        urls,
        fetcher: options.fetcher ?? pool!.fetcher,
        internalSecret,
        stores: new Map(),
        jwksFetch: options.jwksFetch,
        enforcePolicies: options.enforcePolicies,
        ...(subgraphs
          ? { supergraph: staticSupergraphSource(composeSupergraph(subgraphs)), policies: new Map() }
          : config.registry.url
            ? remoteRegistry(config.registry.url, options, urls, internalSecret, shutdown)
            : {}),
      },
      shutdown,
    );
    return {
      listener,
      async listen(port = config.port) {
        const bound = await serveHttp(listener, port, config.host, shutdown, config.shutdownTimeoutMs);
        logger.info({ port: bound }, `Tessera's gateway is serving http://localhost:${bound}/graphql`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}

/** Who a gateway's own registry calls say they are (the registry admits this subject only, registry/http/access.ts). */
const GATEWAY_PRINCIPAL: Principal = Object.freeze({
  sub: GATEWAY_SUBJECT,
  scopes: new Set<string>(),
  clientId: null,
  legalEntities: [],
  partnerAccounts: null,
  roles: [],
});

/**
 * The gateway's side of `tessera serve registry` (docs/registry.md#hot-reload): its calls carry the
 * internal principal; until the registry has answered once, `schema/` composed here is served.
 */
function remoteRegistry(
  baseUrl: string,
  options: GatewayModeOptions,
  urls: SystemUrls,
  internalSecret: string,
  shutdown: Shutdown,
): Pick<GatewayServiceOptions, 'supergraph' | 'contracts' | 'usage' | 'manifests'> {
  const { config, logger } = options;
  const registry = httpRegistry({
    baseUrl,
    internalPrincipal: () => signInternalPrincipal(GATEWAY_PRINCIPAL, internalSecret, { requestId: 'registry' }),
    ...(options.registryFetch ? { fetch: options.registryFetch } : {}),
  });
  const fallbackSdl = composedFromSchemaFolder(urls);
  const sources = registrySources({
    registry,
    pollMs: config.registry.pollMs,
    logger,
    fallback: { id: `schema/#${supergraphIdOf(fallbackSdl)}`, sdl: fallbackSdl },
  });
  shutdown.add(async () => sources.stop());
  return {
    supergraph: sources.supergraph,
    contracts: sources.contracts,
    manifests: registryManifestSource(registry),
    usage: {
      sink: (entries) => registry.recordUsage({ entries }),
      sampleRate: config.registry.usageSampleRate,
      flushIntervalMs: options.usageFlushIntervalMs,
    },
  };
}
