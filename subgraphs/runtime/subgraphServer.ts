/**
 * One reference-system subgraph as an Apollo Server over its Federation 2 SDL. It is reached over
 * HTTP (`tessera serve <name>`) or in process by the gateway's fetcher; either way a request
 * goes through `execute`, which gives every call a request-scoped context and a log line.
 */
import { ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../gateway/logger.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../gateway/http/requestId.ts';
import { maskError } from '../../gateway/maskError.ts';

export interface RequestScope {
  readonly requestId: string;
  readonly logger: Logger;
}

export interface SubgraphDefinition<Context extends BaseContext> {
  readonly name: string;
  readonly typeDefs: DocumentNode;
  readonly resolvers: GraphQLResolverMap<Context>;
  /** Builds the per-request context (loaders live here, never in module scope). */
  readonly createContext: (scope: RequestScope) => Context;
}

export interface SubgraphServer {
  readonly name: string;
  execute(request: HTTPGraphQLRequest): Promise<HTTPGraphQLResponse>;
  stop(): Promise<void>;
}

export async function startSubgraphServer<Context extends BaseContext>(
  definition: SubgraphDefinition<Context>,
  logger: Logger,
): Promise<SubgraphServer> {
  const log = logger.child({ subgraph: definition.name });
  const server = new ApolloServer<Context>({
    schema: buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<unknown> }),
    includeStacktraceInErrorResponses: false,
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskError(formatted, error, log),
    logger: log,
  });
  await server.start();
  return {
    name: definition.name,
    async execute(httpGraphQLRequest) {
      const started = performance.now();
      const requestId = requestIdFrom(httpGraphQLRequest.headers.get(REQUEST_ID_HEADER));
      const requestLog = log.child({ reqId: requestId });
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () => definition.createContext({ requestId, logger: requestLog }),
      });
      requestLog.debug({ status: response.status ?? 200, ms: Math.round(performance.now() - started) }, 'subgraph request');
      return response;
    },
    stop: () => server.stop(),
  };
}
