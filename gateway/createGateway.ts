/**
 * The federated executor: `@apollo/gateway` inside Apollo Server, behind Tessera's own
 * GraphQL-over-HTTP handler. General on purpose: it serves whatever supergraphs its sources give
 * (swapping them in as they change, docs/registry.md#hot-reload) and knows nothing of CRM, PSA or
 * ERP; what runs around planning (authorization, capability lifecycle, ...) is the list of plugins
 * the composition root passes. Besides `/graphql`, it serves named contracts, each from its own
 * source, and more can be added while it runs.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Principal } from '../auth/principal.ts';
import type { RequestScope } from '../auth/requestScope.ts';
import { ERROR_CODES, tesseraError } from '../core/errors.ts';
import { subgraphErrorPlacement } from './datasources/errorPlacement.ts';
import type { Logger } from '../core/logger.ts';
import type { ExecutorKind } from '../core/config/executorKind.ts';
import type { ExecutedBy } from './execution/planExecutor.ts';
import type { Authenticate, createGraphQLHandler } from './http/graphqlHandler.ts';
import type { GatewayPlugin } from './plugin.ts';
import type { Admit } from './rateLimit/rateLimiter.ts';
import { createSubgraphCalls, type SubgraphCalls } from './resilience/subgraphCalls.ts';
import type { PersistedOperations } from './persisted/persistedOperations.ts';
import { serveGraph, type ServedGraph, type SupergraphEvent, type SupergraphStatus } from './supergraph/servedGraph.ts';
import type { SupergraphSource } from './supergraph/source.ts';

export type { SupergraphEvent, SupergraphStatus } from './supergraph/servedGraph.ts';

export interface GatewayOptions {
  /** The supergraph `/graphql` serves, and its updates. */
  readonly supergraph: SupergraphSource;
  /** How subgraph URLs are fetched: in process for embedded subgraphs, the network otherwise. */
  readonly fetcher: Fetcher;
  readonly logger: Logger;
  /** Schema introspection for the IDE and tooling; off also strips "Did you mean" suggestions from errors. @default true */
  readonly introspection?: boolean;
  /** Establishes the caller of each request from its Authorization header. */
  readonly authenticate: Authenticate;
  /** Signs the caller for the subgraphs (`x-tessera-principal`), once per request. */
  readonly signPrincipal: (principal: Principal | null, requestId: string) => string;
  /** Rate limits and concurrency caps of every endpoint, shared by them all (docs/rate-limits.md). @default none */
  readonly admit?: Admit | undefined;
  /** The request pipeline's plugins, in the order they run (`GatewayPlugin` has the contract). */
  readonly plugins: readonly GatewayPlugin[];
  /** Told of every supergraph applied or refused (metrics). */
  readonly onSupergraph?: ((event: SupergraphEvent) => void) | undefined;
  /** The clock of `loadedAt` and of refusals. @default () => new Date() */
  readonly now?: (() => Date) | undefined;
  /** Parsing stops above this many tokens (GRAPHQL_PARSE_FAILED), before validation. @default unbounded */
  readonly maxTokens?: number | undefined;
  /** Timeouts, breakers, retries and foreign-error handling of subgraph calls (docs/resilience.md). @default the defaults of TESSERA_SUBGRAPH_* */
  readonly subgraphCalls?: SubgraphCalls | undefined;
  /** Safelists and APQ, shared by `/graphql` and every contract (docs/persisted-operations.md). @default none */
  readonly persisted?: Pick<PersistedOperations, 'resolve'> | undefined;
  /** Which engine executes query plans (docs/executor.md). @default 'plan' */
  readonly executor?: ExecutorKind | undefined;
  /** Told which executor ran each request, and why not the plan executor (`tessera_executor_requests_total`). */
  readonly onExecuted?: ((by: ExecutedBy) => void) | undefined;
}

export type GraphQLHandler = ReturnType<typeof createGraphQLHandler>;

export interface GatewayStatus {
  readonly supergraph: SupergraphStatus;
  /** By contract name: the contracts served, and those whose first supergraph was refused. */
  readonly contracts: Readonly<Record<string, SupergraphStatus>>;
}

