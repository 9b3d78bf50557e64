/**
 * The composition root of the embedded mode (`tessera start`): the reference systems, their
 * subgraph servers and the gateway in one process. It only wires parts together; each part has
 * its own module. This is the one gateway module that knows which subgraphs Tessera ships.
 */
import http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import { sql, type Kysely, type LogEvent } from 'kysely';
import { composeSupergraph } from '../schema/compose.ts';
import { readSubgraphSdl } from '../schema/subgraphSdl.ts';
import type { CrmTables } from '../systems/crm/adapters/sql/tables.ts';
import type { ErpTables } from '../systems/erp/adapters/sql/tables.ts';
import type { PsaTables } from '../systems/psa/tables.ts';
import { openReferenceSystem, type OpenSystem } from '../systems/kernel/openReferenceSystem.ts';
import type { ReferenceSystem } from '../systems/kernel/referenceSystem.ts';
import { startSystemServer } from '../systems/kernel/startSystemServer.ts';
import type { SubgraphServer } from '../systems/kernel/subgraphServer.ts';
import { SYSTEMS } from '../systems/systems.ts';
import { seedIfEmpty, type SeedOutcome } from '../seed/seedIfEmpty.ts';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../auth/internalPrincipal.ts';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import type { Principal } from '../auth/principal.ts';
import { NAMED_POLICIES } from '../policies/registry.ts';
import { createTokenVerifier } from '../auth/verifyToken.ts';
import { SUBGRAPH_NAMES, type SubgraphName, type TesseraConfig } from '../core/config/config.ts';
import { createGateway } from '../gateway/createGateway.ts';
import { createInProcessFetcher } from './inProcessFetcher.ts';
import { loadIdeAssets } from '../gateway/http/ide.ts';
import { createRequestListener, listen, type ReadinessReport } from '../gateway/http/server.ts';
import type { Logger } from '../core/logger.ts';
import { createGatewayMetrics } from '../core/metrics.ts';

export interface EmbeddedOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** Called for every SQL statement a reference system runs (statement counting in tests). */
  readonly onQuery?: (system: SubgraphName, event: LogEvent) => void;
  /** Wraps the subgraph fetcher (tests simulate outages here). */
  readonly wrapFetcher?: (fetcher: Fetcher) => Fetcher;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch;
  /** `false` turns directive enforcement off: only the benchmark's baseline does that. @default true */
  readonly enforcePolicies?: boolean;
  /** The gateway's clock for capability sunsets (tests move it past a sunset date). */
  readonly now?: () => Date;
}

export interface LocalSystems {
  readonly crm?: OpenSystem<CrmTables>;
  readonly psa?: OpenSystem<PsaTables>;
  readonly erp?: OpenSystem<ErpTables>;
}

