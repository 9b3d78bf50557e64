/**
 * One GraphQL endpoint (`/graphql`, or a contract's `/contracts/<name>/graphql`) over a supergraph
 * that may be swapped while it serves (docs/registry.md#hot-reload). Apollo Server sees one
 * gateway whose schema updates; behind it each supergraph is its own generation, and each request
 * runs on the generation of the schema it started with (its plugins, its planner), so requests in
 * flight during a swap finish on their supergraph. A supergraph that cannot load is refused and
 * the previous one keeps serving.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { GraphQLSchema } from 'graphql';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { Logger } from '../../core/logger.ts';
import type { ExecutorKind } from '../../core/config/executorKind.ts';
import type { ExecutedBy } from '../execution/planExecutor.ts';
import { maskError } from '../../core/maskError.ts';
import { createGraphQLHandler, type Caller } from '../http/graphqlHandler.ts';
import { createPlannedOperations } from '../plannedOperation.ts';
import type { GatewayPlugin } from '../plugin.ts';
import { tracedPlugin } from '../tracing/tracedPlugins.ts';
import { tracingPlugin } from '../tracing/tracingPlugin.ts';
import type { SubgraphCalls } from '../resilience/subgraphCalls.ts';
import type { PersistedOperations } from '../persisted/persistedOperations.ts';
import { loadGeneration, type Generation } from './generation.ts';
import type { Supergraph, SupergraphOutcome, SupergraphSource } from './source.ts';

/** What `/health/ready` reports of one endpoint's supergraph. */
export interface SupergraphStatus {
  /** The supergraph serving; null while none has loaded (a contract whose first one was refused). */
  readonly id: string | null;
  readonly loadedAt: string | null;
  /** The last supergraph refused, why and when; it stays reported after a later one loads. */
  readonly lastError: { readonly id: string; readonly message: string; readonly at: string } | null;
}

/** One supergraph applied or refused, for metrics (`variant`: `main` or `contracts/<name>`). */
export interface SupergraphEvent {
  readonly variant: string;
  readonly result: 'applied' | 'failed';
  readonly id: string;
  readonly at: Date;
}

export interface ServedGraphOptions extends Caller {
  readonly variant: string;
  readonly source: SupergraphSource;
  readonly fetcher: Fetcher;
  /** Shared by every generation, so a subgraph's breaker outlives a swap. */
  readonly subgraphCalls: SubgraphCalls;
  readonly logger: Logger;
  readonly introspection: boolean;
  /** Parsing stops above this many tokens. */
  readonly maxTokens?: number | undefined;
  readonly plugins: readonly GatewayPlugin[];
  /** Apollo Server plugins of the gateway itself, run before `plugins`. */
  readonly ownPlugins: readonly ApolloServerPlugin<RequestScope>[];
  readonly now: () => Date;
  readonly onEvent: (event: SupergraphEvent) => void;
  /** Where a refusal is recorded when the endpoint never starts (its status outlives it). */
  readonly onStatus: (status: SupergraphStatus) => void;
  /** Resolves persisted operations and APQ before Apollo Server sees a request (docs/persisted-operations.md). */
  readonly persisted?: Pick<PersistedOperations, 'resolve'> | undefined;
  /** Which engine executes the query plans (docs/executor.md). */
  readonly executor: ExecutorKind;
  readonly onExecuted?: ((by: ExecutedBy) => void) | undefined;
}

export interface ServedGraph {
  readonly graphql: ReturnType<typeof createGraphQLHandler>;
  status(): SupergraphStatus;
  stop(): Promise<void>;
}

