import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import { INTERNAL_PRINCIPAL_HEADER } from '../../auth/internalPrincipal.ts';
import { REQUEST_ID_HEADER } from '../../core/http/requestId.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../../core/http/idempotencyKey.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER } from '../../core/http/traceContext.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { Logger } from '../../core/logger.ts';
import { placeAtAffectedPaths, unavailableErrors } from './unavailableErrors.ts';

/**
 * How the gateway calls a subgraph. Thin on purpose: it forwards the request id, the correlation
 * id and the trace context, and turns a
 * subgraph that cannot be reached (or answers with a 5xx or a body that is not GraphQL) into
 * SUBGRAPH_UNAVAILABLE errors at the affected paths instead of failing the whole operation; a
 * 4xx GraphQL answer (the subgraph refused a value) is relayed at those paths as it is.
 *
 * Mutations are never retried here: `RemoteGraphQLDataSource` does not retry, and a retried
 * business capability could have its effect twice.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestScope> {
  constructor(
    readonly serviceName: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<RequestScope>>[0],
    private readonly logger: Logger,
  ) {
    super(config);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RequestScope>): void {
    const { requestId, principalToken, idempotencyKey, correlationId, traceparent } = context as Partial<RequestScope>;
    if (!request.http || !requestId || !principalToken) return; // health probes and the gateway's own calls carry no request scope
    request.http.headers.set(REQUEST_ID_HEADER, requestId);
    // One trace and one process from the request through the subgraphs (docs/events.md#trace-context).
    if (correlationId) request.http.headers.set(CORRELATION_ID_HEADER, correlationId);
    if (traceparent) request.http.headers.set(TRACEPARENT_HEADER, traceparent);
    // Only ever set on a request with exactly one mutation field (capabilityPlugin checks).
    if (idempotencyKey) request.http.headers.set(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
    // The caller signed for the subgraphs: the only credential they accept.
    request.http.headers.set(INTERNAL_PRINCIPAL_HEADER, principalToken);
  }

  override async process(options: GraphQLDataSourceProcessOptions<RequestScope>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const context = options.context as Partial<RequestScope>;
      const document = 'document' in options ? options.document : undefined;
      const refused = refusedRequestErrors(error);
      if (refused) {
        // The subgraph answered, and refused the request (a value its scalars reject): its own,
        // already masked errors are the answer, not "unavailable".
        (context.logger ?? this.logger).info({ subgraph: this.serviceName, errors: refused }, 'subgraph refused the request');
        return { errors: placeAtAffectedPaths(refused, document, options.request.variables) };
      }
      (context.logger ?? this.logger).warn({ subgraph: this.serviceName, err: error }, 'subgraph request failed');
      return { errors: unavailableErrors(this.serviceName, document, options.request.variables) };
    }
  }
}

/**
 * The GraphQL errors of a 4xx answer (`RemoteGraphQLDataSource` throws on any non-2xx status and
 * keeps the parsed body in `extensions.response`); undefined for anything else (5xx, HTML, no answer).
 */
function refusedRequestErrors(error: unknown): GraphQLFormattedError[] | undefined {
  const response = (error as { extensions?: { response?: { status?: unknown; body?: unknown } } } | null)?.extensions?.response;
  if (typeof response?.status !== 'number' || response.status < 400 || response.status > 499) return undefined;
  const errors = (response.body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const valid = errors.filter(
    (entry): entry is GraphQLFormattedError => typeof (entry as { message?: unknown } | null)?.message === 'string',
  );
  return valid.length === errors.length ? valid : undefined;
}