export interface Gateway {
  /** `/graphql`. */
  readonly graphql: GraphQLHandler;
  /** `/contracts/<name>/graphql`, when that contract serves. */
  contract(name: string): GraphQLHandler | undefined;
  /**
   * Serves a contract from its own source, with the same plugins and callers as `/graphql`.
   * Resolves once its first supergraph serves; rejects when it cannot load (reported in `status`,
   * and a later call may try again). A name already served (or being started) is not started twice.
   */
  serveContract(name: string, source: SupergraphSource): Promise<void>;
  status(): GatewayStatus;
  stop(): Promise<void>;
}

/** A contract name is a path segment that needs no escaping: letters, digits, `-` and `_`. */
export const CONTRACT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger.child({ component: 'gateway' });
  const base = {
    fetcher: options.fetcher,
    logger,
    introspection: options.introspection ?? true,
    plugins: options.plugins,
    maxTokens: options.maxTokens,
    ownPlugins: [operationResolution, subgraphErrorPlacement],
    subgraphCalls: options.subgraphCalls ?? createSubgraphCalls(),
    now: options.now ?? (() => new Date()),
    onEvent: (event: SupergraphEvent) => options.onSupergraph?.(event),
    authenticate: options.authenticate,
    signPrincipal: options.signPrincipal,
    admit: options.admit,
    persisted: options.persisted,
    executor: options.executor ?? 'plan',
    onExecuted: options.onExecuted,
  };
  const main = await serveGraph({ ...base, variant: 'main', source: options.supergraph, onStatus: () => {} });
  const contracts = new Map<string, ServedGraph>();
  const starting = new Map<string, Promise<void>>();
  const refusedAtStart = new Map<string, SupergraphStatus>();
  let stopped = false;
  return {
    graphql: main.graphql,
    contract: (name) => contracts.get(name)?.graphql,
    serveContract(name, source) {
      if (!CONTRACT_NAME.test(name))
        return Promise.reject(new TypeError(`contract name ${JSON.stringify(name)}: use letters, digits, - and _`));
      if (contracts.has(name)) return Promise.resolve();
      let started = starting.get(name);
      if (!started) {
        started = serveGraph({
          ...base,
          variant: `contracts/${name}`,
          source,
          onStatus: (status) => {
            if (!contracts.has(name)) refusedAtStart.set(name, status);
          },
        })
          .then(async (served) => {
            // A contract that finished starting after the gateway stopped must not outlive it.
            if (stopped) return served.stop();
            refusedAtStart.delete(name);
            contracts.set(name, served);
          })
          .finally(() => starting.delete(name));
        starting.set(name, started);
      }
      return started;
    },
    status() {
      const served = Object.fromEntries([...contracts].map(([name, graph]) => [name, graph.status()]));
      return { supergraph: main.status(), contracts: { ...Object.fromEntries(refusedAtStart), ...served } };
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(starting.values());
      await Promise.all([main.stop(), ...[...contracts.values()].map((graph) => graph.stop())]);
    },
  };
}

/**
 * An operationName that selects no operation of the document is the client's mistake (400), and
 * so is a subscription (SUBSCRIPTION_NOT_SUPPORTED).
 * Apollo Server leaves it to the executor, and the gateway's executor throws (which would be a 500).
 */
const operationResolution: ApolloServerPlugin<RequestScope> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, document }) {
        if (operation?.operation === 'subscription') {
          // Neither executor streams them (docs/executor.md#fallback): refused as the client's mistake, not a 500.
          throw tesseraError('SUBSCRIPTION_NOT_SUPPORTED', ERROR_CODES.SUBSCRIPTION_NOT_SUPPORTED.meaning, {
            extensions: { http: { status: 400 } },
          });
        }
        if (operation) return;
        const operations = document.definitions.filter((definition) => definition.kind === 'OperationDefinition').length;
        const message = request.operationName
          ? `Unknown operation named "${request.operationName}".`
          : operations === 0
            ? 'Must provide an operation.'
            : 'Must provide operation name if query contains multiple operations.';
        throw tesseraError('OPERATION_RESOLUTION_FAILURE', message, { extensions: { http: { status: 400 } } });
      },
    };
  },
};
