import type { ErrorCode } from '../errors.ts';

/** The GraphQL-over-HTTP request parameters, validated. */
export interface GraphQLParams {
  readonly query: string | undefined;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown> | undefined;
  readonly extensions: Record<string, unknown> | undefined;
  /** A persisted document's id (GraphQL over HTTP persisted documents: `sha256:<hex>`), instead of `query` (docs/persisted-operations.md#sending-them). */
  readonly documentId: string | undefined;
}

export class HttpRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonParam(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpRequestError('BAD_REQUEST', `The ${name} parameter is not valid JSON.`);
  }
}

/** Validates the shape of the parameters (GraphQL over HTTP, "Request Parameters"). */
export function validateParams(raw: Record<string, unknown>): GraphQLParams {
  const { query, operationName, variables, extensions, documentId } = raw;
  if (query !== undefined && query !== null && typeof query !== 'string') {
    throw new HttpRequestError('BAD_REQUEST', 'The query parameter must be a string.');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new HttpRequestError('BAD_REQUEST', 'The operationName parameter must be a string.');
  }
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) {
    throw new HttpRequestError('BAD_REQUEST', 'The variables parameter must be a JSON object.');
  }
  if (extensions !== undefined && extensions !== null && !isPlainObject(extensions)) {
    throw new HttpRequestError('BAD_REQUEST', 'The extensions parameter must be a JSON object.');
  }
  if (documentId !== undefined && documentId !== null && (typeof documentId !== 'string' || documentId === '')) {
    throw new HttpRequestError('BAD_REQUEST', 'The documentId parameter must be a non-empty string.');
  }
  if (typeof documentId === 'string' && typeof query === 'string') {
    throw new HttpRequestError('BAD_REQUEST', 'Send either query or documentId, not both.');
  }
  const persisted = (isPlainObject(extensions) && isPlainObject(extensions.persistedQuery)) || typeof documentId === 'string';
  if ((typeof query !== 'string' || query.trim() === '') && !persisted) {
    throw new HttpRequestError('BAD_REQUEST', 'The query parameter is required: send a GraphQL document.');
  }
  return {
    query: typeof query === 'string' ? query : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    variables: isPlainObject(variables) ? variables : undefined,
    extensions: isPlainObject(extensions) ? extensions : undefined,
    documentId: typeof documentId === 'string' ? documentId : undefined,
  };
}

/** Parameters of a GET request, from the URL search string. */
export function paramsFromSearch(search: string): GraphQLParams {
  const url = new URLSearchParams(search);
  const raw: Record<string, unknown> = {};
  for (const name of ['query', 'operationName', 'documentId'] as const) {
    const value = url.get(name);
    if (value !== null) raw[name] = value;
  }
  for (const name of ['variables', 'extensions'] as const) {
    const value = url.get(name);
    if (value !== null && value !== '') raw[name] = parseJsonParam(name, value);
  }
  return validateParams(raw);
}

const JSON_CONTENT_TYPE = /^application\/(graphql-response\+)?json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?(;.*)?$/i;

/** Parameters of a POST request: a UTF-8 JSON object body. */
export function paramsFromBody(contentType: string | undefined, body: string): GraphQLParams {
  if (!contentType) {
    throw new HttpRequestError('UNSUPPORTED_MEDIA_TYPE', 'Missing Content-Type: send application/json.');
  }
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (!JSON_CONTENT_TYPE.test(contentType.trim()) || (charset && charset.toLowerCase() !== 'utf-8')) {
    throw new HttpRequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported Content-Type ${JSON.stringify(contentType)}: send application/json (UTF-8).`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpRequestError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
  if (!isPlainObject(parsed)) {
    throw new HttpRequestError('BAD_REQUEST', 'The request body must be a JSON object with a query.');
  }
  return validateParams(parsed);
}