/** Resolves once the first supergraph serves; rejects (after reporting it) when it cannot load. */
export async function serveGraph(options: ServedGraphOptions): Promise<ServedGraph> {
  const { variant, logger } = options;
  const operations = createPlannedOperations();
  const dependencies = {
    fetcher: options.fetcher,
    subgraphCalls: options.subgraphCalls,
    logger,
    plugins: options.plugins,
    host: { operations },
    now: options.now,
    executor: options.executor,
    onExecuted: options.onExecuted,
  };
  let lastError: SupergraphStatus['lastError'] = null;
  const status = (): SupergraphStatus => ({
    id: serving?.supergraph.id ?? null,
    loadedAt: serving?.loadedAt.toISOString() ?? null,
    lastError,
  });
  const refused = (supergraph: Supergraph, error: unknown): SupergraphOutcome => {
    const message = error instanceof Error ? error.message : String(error);
    const at = options.now();
    lastError = { id: supergraph.id, message, at: at.toISOString() };
    logger.error({ variant, supergraphId: supergraph.id, err: error }, 'supergraph refused: the previous one keeps serving');
    options.onEvent({ variant, result: 'failed', id: supergraph.id, at });
    options.onStatus(status());
    return { result: 'failed', id: supergraph.id, error: message };
  };

  let serving: Generation | null = null;
  const initial = await options.source.initial();
  try {
    serving = await loadGeneration(initial, dependencies);
  } catch (error) {
    refused(initial, error);
    throw error;
  }
  // Apollo Server hands the executor and the plugins the schema each request was validated against;
  // a generation no request and no Apollo Server state refers to any more is garbage.
  const generations = new WeakMap<GraphQLSchema, Generation>([[serving.apiSchema, serving]]);
  const generationOf = (schema: GraphQLSchema): Generation => generations.get(schema) ?? serving!;
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  const announce = (generation: Generation) => {
    for (const listener of listeners) listener({ apiSchema: generation.apiSchema, coreSupergraphSdl: generation.supergraph.sdl });
  };
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      announce(serving!);
      return { executor: (requestContext) => generationOf(requestContext.schema).executor(operations.applyTo(requestContext)) };
    },
    stop: async () => {},
  };
  const server = new ApolloServer<RequestScope>({
    gateway,
    logger,
    introspection: options.introspection,
    // A "Did you mean" suggestion names fields a client did not ask for: with introspection off it
    // would let a client map the schema by guessing.
    hideSchemaDetailsFromClientErrors: !options.introspection,
    includeStacktraceInErrorResponses: false,
    // Tessera's HTTP layer accepts only JSON bodies on POST and queries on GET, which is the
    // protection Apollo's CSRF check gives; the check itself would refuse spec-compliant GETs.
    csrfPrevention: false,
    // Persisted operations and APQ are resolved by Tessera's handler, per client, before this (docs/persisted-operations.md).
    persistedQueries: false,
    ...(options.maxTokens === undefined ? {} : { parseOptions: { maxTokens: options.maxTokens } }),
    formatError: (formatted, error) => maskError(formatted, error, logger),
    plugins: [
      // Answers are never HTTP-cached (they depend on the caller); skip the per-field hint collection.
      ApolloServerPluginCacheControlDisabled(),
      // A self-hosted gateway never phones home: APOLLO_KEY / APOLLO_GRAPH_REF / APOLLO_SCHEMA_REPORTING
      // in the environment would otherwise send every operation and the schema to Apollo's cloud.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // The graphql.parse and graphql.validate spans (docs/observability.md#traces).
      tracingPlugin(),
      ...options.ownPlugins,
      // Position i runs plugin i as made for the request's supergraph, its decision in a span when tracing is on.
      ...options.plugins.map((plugin, i): ApolloServerPlugin<RequestScope> =>
        tracedPlugin(plugin.name, {
          requestDidStart: async (requestContext) => generationOf(requestContext.schema).plugins[i]!.requestDidStart?.(requestContext),
        }),
      ),
    ],
  });
  await server.start();
  logger.info({ variant, supergraphId: initial.id }, 'supergraph loaded');
  options.onEvent({ variant, result: 'applied', id: initial.id, at: serving.loadedAt });

  const apply = async (next: Supergraph): Promise<SupergraphOutcome> => {
    const previous = serving!;
    if (next.id === previous.supergraph.id) return { result: 'unchanged', id: next.id };
    let generation: Generation;
    try {
      generation = await loadGeneration(next, dependencies);
    } catch (error) {
      return refused(next, error);
    }
    generations.set(generation.apiSchema, generation);
    announce(generation);
    serving = generation;
    logger.info({ variant, supergraphId: next.id, previousId: previous.supergraph.id }, 'supergraph swapped in');
    options.onEvent({ variant, result: 'applied', id: next.id, at: generation.loadedAt });
    // The previous generation owns no timer or connection: requests still on it finish, then it is garbage.
    return { result: 'applied', id: next.id };
  };
  let queue: Promise<unknown> = Promise.resolve();
  // Offers are applied one at a time, in order.
  const offer = (next: Supergraph): Promise<SupergraphOutcome> => {
    const applied = queue.then(() => apply(next));
    queue = applied;
    return applied;
  };
  const unsubscribe = options.source.subscribe(offer);
  return {
    graphql: createGraphQLHandler(
      server,
      { authenticate: options.authenticate, signPrincipal: options.signPrincipal, admit: options.admit },
      options.persisted,
    ),
    status,
    async stop() {
      unsubscribe();
      await queue;
      await server.stop();
      await serving?.stop();
    },
  };
}
