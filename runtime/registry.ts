/**
 * The composition root of the schema registry alone (`tessera serve registry`, docs/registry.md):
 * its store (`<TESSERA_DATA_DIR>/registry.sqlite`, or the `registry` schema of TESSERA_DATABASE_URL),
 * the registry service over it, `schema/` published once when no subgraph has a version yet, and
 * the HTTP API and architects' page on TESSERA_REGISTRY_PORT, with `/health/live` and
 * `/health/ready` (the store answers). Tokens are verified like the gateway's; the gateways' own
 * calls carry the internal principal. It only wires.
 */
import type http from 'node:http';
import type { Kysely } from 'kysely';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { Metrics } from '../core/metrics.ts';
import type { LocalRegistry } from '../registry/service/createRegistry.ts';
import { openRegistry } from '../registry/service/openRegistry.ts';
import { publishAtStart } from '../registry/service/publishAtStart.ts';
import type { SubgraphDeclaration } from '../registry/types.ts';
import { readSubgraphSdl } from '../schema/subgraphSdl.ts';
import { SYSTEM_LIST } from '../systems/systems.ts';
import { serveHttp } from './httpService.ts';
import { registryHttpHandler } from './registryHttp.ts';
import { withRegistry } from './registryRoutes.ts';
import { storesReadiness, withOpsEndpoints } from './opsEndpoints.ts';
import { createShutdown } from './shutdown.ts';
import { systemUrls, type Unconfigured } from './systemUrls.ts';

/** Who publishes `schema/` when a registry starts empty (the same author as `npm start`'s). */
export const START_AUTHOR = 'system:tessera-start';

export interface RegistryServiceOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** The registry's clock (publish times, usage window, sunsets). */
  readonly clock?: () => Date;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch;
}

export interface RegistryService {
  readonly listener: http.RequestListener;
  readonly registry: LocalRegistry;
  /** Listens on `port` (default: TESSERA_REGISTRY_PORT; 0 picks a free one); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The subgraphs a registry knows: every system with its system of record and default URL. The
 * embedded registry (and the CLI beside it) uses `in-process`; the registry service `this-host`
 * (each system on its port), unless TESSERA_SUBGRAPH_<NAME>_URL says where.
 */
export function registryDeclarations(config: TesseraConfig, unconfigured: Exclude<Unconfigured, 'required'>): SubgraphDeclaration[] {
  const urls = systemUrls(config, SYSTEM_LIST, unconfigured);
  return SYSTEM_LIST.map((entry) => ({ name: entry.name, system: entry.systemOfRecord, url: urls.urlOf(entry.name) }));
}

export async function startRegistryService(options: RegistryServiceOptions): Promise<RegistryService> {
  const { config, logger } = options;
  const shutdown = createShutdown(logger);
  try {
    const declarations = registryDeclarations(config, 'this-host');
    const { registry, close, db } = await openRegistry({ config, declarations, logger, clock: options.clock });
    shutdown.add(close);
    // Only a registry with nothing published takes `schema/`: after that, the architects' publishes are the truth.
    if ((await registry.subgraphs()).every((subgraph) => subgraph.version === null)) {
      const sources = declarations.map(({ name, url }) => ({ name, url, sdl: readSubgraphSdl(name) }));
      await publishAtStart(registry, sources, START_AUTHOR, logger);
    }
    const handler = await registryHttpHandler({ config, registry, declarations, logger, jwksFetch: options.jwksFetch });
    const listener = withOpsEndpoints(
      {
        readiness: () => storesReadiness(new Map([['registry', db as Kysely<unknown>]])),
        metrics: new Metrics().withProcessMetrics(),
        logger,
        metricsToken: config.metricsToken,
      },
      withRegistry(
        handler,
        (_request, response) => {
          response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
          response.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'The registry serves /registry/ and /registry/api/.' } }));
        },
        logger,
      ),
    );
    return {
      listener,
      registry,
      async listen(port = config.registry.port) {
        const bound = await serveHttp(listener, port, config.host, shutdown, config.shutdownTimeoutMs);
        logger.info({ port: bound }, `the schema registry is serving http://localhost:${bound}/registry/`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}
