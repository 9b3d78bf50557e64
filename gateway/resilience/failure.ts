/**
 * Why a subgraph call did not give a usable answer (docs/resilience.md#what-counts-as-unavailable),
 * from what the fetch threw: the reason reaches the client in `extensions.reason` of
 * SUBGRAPH_UNAVAILABLE and the metrics in `tessera_subgraph_errors_total{reason}`.
 */

/**
 * - `connect_error`: no connection, or it broke before an answer (refused, reset, DNS).
 * - `timeout`: no answer within the subgraph's timeout.
 * - `circuit_open`: not called at all, its circuit is open.
 * - `bad_status`: a 5xx answer.
 * - `bad_response`: an answer that is not a GraphQL response (HTML, truncated JSON).
 * - `cancelled`: the client's request ended first.
 */
export type UnavailableReason = 'connect_error' | 'timeout' | 'circuit_open' | 'bad_status' | 'bad_response' | 'cancelled';

/** Error codes of Node and undici that mean the connection failed or broke. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The HTTP status of a non-2xx answer (`RemoteGraphQLDataSource` throws it with `extensions.response`). */
export function responseStatusOf(error: unknown): number | undefined {
  const status = (error as { extensions?: { response?: { status?: unknown } } } | null)?.extensions?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Whether the error, or one of its causes, is a failed or broken connection. */
export function isConnectError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The reason of an unavailable answer; `timedOut`/`cancelled` say which of the call's signals fired. */
export function unavailableReason(error: unknown, signals: { readonly timedOut: boolean; readonly cancelled: boolean }): UnavailableReason {
  if (signals.cancelled) return 'cancelled';
  if (signals.timedOut) return 'timeout';
  const status = responseStatusOf(error);
  if (status !== undefined) return status >= 500 ? 'bad_status' : 'bad_response';
  if (isConnectError(error)) return 'connect_error';
  return 'bad_response';
}

/** A query is tried again only after a connection that failed or a 503 (docs/resilience.md#retries). */
export function isRetryable(error: unknown): boolean {
  return responseStatusOf(error) === 503 || (responseStatusOf(error) === undefined && isConnectError(error));
}
