/**
 * The federated executor: `@apollo/gateway` over a supergraph SDL, inside Apollo Server, behind
 * Tessera's own GraphQL-over-HTTP handler. General on purpose: it serves whatever supergraph it
 * is given and knows nothing of CRM, PSA or ERP.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { GatewayContext } from './context.ts';
import { tesseraError } from '../core/errors.ts';
import { SubgraphDataSource } from './datasources/SubgraphDataSource.ts';
import { createGraphQLHandler, type Authenticate } from './http/graphqlHandler.ts';
import { authorizationPlugin, type AuthorizationOptions } from './authorization/authorizationPlugin.ts';
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../core/logger.ts';
import { maskError } from '../core/maskError.ts';
import { capabilityPlugin, type CapabilityPluginOptions } from './capabilities/capabilityPlugin.ts';

export interface GatewayOptions {
  readonly supergraphSdl: string;
  /** How subgraph URLs are fetched: in process for embedded subgraphs, the network otherwise. */
  readonly fetcher: Fetcher;
  readonly logger: Logger;
  /** Schema introspection for the IDE and tooling. @default true */
  readonly introspection?: boolean;
  /** Establishes the caller of each request from its Authorization header. */
  readonly authenticate: Authenticate;
  /** Signs the caller for the subgraphs (`x-tessera-principal`). */
  readonly signPrincipal: (principal: Principal | null, requestId: string) => string;
  /**
   * Enforcement of the governance directives. `null` turns it off: only for measuring its cost
   * (`npm run bench`); the composition root always passes it.
   */
  readonly authorization: Omit<AuthorizationOptions, 'supergraphSdl'> | null;
  /** Capability lifecycle: the clock sunsets are judged by, and the usage counter. */
  readonly capabilities?: Omit<CapabilityPluginOptions, 'supergraphSdl'>;
}

export interface Gateway {
  readonly graphql: ReturnType<typeof createGraphQLHandler>;
  stop(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger.child({ component: 'gateway' });
  // One signature per client request, however many subgraph fetches its plan makes
  // (per-request state, keyed by the request's context object).
  const signed = new WeakMap<object, string>();
  const principalToken = ({ requestId, principal, context }: { requestId: string; principal: Principal | null; context: object }) => {
    let token = signed.get(context);
    if (token === undefined) {
      token = options.signPrincipal(principal, requestId);
      signed.set(context, token);
    }
    return token;
  };
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    // The fetch documents reach SubgraphDataSource, which places errors at the fields they affect.
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
    buildService: ({ name, url }) => new SubgraphDataSource(name, { url, fetcher: options.fetcher }, logger, principalToken),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
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
      ...(options.authorization ? [authorizationPlugin({ ...options.authorization, supergraphSdl: options.supergraphSdl })] : []),
      capabilityPlugin({ ...options.capabilities, supergraphSdl: options.supergraphSdl }),
    ],
  });
  await server.start();
  return { graphql: createGraphQLHandler(server, options.authenticate), stop: () => server.stop() };
}

/**
 * An operationName that selects no operation of the document is the client's mistake (400).
 * Apollo Server leaves it to the executor, and the gateway's executor throws (which would be a 500).
 */
const operationResolution: ApolloServerPlugin<GatewayContext> = {
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
