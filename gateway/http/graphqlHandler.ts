import { HeaderMap, type ApolloServer } from '@apollo/server';
import { getOperationAST, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import { ERROR_CODES } from '../../core/errors.ts';
import { AuthError } from '../../auth/authError.ts';
import { clientIdOf } from '../../auth/clientId.ts';
import type { Principal } from '../../auth/principal.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import { readApolloBody } from '../../core/http/apolloBody.ts';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyFromHeader } from '../../core/http/idempotencyKey.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER, correlationIdFrom } from '../../core/http/traceContext.ts';
import { inRequestSpan } from '../../core/telemetry/spans.ts';
import { HttpRequestError, paramsFromBody, paramsFromSearch, type GraphQLParams } from '../../core/http/graphqlParams.ts';
import { APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, negotiateMediaType } from '../../core/http/mediaType.ts';
import { parseResult, responseStatus } from './responseStatus.ts';
import { createPersistedOperations, type PersistedOperations } from '../persisted/persistedOperations.ts';
import { ADMITTED, refusalResponse, type Admission, type Admit } from '../rateLimit/rateLimiter.ts';
import { mergeRateLimitHeaders } from '../rateLimit/headers.ts';

export interface HttpRequestLike {
  readonly method: string;
  readonly headers: HeaderMap;
  /** The URL query string, without `?`. */
  readonly search: string;
  readonly body: string;
}

export interface HttpResponseLike {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The operation name, for the access log and the latency histogram. */
  readonly operationName?: string | undefined;
  /** The client the request counted against (`clientIdOf`), once the caller is known; for the latency histogram. */
  readonly client?: string | undefined;
}

/** What the HTTP layer knows of a request before it reaches GraphQL: its id, its logger and the signal that calls its work off. */
export type RequestStart = Pick<RequestScope, 'requestId' | 'logger' | 'signal'>;

export interface Caller {
  /** Establishes the caller from the `Authorization` header. */
  readonly authenticate: Authenticate;
  /** Signs the caller for the subgraphs. */
  readonly signPrincipal: (principal: Principal | null, requestId: string) => string;
  /** Rate limits and concurrency caps, once the caller is known and before any GraphQL work (docs/rate-limits.md). @default every request admitted */
  readonly admit?: Admit | undefined;
}

/**
 * GraphQL over HTTP at `/graphql`: method, media types, parameters and status codes as the
 * specification says, then execution by Apollo Server (and so the gateway's query planner).
 * Request mistakes are answered here with a catalog code and a 4xx status, never a 500.
 */
/** Without persisted operations configured: no safelist, no APQ, nobody required (docs/persisted-operations.md). */
const NO_PERSISTED_OPERATIONS = createPersistedOperations({ required: { kind: 'off' }, apq: false, apqCacheSize: 1 });

