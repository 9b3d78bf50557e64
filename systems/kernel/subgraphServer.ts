/**
 * One reference-system subgraph as an Apollo Server over its Federation 2 SDL. It is reached over
 * HTTP (`tessera serve <name>`) or in process by the gateway's fetcher; either way a request
 * goes through `execute`, which gives every call a request-scoped context and a log line.
 */
import { ApolloServer, HeaderMap, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../core/logger.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../core/http/requestId.ts';
import { maskError } from '../../core/maskError.ts';
import { AuthError } from '../../auth/authError.ts';
import { INTERNAL_PRINCIPAL_HEADER } from '../../auth/internalPrincipal.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../../core/http/idempotencyKey.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER, correlationIdFrom } from '../../core/http/traceContext.ts';
import { inRequestSpan } from '../../core/telemetry/spans.ts';
import type { Principal } from '../../auth/principal.ts';
import { NEVER_ABORTED, type RequestScope } from '../../auth/requestScope.ts';

// Kept while kernel modules move their import to auth/requestScope.ts.

export interface SubgraphDefinition<Context extends BaseContext> {
  readonly name: string;
  readonly typeDefs: DocumentNode;
  readonly resolvers: GraphQLResolverMap<Context>;
  /** Builds the per-request context (loaders live here, never in module scope). */
  readonly createContext: (scope: RequestScope) => Context;
  /**
   * Verifies the gateway-signed principal header; throws AuthError when it is missing or not
   * trusted, so a call that did not come through the gateway is refused (401) before any resolver.
   */
  readonly verifyPrincipal: (header: string | undefined) => Principal | null;
}

export interface SubgraphServer {
  readonly name: string;
  /**
   * Runs one call. `signal` aborts when its caller has given up on the answer (the gateway's
   * deadline, its client gone, or the connection of a subgraph served alone closed): the call's
   * remaining reads are not run (docs/demand-control.md#client-disconnect).
   */
  execute(request: HTTPGraphQLRequest, signal?: AbortSignal): Promise<HTTPGraphQLResponse>;
  /**
   * Serves a new SDL of the same subgraph (a version published to the registry, docs/registry.md#hot-reload)
   * with the same resolvers: a field they do not name reads the record's property of that name.
   * Requests already running finish on the schema they started with. Throws, keeping the old
   * schema, when the SDL does not build. Optional: a server that cannot follow does not have it.
   */
  reload?(typeDefs: DocumentNode): Promise<void>;
  stop(): Promise<void>;
}

export async function startSubgraphServer<Context extends BaseContext>(
  definition: SubgraphDefinition<Context>,
  logger: Logger,
): Promise<SubgraphServer> {
  const log = logger.child({ subgraph: definition.name });
  let server = await startApolloServer(definition, definition.typeDefs, log);
  const execute = async (
    httpGraphQLRequest: HTTPGraphQLRequest,
    traceparent: string,
    signal: AbortSignal,
  ): Promise<HTTPGraphQLResponse> => {
    const started = performance.now();
    const requestId = requestIdFrom(httpGraphQLRequest.headers.get(REQUEST_ID_HEADER));
    const requestLog = log.child({ reqId: requestId });
    let principal: Principal | null;
    const principalToken = httpGraphQLRequest.headers.get(INTERNAL_PRINCIPAL_HEADER);
    try {
      principal = definition.verifyPrincipal(principalToken);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      requestLog.warn({ reason: error.reason }, 'subgraph call refused: no valid gateway principal');
      return refused(error);
    }
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        definition.createContext({
          requestId,
          logger: requestLog,
          principal,
          principalToken: principalToken ?? '',
          idempotencyKey: httpGraphQLRequest.headers.get(IDEMPOTENCY_KEY_HEADER) ?? null,
          // The gateway's (or a peer's) trace and process, continued here (docs/events.md#trace-context);
          // with tracing on, the traceparent is this call's span (docs/observability.md#traces).
          correlationId: correlationIdFrom(httpGraphQLRequest.headers.get(CORRELATION_ID_HEADER), requestId),
          traceparent,
          signal,
        }),
    });
    requestLog.debug({ status: response.status ?? 200, ms: Math.round(performance.now() - started) }, 'subgraph request');
    return response;
  };
  return {
    name: definition.name,
    // docs/observability.md#traces: a `tessera.subgraph` span per call, child of the gateway's fetch span.
    execute: (httpGraphQLRequest, signal = NEVER_ABORTED) =>
      inRequestSpan('tessera.subgraph', httpGraphQLRequest.headers.get(TRACEPARENT_HEADER), { subgraph: definition.name }, (traceparent) =>
        execute(httpGraphQLRequest, traceparent, signal),
      ),
    async reload(typeDefs) {
      const next = await startApolloServer(definition, typeDefs, log);
      const previous = server;
      server = next;
      // Apollo Server's stop lets operations already executing finish.
      await previous.stop();
      log.info('subgraph schema reloaded');
    },
    stop: () => server.stop(),
  };
}

async function startApolloServer<Context extends BaseContext>(
  definition: SubgraphDefinition<Context>,
  typeDefs: DocumentNode,
  log: Logger,
): Promise<ApolloServer<Context>> {
  const server = new ApolloServer<Context>({
    schema: buildSubgraphSchema({ typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<unknown> }),
    includeStacktraceInErrorResponses: false,
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskError(formatted, error, log),
    logger: log,
    // No HTTP caching of GraphQL answers here: the default cache-control plugin would only
    // instrument every field resolver for hints nobody reads.
    // Nor report anything to Apollo's cloud, whatever APOLLO_KEY / APOLLO_SCHEMA_REPORTING say.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
  await server.start();
  return server;
}

/** 401 for a call without a valid gateway principal; the reason never includes the token. */
function refused(error: AuthError): HTTPGraphQLResponse {
  return {
    status: 401,
    headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]),
    body: {
      kind: 'complete',
      string: JSON.stringify({
        errors: [{ message: `Subgraphs answer only the gateway (${error.reason}).`, extensions: { code: 'UNAUTHENTICATED' } }],
      }),
    },
  };
}
