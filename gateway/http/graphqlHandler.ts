import { HeaderMap, type ApolloServer } from '@apollo/server';
import { getOperationAST, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import { ERROR_CODES } from '../../core/errors.ts';
import { AuthError } from '../../auth/authError.ts';
import type { Principal } from '../../auth/principal.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import { readApolloBody } from '../../core/http/apolloBody.ts';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyFromHeader } from '../../core/http/idempotencyKey.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER, continueTrace, correlationIdFrom } from '../../core/http/traceContext.ts';
import { HttpRequestError, paramsFromBody, paramsFromSearch, type GraphQLParams } from '../../core/http/graphqlParams.ts';
import { APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, negotiateMediaType } from '../../core/http/mediaType.ts';
import { parseResult, responseStatus } from './responseStatus.ts';

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
  /** The operation name, for the access log. */
  readonly operationName?: string | undefined;
}

/** What the HTTP layer knows of a request before it reaches GraphQL: its id and its logger. */
export type RequestStart = Pick<RequestScope, 'requestId' | 'logger'>;

export interface Caller {
  /** Establishes the caller from the `Authorization` header. */
  readonly authenticate: Authenticate;
  /** Signs the caller for the subgraphs. */
  readonly signPrincipal: (principal: Principal | null, requestId: string) => string;
}

/**
 * GraphQL over HTTP at `/graphql`: method, media types, parameters and status codes as the
 * specification says, then execution by Apollo Server (and so the gateway's query planner).
 * Request mistakes are answered here with a catalog code and a 4xx status, never a 500.
 */
export function createGraphQLHandler(server: ApolloServer<RequestScope>, caller: Caller) {
  return async (request: HttpRequestLike, start: RequestStart): Promise<HttpResponseLike> => {
    const mediaType = negotiateMediaType(request.headers.get('accept'));
    let params: GraphQLParams | undefined;
    try {
      if (!mediaType) {
        throw new HttpRequestError('NOT_ACCEPTABLE', `Accept must allow ${GRAPHQL_RESPONSE_JSON} or ${APPLICATION_JSON}.`);
      }
      if (request.method !== 'GET' && request.method !== 'POST') {
        throw new HttpRequestError('METHOD_NOT_ALLOWED', 'Use POST (or GET for queries).', { allow: 'GET, POST' });
      }
      params =
        request.method === 'GET' ? paramsFromSearch(request.search) : paramsFromBody(request.headers.get('content-type'), request.body);
      if (request.method === 'GET') refuseNonQuery(params);
      const principal = await principalOf(caller.authenticate, request.headers.get('authorization'));
      const context: RequestScope = {
        ...start,
        principal,
        principalToken: caller.signPrincipal(principal, start.requestId),
        idempotencyKey: idempotencyKeyOf(request.headers.get(IDEMPOTENCY_KEY_HEADER)),
        // docs/events.md#trace-context
        correlationId: correlationIdFrom(request.headers.get(CORRELATION_ID_HEADER), start.requestId),
        traceparent: continueTrace(request.headers.get(TRACEPARENT_HEADER)),
      };
      const headers = new HeaderMap(request.headers);
      headers.set('accept', mediaType);
      if (request.method === 'POST') headers.set('content-type', APPLICATION_JSON);
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: request.method,
          headers,
          search: request.method === 'GET' ? request.search : '',
          body: request.method === 'POST' ? definedOnly(params) : undefined,
        },
        context: async () => context,
      });
      const body = await readApolloBody(response.body);
      const status = response.status ?? 200;
      return {
        status: responseStatus(mediaType, status, () => parseResult(body)),
        headers: { ...Object.fromEntries(response.headers), 'content-type': `${mediaType}; charset=utf-8` },
        body,
        operationName: params.operationName,
      };
    } catch (error) {
      if (!(error instanceof HttpRequestError)) throw error;
      return {
        status: ERROR_CODES[error.code].status,
        headers: { ...error.headers, 'content-type': `${mediaType ?? APPLICATION_JSON}; charset=utf-8` },
        body: JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }),
        operationName: params?.operationName,
      };
    }
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

/** Apollo Server rejects a body whose optional members are present but undefined. */
function definedOnly(params: GraphQLParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}
