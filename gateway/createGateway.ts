/**
 * The federated executor: `@apollo/gateway` over a supergraph SDL, inside Apollo Server, behind
 * Tessera's own GraphQL-over-HTTP handler. General on purpose: it serves whatever supergraph it
 * is given and knows nothing of CRM, PSA or ERP; what runs around planning (authorization,
 * capability lifecycle, ...) is the list of plugins the composition root passes.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Principal } from '../auth/principal.ts';
import type { RequestScope } from '../auth/requestScope.ts';
import { tesseraError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { maskError } from '../core/maskError.ts';
import { SubgraphDataSource } from './datasources/SubgraphDataSource.ts';
import { createGraphQLHandler, type Authenticate } from './http/graphqlHandler.ts';
import { createPlannedOperations, type PlannedOperationStore } from './plannedOperation.ts';
import type { GatewayPlugin } from './plugin.ts';

export interface GatewayOptions {
  readonly supergraphSdl: string;
  /** How subgraph URLs are fetched: in process for embedded subgraphs, the network otherwise. */
  readonly fetcher: Fetcher;
  readonly logger: Logger;
  /** Schema introspection for the IDE and tooling. @default true */
  readonly introspection?: boolean;
  /** Establishes the caller of each request from its Authorization header. */
  readonly authenticate: Authenticate;
  /** Signs the caller for the subgraphs (`x-tessera-principal`), once per request. */
  readonly signPrincipal: (principal: Principal | null, requestId: string) => string;
  /** The request pipeline's plugins, in the order they run (`GatewayPlugin` has the contract). */
  readonly plugins: readonly GatewayPlugin[];
}

export interface Gateway {
  readonly graphql: ReturnType<typeof createGraphQLHandler>;
  stop(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger.child({ component: 'gateway' });
  const operations = createPlannedOperations();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    // The fetch documents reach SubgraphDataSource, which places errors at the fields they affect.
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
    buildService: ({ name, url }) => new SubgraphDataSource(name, { url, fetcher: options.fetcher }, logger),
  });
  const server = new ApolloServer<RequestScope>({
    gateway: planningReplacements(gateway, operations),
    logger,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // Tessera's HTTP layer accepts only JSON bodies on POST and queries on GET, which is the
    // protection Apollo's CSRF check gives; the check itself would refuse spec-compliant GETs.
    csrfPrevention: false,
    persistedQueries: false,
    formatError: (formatted, error) => maskError(formatted, error, logger),
    plugins: [
      // Answers are never HTTP-cached (they depend on the caller); skip the per-field hint collection.
      ApolloServerPluginCacheControlDisabled(),
      operationResolution,
      ...options.plugins.map((plugin) => plugin.create({ operations })),
    ],
  });
  await server.start();
  return {
    graphql: createGraphQLHandler(server, { authenticate: options.authenticate, signPrincipal: options.signPrincipal }),
    stop: () => server.stop(),
  };
}

/** The gateway, planning each request's operation as the plugins left it (`PlannedOperations`). */
function planningReplacements(gateway: ApolloGateway, operations: PlannedOperationStore): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const { executor } = await gateway.load(options);
      return { executor: (requestContext) => executor(operations.applyTo(requestContext)) };
    },
  };
}

/**
 * An operationName that selects no operation of the document is the client's mistake (400).
 * Apollo Server leaves it to the executor, and the gateway's executor throws (which would be a 500).
 */
const operationResolution: ApolloServerPlugin<RequestScope> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, document }) {
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
