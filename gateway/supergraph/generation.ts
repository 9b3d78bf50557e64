/**
 * One supergraph made ready to serve: its own `ApolloGateway` (query planner, subgraph data
 * sources) and the request plugins made for it. A request is validated, planned and executed by
 * the generation of the schema it started on, so a swap never replans a request in flight against
 * a supergraph it was not validated against (docs/registry.md#hot-reload).
 */
import { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { assertValidSchema, type GraphQLSchema } from 'graphql';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { Logger } from '../../core/logger.ts';
import type { ExecutorKind } from '../../core/config/executorKind.ts';
import { createPlanExecutor, type ExecutedBy } from '../execution/planExecutor.ts';
import { SubgraphDataSource } from '../datasources/SubgraphDataSource.ts';
import { didResolveQueryPlan, tracedExecutor } from '../tracing/executionSpans.ts';
import type { GatewayPlugin, GatewayPluginHost } from '../plugin.ts';
import type { SubgraphCalls } from '../resilience/subgraphCalls.ts';
import type { Supergraph } from './source.ts';

export interface Generation {
  readonly supergraph: Supergraph;
  /** The API schema Apollo Server validates this generation's requests against. */
  readonly apiSchema: GraphQLSchema;
  readonly executor: GatewayExecutor;
  /** The request plugins made for this supergraph, in the gateway's plugin order. */
  readonly plugins: readonly ApolloServerPlugin<RequestScope>[];
  readonly loadedAt: Date;
  stop(): Promise<void>;
}

export interface GenerationDependencies {
  readonly fetcher: Fetcher;
  /** Timeouts, breakers and retries of the subgraph calls, shared across generations (docs/resilience.md). */
  readonly subgraphCalls: SubgraphCalls;
  readonly logger: Logger;
  readonly plugins: readonly GatewayPlugin[];
  readonly host: GatewayPluginHost;
  readonly now: () => Date;
  /** Which engine executes the query plans (docs/executor.md). */
  readonly executor: ExecutorKind;
  /** Told which executor ran each request, and why not the plan executor (metrics). */
  readonly onExecuted?: ((by: ExecutedBy) => void) | undefined;
}

/**
 * Throws when the supergraph cannot serve: it does not parse, the gateway refuses it, or a plugin
 * cannot serve it (its `create` throws).
 */
export async function loadGeneration(supergraph: Supergraph, dependencies: GenerationDependencies): Promise<Generation> {
  const { fetcher, logger } = dependencies;
  // @apollo/gateway otherwise sends host metrics (CPU, memory, OS) to usage-reporting.api.apollographql.com
  // every hour and at every stop, with no API option to refuse it: its one switch is this variable,
  // read in the constructor. A self-hosted gateway never phones home.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.sdl,
    logger,
    // The fetch documents reach SubgraphDataSource: its errors carry what each fetch was to supply (docs/resilience.md#precise-paths).
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
    buildService: ({ name, url }) => new SubgraphDataSource(name, { url, fetcher }, logger, dependencies.subgraphCalls),
    // docs/observability.md#traces: ends the request's `tessera.plan` span.
    experimental_didResolveQueryPlan: didResolveQueryPlan,
  });
  const { schema, executor: apolloExecutor } = await gateway.load();
  // Apollo Server would refuse it only after the swap (and log it); refuse it before.
  assertValidSchema(schema);
  const executor =
    dependencies.executor === 'plan'
      ? createPlanExecutor({ gateway, fallback: apolloExecutor, didResolveQueryPlan, onExecuted: dependencies.onExecuted })
      : apolloExecutor;
  const plugins = dependencies.plugins.map((plugin) => plugin.create(dependencies.host, supergraph.sdl));
  return {
    supergraph,
    apiSchema: schema,
    executor: tracedExecutor(executor),
    plugins,
    loadedAt: dependencies.now(),
    stop: () => gateway.stop(),
  };
}
