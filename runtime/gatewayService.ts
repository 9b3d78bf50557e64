/**
 * The gateway as the embedded and the gateway modes both run it: the supergraph composed from
 * `schema/` with each system's URL, the token verifier, the plugins, and the HTTP listener with
 * the IDE, health and metrics. Wiring only; each part has its own module.
 */
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Kysely } from 'kysely';
import { signInternalPrincipal } from '../auth/internalPrincipal.ts';
import type { Principal } from '../auth/principal.ts';
import { createTokenVerifier } from '../auth/verifyToken.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { createGatewayMetrics, type Metrics } from '../core/metrics.ts';
import { authorizationPlugin } from '../gateway/authorization/authorizationPlugin.ts';
import { capabilityPlugin } from '../gateway/capabilities/capabilityPlugin.ts';
import { createGateway } from '../gateway/createGateway.ts';
import { limitsPlugin } from '../gateway/limits/limitsPlugin.ts';
import { loadIdeAssets } from '../gateway/http/ide.ts';
import type { GatewayPlugin } from '../gateway/plugin.ts';
import { usagePlugin } from '../gateway/usage/usagePlugin.ts';
import { createUsageRecorder, type UsageRecorder, type UsageSink } from '../gateway/usage/usageRecorder.ts';
import { createRequestListener } from '../gateway/http/server.ts';
import { staticSupergraphSource, type SupergraphSource } from '../gateway/supergraph/source.ts';
import { composedFromSchemaFolder, recordSupergraph, serveContracts, type ContractSources } from './supergraphs.ts';
import { NAMED_POLICIES } from '../policies/registry.ts';
import { readiness } from './readiness.ts';
import type { Shutdown } from './shutdown.ts';
import type { SystemUrls } from './systemUrls.ts';

export interface GatewayServiceOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  readonly urls: SystemUrls;
  /** How the subgraphs are called (in process, the network, or both). */
  readonly fetcher: Fetcher;
  readonly internalSecret: string;
  /** The stores of the systems served in this process, for readiness. */
  readonly stores: ReadonlyMap<string, Kysely<unknown>>;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch | undefined;
  /** `false` leaves the authorization plugin out: only the benchmark's baseline does that. @default true */
  readonly enforcePolicies?: boolean | undefined;
  /** The clock capability sunsets are judged by. */
  readonly now?: (() => Date) | undefined;
  /** The `/metrics` registry, when other parts of the process add theirs (the process engine); else the gateway's own. */
  readonly metrics?: Metrics | undefined;
  /** Usage recording for the registry's usage-aware checks (docs/registry.md#usage); off when not given. */
  readonly usage?: UsageOptions | undefined;
  /**
   * Where `/graphql`'s supergraph comes from, and its updates (docs/registry.md#hot-reload).
   * @default the supergraph composed from `schema/` with each system's URL, never updated
   */
  readonly supergraph?: SupergraphSource | undefined;
  /** The contracts served at `/contracts/<name>/graphql`; none when not given. */
  readonly contracts?: ContractSources | undefined;
}

export interface UsageOptions {
  /** Takes each batch (the registry's usage API, wired by the composition root). */
  readonly sink: UsageSink;
  /** The share of operations recorded, 0 to 1. */
  readonly sampleRate: number;
  /** @default 10000 */
  readonly flushIntervalMs?: number | undefined;
  /** The sampling draw (tests). @default Math.random */
  readonly random?: (() => number) | undefined;
}

export async function startGatewayService(options: GatewayServiceOptions, shutdown: Shutdown): Promise<http.RequestListener> {
  const { config, logger, urls, fetcher } = options;
  const verifier = createTokenVerifier({ ...config.auth, ...(options.jwksFetch ? { fetch: options.jwksFetch } : {}) });
  await verifier.ready();
  const signPrincipal = (principal: Principal | null, requestId: string) =>
    signInternalPrincipal(principal, options.internalSecret, { requestId });
  const metrics = options.metrics ?? createGatewayMetrics();
  const usage = options.usage
    ? createUsageRecorder({ sink: options.usage.sink, logger, metrics, now: options.now, flushIntervalMs: options.usage.flushIntervalMs })
    : null;
  // Added before the gateway's stop, so it runs after it: the last operations are flushed too.
  if (usage) shutdown.add(() => usage.stop());
  const gateway = await createGateway({
    supergraph: options.supergraph ?? staticSupergraphSource(composedFromSchemaFolder(urls)),
    fetcher,
    logger,
    introspection: config.introspection,
    authenticate: (authorization) => verifier.verify(authorization),
    signPrincipal,
    plugins: gatewayPlugins(metrics, options, usage),
    // A backstop: the limits plugin refuses above the token limit with the exact count, but only after
    // parsing and validation; far above it, parsing stops before validation's cost grows.
    maxTokens: config.limits.tokens * 2,
    onSupergraph: (event) => recordSupergraph(metrics, event),
    now: options.now,
  });
  shutdown.add(() => gateway.stop());
  if (options.contracts) await serveContracts(gateway, options.contracts, logger, shutdown);
  return createRequestListener({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    metricsToken: config.metricsToken,
    graphql: gateway.graphql,
    // Without the IDE, `/` and `/ide/*` are unknown routes (404).
    assets: config.ide ? loadIdeAssets() : new Map(),
    contract: (name) => gateway.contract(name),
    readiness: () =>
      readiness({
        urls,
        stores: options.stores,
        fetcher,
        principalToken: () => signPrincipal(null, 'readiness'),
        details: () => ({ ...gateway.status() }),
      }),
    metrics,
  });
}

/**
 * Tessera's request pipeline, in order: operation limits (before any other work), who may read
 * what, the capability lifecycle, then usage.
 */
function gatewayPlugins(metrics: Metrics, options: GatewayServiceOptions, usage: UsageRecorder | null): GatewayPlugin[] {
  const plugins: GatewayPlugin[] = [limitsPlugin(options.config.limits)];
  if (options.enforcePolicies !== false) {
    plugins.push(
      authorizationPlugin({
        mode: options.config.authorizationMode,
        policies: NAMED_POLICIES,
        onDenied: (denied) => {
          for (const d of denied) metrics.increment('tessera_authorization_denials_total', { code: d.code, coordinate: d.coordinate });
        },
      }),
    );
  }
  plugins.push(
    capabilityPlugin({
      ...(options.now ? { now: options.now } : {}),
      onCall: (declaration) =>
        metrics.increment('tessera_capability_calls_total', { capability: declaration.name, version: String(declaration.version) }),
    }),
  );
  if (usage && options.usage)
    plugins.push(usagePlugin({ recorder: usage, sampleRate: options.usage.sampleRate, random: options.usage.random }));
  return plugins;
}
