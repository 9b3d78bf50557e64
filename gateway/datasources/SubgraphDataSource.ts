import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Kind, OperationTypeNode, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { INTERNAL_PRINCIPAL_HEADER } from '../../auth/internalPrincipal.ts';
import { REQUEST_ID_HEADER } from '../../core/http/requestId.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../../core/http/idempotencyKey.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER } from '../../core/http/traceContext.ts';
import type { Span } from '@opentelemetry/api';
import { failSpan, traceparentOf } from '../../core/telemetry/spans.ts';
import { startFetchSpan } from '../tracing/executionSpans.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { Logger } from '../../core/logger.ts';
import { isRetryable, responseStatusOf, unavailableReason, type UnavailableReason } from '../resilience/failure.ts';
import { backoffDelay, fetchDeadline, pause, type FetchDeadline } from '../resilience/retry.ts';
import type { SubgraphCalls } from '../resilience/subgraphCalls.ts';
import { SubgraphResponseTooLargeError } from '../limits/subgraphResponseSize.ts';
import { foreignErrors } from './foreignErrors.ts';
import { fetchErrors, tooLargeError, unavailableError } from './unavailableErrors.ts';

/**
 * How the gateway calls a subgraph (docs/resilience.md). It forwards the request id, the
 * correlation id and the trace context; bounds each fetch by the subgraph's timeout (and the
 * client's request); fails fast while the subgraph's circuit is open; tries a query fetch again
 * after a connect error or a 503 (never a mutation: a retried business capability could have its
 * effect twice); and turns a subgraph that gives no usable answer into SUBGRAPH_UNAVAILABLE errors
 * (`extensions.reason`) instead of failing the whole operation. A 4xx GraphQL answer (the subgraph
 * refused a value) is relayed as it is; errors of a foreign subgraph become SUBGRAPH_ERROR.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestScope> {
  constructor(
    readonly serviceName: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<RequestScope>>[0],
    private readonly logger: Logger,
    private readonly calls: SubgraphCalls,
  ) {
    super(config);
  }

  /** The traceparent each fetch forwards when tracing is on: its own span's (by the fetch's request). */
  private readonly fetchTraceparents = new WeakMap<object, string>();

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RequestScope>): void {
    const { requestId, principalToken, idempotencyKey, correlationId, traceparent } = context as Partial<RequestScope>;
    if (!request.http || !requestId || !principalToken) return; // health probes and the gateway's own calls carry no request scope
    request.http.headers.set(REQUEST_ID_HEADER, requestId);
    // One trace and one process from the request through the subgraphs (docs/events.md#trace-context).
    if (correlationId) request.http.headers.set(CORRELATION_ID_HEADER, correlationId);
    // With tracing on, the subgraph's span is the child of this fetch's span (docs/observability.md#traces).
    const forwarded = this.fetchTraceparents.get(request) ?? traceparent;
    if (forwarded) request.http.headers.set(TRACEPARENT_HEADER, forwarded);
    // Only ever set on a request with exactly one mutation field (capabilityPlugin checks).
    if (idempotencyKey) request.http.headers.set(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
    // The caller signed for the subgraphs: the only credential they accept.
    request.http.headers.set(INTERNAL_PRINCIPAL_HEADER, principalToken);
  }

  override async process(options: GraphQLDataSourceProcessOptions<RequestScope>): Promise<GatewayGraphQLResponse> {
    const subgraph = this.serviceName;
    const scope = options.context as Partial<RequestScope>;
    const document = 'document' in options ? options.document : undefined;
    const variables = options.request.variables;
    const placed = (errors: readonly GraphQLFormattedError[]) => ({ errors: fetchErrors(errors, document, variables) });
    const retries = isQueryFetch(document, options.request.query) ? this.calls.config.retries : 0;
    const deadline = fetchDeadline(this.calls.timeoutMs(subgraph), scope.signal);
    // docs/observability.md#traces: one span per fetch (its attempts included), under the request's execution.
    const span = startFetchSpan(scope, subgraph);
    if (span) this.fetchTraceparents.set(options.request, traceparentOf(span));
    try {
      return await this.attempts(options, deadline, retries, placed, span);
    } catch (error) {
      if (span) failSpan(span, error);
      throw error;
    } finally {
      deadline.clear();
      span?.end();
    }
  }

  /** The fetch's attempts within its deadline: breaker, retries, and what each failure answers. */
  private async attempts(
    options: GraphQLDataSourceProcessOptions<RequestScope>,
    deadline: FetchDeadline,
    retries: number,
    placed: (errors: readonly GraphQLFormattedError[]) => GatewayGraphQLResponse,
    span: Span | undefined,
  ): Promise<GatewayGraphQLResponse> {
    const subgraph = this.serviceName;
    const scope = options.context as Partial<RequestScope>;
    const logger = scope.logger ?? this.logger;
    const { signal } = deadline;
    const breaker = this.calls.breaker(subgraph);
    const unavailable = (reason: UnavailableReason, error: unknown, attempts: number) => {
      this.calls.failed(subgraph, reason);
      logger.warn({ subgraph, reason, attempts, err: error }, 'subgraph request failed');
      if (span) {
        span.setAttribute('tessera.unavailable.reason', reason);
        failSpan(span, error ?? `subgraph ${subgraph} unavailable (${reason})`);
      }
      return placed([unavailableError(subgraph, reason)]);
    };
    for (let attempt = 1; ; attempt++) {
      // Called off before it went out (the client left while the plan ran): nothing is sent.
      if (signal.aborted) return unavailable(scope.signal?.aborted ? 'cancelled' : 'timeout', signal.reason, attempt - 1);
      const ticket = breaker?.admit();
      if (ticket === null) return unavailable('circuit_open', undefined, attempt - 1);
      const started = performance.now();
      try {
        const response = await this.attempt(options, signal);
        this.calls.observe(subgraph, (performance.now() - started) / 1000);
        ticket?.succeeded();
        return response.errors ? { ...response, errors: foreignErrors(subgraph, response.errors, this.calls.config.errors) } : response;
      } catch (error) {
        this.calls.observe(subgraph, (performance.now() - started) / 1000);
        if (error instanceof SubgraphResponseTooLargeError) {
          // An answer, too large to read: the subgraph is up, the request asked for too much.
          ticket?.succeeded();
          this.calls.failed(subgraph, 'response_too_large');
          logger.warn({ subgraph, limitBytes: error.limitBytes }, 'subgraph response too large');
          return placed([tooLargeError(subgraph, error.limitBytes)]);
        }
        const refused = refusedRequestErrors(error);
        if (refused) {
          // The subgraph answered, and refused the request (a value its scalars reject): its own,
          // already masked errors are the answer, not "unavailable".
          ticket?.succeeded();
          logger.info({ subgraph, errors: refused }, 'subgraph refused the request');
          return placed(foreignErrors(subgraph, refused, this.calls.config.errors));
        }
        const reason = unavailableReason(error, { timedOut: deadline.timedOut(), cancelled: scope.signal?.aborted === true });
        if (reason === 'cancelled') ticket?.abandoned();
        else ticket?.failed();
        if (attempt > retries || reason === 'cancelled' || reason === 'timeout' || !isRetryable(error)) {
          return unavailable(reason, error, attempt);
        }
        const delay = backoffDelay(attempt, this.calls.config.retryBackoffMs, () => this.calls.random());
        logger.debug({ subgraph, attempt, delayMs: delay, status: responseStatusOf(error) }, 'subgraph request retried');
        await pause(delay, signal);
        if (signal.aborted) return unavailable(scope.signal?.aborted ? 'cancelled' : 'timeout', error, attempt);
      }
    }
  }

  /** One call, with `signal` handed to the fetch (RemoteGraphQLDataSource's own fetch takes no signal). */
  private attempt(options: GraphQLDataSourceProcessOptions<RequestScope>, signal: AbortSignal): Promise<GatewayGraphQLResponse> {
    const fetcher = this.fetcher;
    const withSignal: Fetcher = (url, init) => fetcher(url, { ...init, signal });
    const call = Object.create(this, { fetcher: { value: withSignal } }) as this;
    return RemoteGraphQLDataSource.prototype.process.call(call, options) as Promise<GatewayGraphQLResponse>;
  }
}

/** Whether the fetch is a query (entity fetches are), the only kind ever sent twice. */
function isQueryFetch(document: DocumentNode | undefined, query: string | undefined): boolean {
  const operation = document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind === Kind.OPERATION_DEFINITION) return operation.operation === OperationTypeNode.QUERY;
  return /^\s*(query\b|\{)/.test(query ?? '');
}

/**
 * The GraphQL errors of a 4xx answer (`RemoteGraphQLDataSource` throws on any non-2xx status and
 * keeps the parsed body in `extensions.response`); undefined for anything else (5xx, HTML, no answer).
 */
function refusedRequestErrors(error: unknown): GraphQLFormattedError[] | undefined {
  const status = responseStatusOf(error);
  if (status === undefined || status < 400 || status > 499) return undefined;
  const response = (error as { extensions: { response: { body?: unknown } } }).extensions.response;
  const errors = (response.body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const valid = errors.filter(
    (entry): entry is GraphQLFormattedError => typeof (entry as { message?: unknown } | null)?.message === 'string',
  );
  return valid.length === errors.length ? valid : undefined;
}
