/**
 * The error-code catalog: every code a client can see, with the HTTP status it implies when it
 * is the reason a whole request fails. Field-level errors (partial data) keep HTTP 200.
 * Constructors always set `extensions.code`; nothing else in the code base invents codes.
 */
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';

export const ERROR_CODES = {
  /** The HTTP request itself is unusable: bad JSON, missing query, bad parameters. Fix the request. */
  BAD_REQUEST: { status: 400 },
  /** The query text does not parse. Fix the query. */
  GRAPHQL_PARSE_FAILED: { status: 400 },
  /** The query does not validate against the schema (unknown field, wrong argument...). Fix the query. */
  GRAPHQL_VALIDATION_FAILED: { status: 400 },
  /** A variable or argument has a wrong type or value. Fix the input. */
  BAD_USER_INPUT: { status: 400 },
  /** The operation name does not select an operation of the document. Fix the request. */
  OPERATION_RESOLUTION_FAILURE: { status: 400 },
  /** Automatic persisted queries are off: send the full query text. */
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400 },
  /** Mutations over GET, or any method but GET/POST. Use POST. */
  METHOD_NOT_ALLOWED: { status: 405 },
  /** The Accept header allows no media type the server can produce. */
  NOT_ACCEPTABLE: { status: 406 },
  /** The request body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE: { status: 413 },
  /** The request body is not JSON. Send `Content-Type: application/json`. */
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  /** No verified principal. Authenticate and retry. */
  UNAUTHENTICATED: { status: 401 },
  /** The principal may not see or do this. Do not retry. */
  FORBIDDEN: { status: 403 },
  /** The record does not exist, or the principal may not know it exists. Do not retry. */
  NOT_FOUND: { status: 404 },
  /**
   * The idempotency key was already used for a different request (other input, capability version).
   * Do not retry: send a new key for a new request, or the original request to get its stored result.
   */
  IDEMPOTENCY_KEY_REUSED: { status: 422 },
  /** A request with the same idempotency key is still running. Retry the same request later; it will be replayed. */
  IDEMPOTENCY_IN_PROGRESS: { status: 409 },
  /** `expectedVersion` is not the record's current version: it changed since it was read. Refetch, then decide again. */
  VERSION_CONFLICT: { status: 409 },
  /** A subgraph did not answer; the rest of the response is valid. Retry later (reads only). */
  SUBGRAPH_UNAVAILABLE: { status: 502 },
  /** A bug or an outage inside Tessera. Details are in the server log under the request id. */
  INTERNAL_SERVER_ERROR: { status: 500 },
} as const satisfies Record<string, { status: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** A GraphQLError that always carries a catalog code. */
export function tesseraError(code: ErrorCode, message: string, options: GraphQLErrorOptions = {}): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, code } });
}

export function notFound(typeName: string, id: string): GraphQLError {
  return tesseraError('NOT_FOUND', `${typeName} ${JSON.stringify(id)} was not found.`);
}

export function badUserInput(message: string, argument?: string): GraphQLError {
  return tesseraError('BAD_USER_INPUT', message, argument ? { extensions: { argument } } : {});
}
