/**
 * The gateway as the embedded and the gateway modes both run it: the supergraph composed from
 * `schema/` with each system's URL, the token verifier, the plugins, and the HTTP listener with
 * the IDE, health and metrics. Wiring only; each part has its own module.
 */
import { executorCounter } from '../gateway/execution/executorMetrics.ts';
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Kysely } from 'kysely';
import { signInternalPrincipal } from '../auth/internalPrincipal.ts';
import type { Principal } from '../auth/principal.ts';
import { createTokenVerifier } from '../auth/verifyToken.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { createGatewayMetrics, createLabelCap, type Metrics } from '../core/metrics.ts';
import { authorizationPlugin } from '../gateway/authorization/authorizationPlugin.ts';
import { capabilityPlugin } from '../gateway/capabilities/capabilityPlugin.ts';
import { maxLengthPlugin } from '../gateway/inputs/maxLengthPlugin.ts';
import { createGateway } from '../gateway/createGateway.ts';
import { limitsPlugin } from '../gateway/limits/limitsPlugin.ts';
import { countRefusal, defineLimitMetrics } from '../gateway/limits/limitMetrics.ts';
import { costPlugin } from '../gateway/cost/costPlugin.ts';
import { defineCostMetrics, recordCost } from '../gateway/cost/costMetrics.ts';
import { loadIdeAssets } from '../gateway/http/ide.ts';
import { withTokenHint } from '../gateway/http/tokenHint.ts';
import type { GatewayPlugin } from '../gateway/plugin.ts';
import { usagePlugin } from '../gateway/usage/usagePlugin.ts';
import { createSubgraphCalls } from '../gateway/resilience/subgraphCalls.ts';
import { limitResponseSize } from '../gateway/limits/subgraphResponseSize.ts';
import { capabilityLimitPlugin } from '../gateway/rateLimit/capabilityLimitPlugin.ts';
import { startRateLimiting } from '../gateway/rateLimit/rateLimiting.ts';
import { createUsageRecorder, type UsageRecorder, type UsageSink } from '../gateway/usage/usageRecorder.ts';
import { createRequestListener, DISTINCT_LABEL_VALUES, type HttpApp } from '../gateway/http/server.ts';
import { staticSupergraphSource, type SupergraphSource } from '../gateway/supergraph/source.ts';
import { composedFromSchemaFolder, recordSupergraph, serveContracts, type ContractSources } from './supergraphs.ts';
import { NAMED_POLICIES } from '../policies/registry.ts';
import type { NamedPolicy } from '../policies/namedPolicy.ts';
import { readiness } from './readiness.ts';
import type { ManifestSource } from './manifestSource.ts';
import { startPersistedOperations } from './persistedOperations.ts';
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
  /**
   * The named policies `@policy` may use; the gateway refuses a supergraph that disagrees with them.
   * A supergraph of subgraphs other than Tessera's (the federation benchmark's) uses none. @default NAMED_POLICIES
   */
  readonly policies?: ReadonlyMap<string, NamedPolicy> | undefined;
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
  /** The registry's persisted-operation manifests (docs/persisted-operations.md#through-the-registry); only the file's when not given. */
  readonly manifests?: ManifestSource | undefined;
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
  // docs/rate-limits.md: none when every limit is off; its store (a Redis connection) closes after the gateway stops.
  const rateLimiting = startRateLimiting({ config: config.rateLimits, metrics, logger, now: options.now });
  if (rateLimiting) shutdown.add(() => rateLimiting.close());
  await rateLimiting?.ready();
  const persisted = await startPersistedOperations(config, logger, metrics, options.manifests, shutdown);
  const gateway = await createGateway({
    supergraph: options.supergraph ?? staticSupergraphSource(composedFromSchemaFolder(urls)),
    // No subgraph answer above TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES is held (README "Operation limits").
    fetcher: limitResponseSize(fetcher, config.limits.subgraphResponseBytes),
    subgraphCalls: createSubgraphCalls(config.subgraphResilience, {
      metrics,
      now: options.now ? () => options.now!().getTime() : undefined,
    }),
    logger,
    introspection: config.introspection,
    authenticate: (authorization) => verifier.verify(authorization),
    signPrincipal,
    plugins: [
      ...gatewayPlugins(metrics, options, usage),
      ...(rateLimiting ? [capabilityLimitPlugin({ limiter: rateLimiting.limiter, logger })] : []),
    ],
    admit: rateLimiting ? (client) => rateLimiting.limiter.admit(client) : undefined,
    // A backstop: the limits plugin refuses above the token limit with the exact count, but only after
    // parsing and validation; far above it, parsing stops before validation's cost grows.
    maxTokens: config.limits.tokens * 2,
    onSupergraph: (event) => recordSupergraph(metrics, event),
    persisted,
    now: options.now,
    executor: config.executor,
    onExecuted: executorCounter(metrics),
  });
  shutdown.add(() => gateway.stop());
  if (options.contracts) await serveContracts(gateway, options.contracts, logger, shutdown);
  // In development, UNAUTHENTICATED says how to get a token (docs/production.md#the-ide).
  const hinted = (endpoint: HttpApp['graphql']): HttpApp['graphql'] => (config.env === 'development' ? withTokenHint(endpoint) : endpoint);
  return createRequestListener({
    execution: {
      timeoutMs: config.demandControl.executionTimeoutMs,
      // gatewayPlugins defined the limit metrics before the gateway started.
      onTimeout: () => countRefusal(metrics, 'timeout'),
    },
    logger,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    metricsToken: config.metricsToken,
    graphql: hinted(gateway.graphql),
    // Without the IDE, `/` and `/ide/*` are unknown routes (404).
    assets: config.ide ? loadIdeAssets() : new Map(),
    contract: (name) => {
      const endpoint = gateway.contract(name);
      return endpoint && hinted(endpoint);
    },
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
 * Tessera's request pipeline, in order: operation limits (before any other work), demand control, who may read
 * what, the capability lifecycle, then usage.
 */
function gatewayPlugins(metrics: Metrics, options: GatewayServiceOptions, usage: UsageRecorder | null): GatewayPlugin[] {
  defineLimitMetrics(defineCostMetrics(metrics));
  // A client id is any `client_id` a trusted token carries: capped like the latency histogram's (docs/observability.md#prometheus-metrics).
  const costClient = createLabelCap(DISTINCT_LABEL_VALUES);
  const plugins: GatewayPlugin[] = [
    limitsPlugin(options.config.limits, { onRefused: (limit) => countRefusal(metrics, limit) }),
    // docs/demand-control.md: on the operation as the limits left it, before any authorization work.
    costPlugin({
      config: options.config.demandControl,
      onRefused: () => countRefusal(metrics, 'cost'),
      onMeasured: (client, cost) => recordCost(metrics, costClient(client), cost),
    }),
    // docs/capabilities.md#input-lengths: free-text inputs within their declared lengths, before any subgraph call.
    maxLengthPlugin(),
  ];
  if (options.enforcePolicies !== false) {
    plugins.push(
      authorizationPlugin({
        mode: options.config.authorizationMode,
        policies: options.policies ?? NAMED_POLICIES,
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