export interface Embedded {
  readonly listener: http.RequestListener;
  readonly systems: LocalSystems;
  readonly seed: SeedOutcome;
  /** Listens on `port` (default: the configured port; 0 picks a free one); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

/** The URL under which the gateway reaches a subgraph that runs in this process. */
export function embeddedUrl(name: SubgraphName): string {
  return `http://${name}.embedded.tessera/graphql`;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  const { config, logger } = options;
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
  };
  try {
    const isLocal = (name: SubgraphName) => config.subgraphUrls[name] === undefined;
    const open = async <DB, C extends object>(system: ReferenceSystem<DB, C>) => {
      if (!isLocal(system.name)) return undefined;
      const onQuery = options.onQuery;
      const opened = await openReferenceSystem(system, config.store, onQuery ? (event) => onQuery(system.name, event) : undefined);
      cleanup.push(() => opened.close());
      return opened;
    };
    const systems: LocalSystems = { crm: await open(SYSTEMS.crm), psa: await open(SYSTEMS.psa), erp: await open(SYSTEMS.erp) };
    const seed = await seedIfEmpty(systems, config.seedScale, logger);

    const verifier = createTokenVerifier({ ...config.auth, ...(options.jwksFetch ? { fetch: options.jwksFetch } : {}) });
    await verifier.ready();
    const internalSecret = await loadInternalSecret(config.internalSecret);
    const signPrincipal = (principal: Principal | null, requestId: string) => signInternalPrincipal(principal, internalSecret, { requestId });

    const servers = new Map<string, SubgraphServer>();
    // Subgraphs in this process answer each other in process too; remote ones over the network.
    const baseFetcher = createInProcessFetcher(servers, fetch as unknown as Fetcher);
    const subgraphUrl = (name: SubgraphName) => config.subgraphUrls[name] ?? embeddedUrl(name);
    const serve = async <DB, C extends object>(system: ReferenceSystem<DB, C>, opened: OpenSystem<DB> | undefined) => {
      if (!opened) return;
      const server = await startSystemServer(system, opened, logger, internalSecret, { fetcher: baseFetcher, urlOf: subgraphUrl });
      cleanup.push(() => server.stop());
      servers.set(embeddedUrl(system.name), server);
    };
    await serve(SYSTEMS.crm, systems.crm);
    await serve(SYSTEMS.psa, systems.psa);
    await serve(SYSTEMS.erp, systems.erp);

    const supergraphSdl = composeSupergraph(
      SUBGRAPH_NAMES.map((name) => ({ name, url: subgraphUrl(name), sdl: readSubgraphSdl(name) })),
    );
    const fetcher = options.wrapFetcher ? options.wrapFetcher(baseFetcher) : baseFetcher;
    const metrics = createGatewayMetrics();
    const gateway = await createGateway({
      supergraphSdl,
      fetcher,
      logger,
      authenticate: (authorization) => verifier.verify(authorization),
      signPrincipal,
      authorization: options.enforcePolicies === false ? null : {
        mode: config.authorizationMode,
        policies: NAMED_POLICIES,
        onDenied: (denied) => {
          for (const d of denied) metrics.increment('tessera_authorization_denials_total', { code: d.code, coordinate: d.coordinate });
        },
      },
      capabilities: {
        ...(options.now ? { now: options.now } : {}),
        onCall: (declaration) =>
          metrics.increment('tessera_capability_calls_total', { capability: declaration.name, version: String(declaration.version) }),
      },
    });
    cleanup.push(() => gateway.stop());


    const listener = createRequestListener({
      logger,
      maxBodyBytes: config.maxBodyBytes,
      graphql: gateway.graphql,
      assets: loadIdeAssets(),
      readiness: () => readiness(config, systems, fetcher, signPrincipal),
      metrics,
    });
    let httpServer: http.Server | undefined;
    return {
      listener,
      systems,
      seed,
      async listen(port = config.port) {
        httpServer = http.createServer(listener);
        const server = httpServer;
        cleanup.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
        const bound = await listen(server, port, config.host);
        logger.info({ port: bound }, `Tessera is serving http://localhost:${bound}/graphql`);
        return bound;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Ready when every local store answers and every remote subgraph answers a trivial query. */
async function readiness(
  config: TesseraConfig,
  systems: LocalSystems,
  fetcher: Fetcher,
  signPrincipal: (principal: Principal | null, requestId: string) => string,
): Promise<ReadinessReport> {
  const checks: Record<string, boolean> = {};
  await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => {
      const local = systems[name] as OpenSystem<unknown> | undefined;
      checks[name] = local ? await ping(local.db) : await answers(fetcher, config.subgraphUrls[name] ?? embeddedUrl(name), signPrincipal(null, 'readiness'));
    }),
  );
  return { ready: Object.values(checks).every(Boolean), checks };
}

async function ping(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

async function answers(fetcher: Fetcher, url: string, principalToken: string): Promise<boolean> {
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [INTERNAL_PRINCIPAL_HEADER]: principalToken },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return response.ok;
  } catch {
    return false;
  }
}