export function createGraphQLHandler(
  server: ApolloServer<RequestScope>,
  caller: Caller,
  persisted: Pick<PersistedOperations, 'resolve'> = NO_PERSISTED_OPERATIONS,
) {
  const handle = async (request: HttpRequestLike, start: RequestStart, traceparent: string): Promise<HttpResponseLike> => {
    const mediaType = negotiateMediaType(request.headers.get('accept'));
    let params: GraphQLParams | undefined;
    let client: string | undefined;
    let admission: Admission = ADMITTED;
    try {
      if (!mediaType) {
        throw new HttpRequestError('NOT_ACCEPTABLE', `Accept must allow ${GRAPHQL_RESPONSE_JSON} or ${APPLICATION_JSON}.`);
      }
      if (request.method !== 'GET' && request.method !== 'POST') {
        throw new HttpRequestError('METHOD_NOT_ALLOWED', 'Use POST (or GET for queries).', { allow: 'GET, POST' });
      }
      params =
        request.method === 'GET' ? paramsFromSearch(request.search) : paramsFromBody(request.headers.get('content-type'), request.body);
      const principal = await principalOf(caller.authenticate, request.headers.get('authorization'));
      client = clientIdOf(principal);
      // docs/rate-limits.md#order-of-checks: before the persisted lookup, parsing, authorization and planning.
      admission = (await caller.admit?.(client)) ?? ADMITTED;
      if (admission.refusal) return { ...refusalResponse(admission.refusal, mediaType), operationName: params.operationName, client };
      // docs/persisted-operations.md#how-a-request-is-resolved: the query text is in hand before anything parses it.
      params = persisted.resolve(params, principal);
      // Parsed here only after the token and the rate limit: an unverified caller makes the gateway parse nothing.
      if (request.method === 'GET') refuseNonQuery(params);
      const context: RequestScope = {
        ...start,
        principal,
        principalToken: caller.signPrincipal(principal, start.requestId),
        idempotencyKey: idempotencyKeyOf(request.headers.get(IDEMPOTENCY_KEY_HEADER)),
        // docs/events.md#trace-context; with tracing on, the request span's (docs/observability.md#traces).
        correlationId: correlationIdFrom(request.headers.get(CORRELATION_ID_HEADER), start.requestId),
        traceparent,
      };
      const headers = new HeaderMap(request.headers);
      headers.set('accept', mediaType);
      if (request.method === 'POST') headers.set('content-type', APPLICATION_JSON);
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: request.method,
          headers,
          search: request.method === 'GET' ? searchOf(params) : '',
          body: request.method === 'POST' ? definedOnly(params) : undefined,
        },
        context: async () => context,
      });
      const body = await readApolloBody(response.body);
      const status = response.status ?? 200;
      return {
        status: responseStatus(mediaType, status, () => parseResult(body)),
        headers: mergeRateLimitHeaders(
          { ...Object.fromEntries(response.headers), 'content-type': `${mediaType}; charset=utf-8` },
          admission.headers,
        ),
        body,
        operationName: params.operationName,
        client,
      };
    } catch (error) {
      if (!(error instanceof HttpRequestError)) throw error;
      return {
        status: ERROR_CODES[error.code].status,
        headers: mergeRateLimitHeaders(
          { ...error.headers, 'content-type': `${mediaType ?? APPLICATION_JSON}; charset=utf-8` },
          admission.headers,
        ),
        body: JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }),
        operationName: params?.operationName,
        client,
      };
    } finally {
      // The slot is freed however the request ends: answered, failed, timed out, or its client gone.
      admission.release();
    }
  };
  // docs/observability.md#traces: one `tessera.request` span per request, continuing the caller's trace.
  return (request: HttpRequestLike, start: RequestStart): Promise<HttpResponseLike> =>
    inRequestSpan(
      'tessera.request',
      request.headers.get(TRACEPARENT_HEADER),
      { 'http.request.method': request.method },
      (traceparent) => handle(request, start, traceparent),
      describeAnswer,
    );
}

/** What the request span records of the answer: the operation name and the client, when known. */
function describeAnswer(result: HttpResponseLike): Record<string, string> {
  return {
    ...(result.operationName ? { 'graphql.operation.name': result.operationName } : {}),
    ...(result.client ? { 'tessera.client': result.client } : {}),
  };
}

function idempotencyKeyOf(header: string | undefined): string | null {
  try {
    return idempotencyKeyFromHeader(header);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new HttpRequestError('BAD_REQUEST', error.message);
  }
}

/** Establishes the caller from the `Authorization` header: a principal, `null` (no token), or an AuthError. */
export type Authenticate = (authorization: string | undefined) => Promise<Principal | null>;

/**
 * A token that is present but not trusted refuses the whole request (401): silently treating it
 * as anonymous would hide an expired or forged token from its sender. The reason is safe to say
 * (it never contains the token); the bearer challenge follows RFC 6750.
 */
async function principalOf(authenticate: Authenticate, authorization: string | undefined): Promise<Principal | null> {
  try {
    return await authenticate(authorization);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    throw new HttpRequestError('UNAUTHENTICATED', `The bearer token was refused (${error.reason}).`, {
      'www-authenticate': `Bearer error="invalid_token", error_description="${error.reason}"`,
    });
  }
}

/**
 * GET runs queries only (GraphQL over HTTP): a mutation over GET is 405 METHOD_NOT_ALLOWED with
 * `Allow: POST`. A document that does not parse is left to Apollo Server, which reports it.
 */
function refuseNonQuery(params: GraphQLParams): void {
  if (params.query === undefined) return;
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return;
  }
  const operation = getOperationAST(document, params.operationName);
  if (operation && operation.operation !== OperationTypeNode.QUERY) {
    throw new HttpRequestError('METHOD_NOT_ALLOWED', `GET requests only run queries; send ${operation.operation} operations with POST.`, {
      allow: 'POST',
    });
  }
}

/** The resolved parameters of a GET request as a query string (a persisted id replaced by its text). */
function searchOf(params: GraphQLParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(definedOnly(params)))
    search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  return search.toString();
}

/** Apollo Server rejects a body whose optional members are present but undefined. */
function definedOnly(params: GraphQLParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}
