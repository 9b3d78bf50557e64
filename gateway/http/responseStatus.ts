import { isErrorCode, ERROR_CODES } from '../../core/errors.ts';
import { GRAPHQL_RESPONSE_JSON, type ResponseMediaType } from '../../core/http/mediaType.ts';

/** What the status depends on in a GraphQL response: whether it has `data`, and its errors' codes. */
export interface GraphQLResult {
  readonly data?: unknown;
  readonly errors?: readonly { readonly extensions?: { readonly code?: unknown } }[];
}

/**
 * The HTTP status of a GraphQL response. Apollo Server chooses one from the errors (their
 * `extensions.http`); with `application/graphql-response+json` it stands. With `application/json`
 * (the legacy media type) a request error of a well-formed request (a result without `data`
 * whose every error's code the catalog answers with 400: the document does not parse or
 * validate, a variable does not coerce, the operation name selects nothing) is answered 200,
 * because intermediaries may replace the body of a 4xx (GraphQL over HTTP, "application/json").
 */
export function responseStatus(mediaType: ResponseMediaType, apolloStatus: number, resultOf: () => GraphQLResult | undefined): number {
  if (mediaType === GRAPHQL_RESPONSE_JSON || apolloStatus !== 400) return apolloStatus;
  // Only here is the result read: most responses never need it.
  const result = resultOf();
  return result !== undefined && isRequestErrorOfStatus400(result) ? 200 : apolloStatus;
}

function isRequestErrorOfStatus400(result: GraphQLResult): boolean {
  if ('data' in result || !result.errors?.length) return false;
  return result.errors.every((error) => {
    const code = error.extensions?.code;
    return isErrorCode(code) && ERROR_CODES[code].status === 400;
  });
}

/** The result in a response body, or undefined when the body is not a JSON object. */
export function parseResult(body: string): GraphQLResult | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as GraphQLResult) : undefined;
  } catch {
    return undefined;
  }
}
