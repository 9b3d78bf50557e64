import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { createLabelCap, defineHttpMetrics, HTTP_DURATION, METRICS_CONTENT_TYPE, type Metrics } from '../../core/metrics.ts';
import type { HttpRequestLike, HttpResponseLike, RequestStart } from './graphqlHandler.ts';
import { HttpRequestError } from '../../core/http/graphqlParams.ts';
import { toHeaderMap } from '../../core/http/headers.ts';
import { negotiateMediaType } from '../../core/http/mediaType.ts';
import { IDE_CONTENT_SECURITY_POLICY, type StaticAsset } from './ide.ts';
import { readBody } from '../../core/http/readBody.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../core/http/requestId.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../../core/http/idempotencyKey.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER } from '../../core/http/traceContext.ts';
import { METRICS_UNAUTHENTICATED, metricsRequestAllowed } from '../../core/http/metricsToken.ts';
import type { Secret } from '../../core/config/secret.ts';
import { CLIENT_CLOSED_STATUS, ClientClosedRequest, clientSignal, withDeadline } from '../execution/deadline.ts';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
  /** What else an operator wants to see (the supergraphs served); it never decides readiness. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface HttpApp {
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly graphql: GraphQLEndpoint;
  /** The endpoint of the contract served under that name at `/contracts/<name>/graphql`, if any. */
  readonly contract?: ((name: string) => GraphQLEndpoint | undefined) | undefined;
  readonly assets: ReadonlyMap<string, StaticAsset>;
  readonly readiness: () => Promise<ReadinessReport>;
  readonly metrics: Metrics;
  /** `TESSERA_METRICS_TOKEN`: the bearer token `/metrics` requires; undefined, it answers anyone. */
  readonly metricsToken?: Secret | undefined;
  /** `TESSERA_CORS_ORIGINS`: the browser origins that may call the GraphQL endpoints; empty, none may. */
  readonly corsOrigins?: readonly string[] | undefined;
  /**
   * `TESSERA_EXECUTION_TIMEOUT_MS`: the deadline of each GraphQL request (504 OPERATION_TIMEOUT, its
   * subgraph calls aborted), and who is told when one passes; without it only a client disconnect stops the work.
   */
  readonly execution?: { readonly timeoutMs: number; readonly onTimeout?: (() => void) | undefined } | undefined;
}

type GraphQLEndpoint = (request: HttpRequestLike, start: RequestStart) => Promise<HttpResponseLike>;

/**
 * How many distinct operation names, and client ids, the latency histogram labels per listener
 * (per process): later ones count as `other` (docs/observability.md#prometheus-metrics).
 */
export const DISTINCT_LABEL_VALUES = 100;

/** Routes counted by name; anything else is `other`, so a scan of random paths cannot grow the label set. */
const ROUTES = new Set(['/graphql', '/health/live', '/health/ready', '/metrics', '/']);

/** `/contracts/<name>/graphql`; every contract counts under one route label. */
const CONTRACT_PATH = /^\/contracts\/([^/]+)\/graphql$/;
const CONTRACT_ROUTE = '/contracts/:name/graphql';

const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/** The request headers a browser client of Tessera sends: GraphQL over HTTP, auth, idempotency, tracing, client name. */
const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  IDEMPOTENCY_KEY_HEADER,
  REQUEST_ID_HEADER,
  CORRELATION_ID_HEADER,
  TRACEPARENT_HEADER,
  'apollographql-client-name',
].join(', ');

/**
 * The response headers a page of an allowed origin may read besides the CORS-safelisted ones: the
 * request id, the rate limit's state and wait (docs/rate-limits.md#headers), a capability's
 * deprecation and sunset (docs/capabilities.md).
 */
const CORS_EXPOSED_HEADERS = [REQUEST_ID_HEADER, 'ratelimit', 'ratelimit-policy', 'retry-after', 'deprecation', 'sunset'].join(', ');

/** Whether a path is one of the GraphQL endpoints, the only routes a browser page of another origin may call. */
function isGraphQLPath(pathname: string): boolean {
  return pathname === '/graphql' || CONTRACT_PATH.test(pathname);
}

/**
 * CORS headers for a response to `origin` on `pathname`: none unless the origin is listed exactly, so a
 * browser on any other origin is refused (no `access-control-allow-origin`). `vary: origin` whenever
 * a list is configured, so a cache never hands one origin's answer to another.
 */
function corsHeaders(
  allowed: ReadonlySet<string>,
  origin: string | undefined,
  pathname: string,
  preflight: boolean,
): Record<string, string> {
  if (allowed.size === 0 || !isGraphQLPath(pathname)) return {};
  if (origin === undefined || !allowed.has(origin)) return { vary: 'origin' };
  const headers: Record<string, string> = { 'access-control-allow-origin': origin, vary: 'origin' };
  if (!preflight) return { ...headers, 'access-control-expose-headers': CORS_EXPOSED_HEADERS };
  return {
    ...headers,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    // Ten minutes: browsers cap it anyway (Chromium at 2 h), and a shortened list takes effect soon.
    'access-control-max-age': '600',
  };
}

/**
 * The gateway's HTTP surface: `/graphql`, the contracts' `/contracts/<name>/graphql`, the IDE at
 * `/`, `/health/live` and `/health/ready`.
 * Every response carries the request id; every request gets one access-log line.
 */
export function createRequestListener(app: HttpApp) {
  const corsOrigins = new Set(app.corsOrigins ?? []);
  defineHttpMetrics(app.metrics);
  const operationLabel = createLabelCap(DISTINCT_LABEL_VALUES);
  const clientLabel = createLabelCap(DISTINCT_LABEL_VALUES);
  return (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    const requestId = requestIdFrom(firstHeader(request.headers[REQUEST_ID_HEADER]));
    const logger = app.logger.child({ reqId: requestId });
    const url = new URL(request.url ?? '/', 'http://gateway');
    const send = (result: HttpResponseLike) => {
      const cors = corsHeaders(corsOrigins, firstHeader(request.headers.origin), url.pathname, request.method === 'OPTIONS');
      response.writeHead(result.status, { ...BASE_HEADERS, ...result.headers, ...cors, [REQUEST_ID_HEADER]: requestId });
      response.end(request.method === 'HEAD' ? undefined : result.body);
      const route = ROUTES.has(url.pathname) ? url.pathname : CONTRACT_PATH.test(url.pathname) ? CONTRACT_ROUTE : 'other';
      const status = String(result.status);
      app.metrics.increment('tessera_http_requests_total', { route, status });
      app.metrics.observe(
        HTTP_DURATION,
        {
          route,
          operation: result.operationName ? operationLabel(result.operationName) : '',
          client: result.client ? clientLabel(result.client) : '',
          status,
        },
        (performance.now() - started) / 1000,
      );
      logger.info(
        {
          method: request.method,
          path: url.pathname,
          status: result.status,
          ms: Math.round(performance.now() - started),
          operationName: result.operationName,
        },
        'request',
      );
    };
    route(app, request, url, { requestId, logger, signal: clientSignal(response) })
      .then(send)
      .catch((error: unknown) => {
        // Nobody to answer: the access log and the metrics record 499 (a write to the closed socket is a no-op).
        if (error instanceof ClientClosedRequest) {
          send({ status: CLIENT_CLOSED_STATUS, headers: {}, body: '' });
          return;
        }
        // At /graphql in the media type the client accepts (GraphQL over HTTP), like the handler's own errors.
        const mediaType = url.pathname === '/graphql' ? negotiateMediaType(firstHeader(request.headers.accept)) : null;
        if (error instanceof HttpRequestError) {
          send(errorResponse(error, mediaType));
          return;
        }
        logger.error({ err: error }, 'unhandled error while serving a request');
        send(errorResponse(new HttpRequestError('INTERNAL_SERVER_ERROR', 'Internal server error'), mediaType));
      });
  };
}

async function route(app: HttpApp, request: IncomingMessage, url: URL, start: RequestStart): Promise<HttpResponseLike> {
  const method = request.method ?? 'GET';
  if (url.pathname === '/graphql') return serveGraphQL(app.graphql, app, request, url, start);
  const contract = CONTRACT_PATH.exec(url.pathname);
  if (contract) {
    // The raw path segment: a served contract's name never needs escaping (CONTRACT_NAME).
    const name = contract[1]!;
    const endpoint = app.contract?.(name);
    if (endpoint) return serveGraphQL(endpoint, app, request, url, start);
    return json(404, {
      errors: [
        {
          message: `No contract named ${JSON.stringify(name)} is served. The GraphQL endpoint is /graphql.`,
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
  }
  if (url.pathname === '/health/live') return json(200, { status: 'live' });
  if (url.pathname === '/metrics') {
    if (!metricsRequestAllowed(app.metricsToken, firstHeader(request.headers.authorization))) return METRICS_UNAUTHENTICATED;
    return {
      status: 200,
      headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' },
      body: await app.metrics.render(),
    };
  }
  if (url.pathname === '/health/ready') {
    const report = await app.readiness();
    return json(report.ready ? 200 : 503, {
      status: report.ready ? 'ready' : 'not ready',
      checks: report.checks,
      ...(report.details ? { details: report.details } : {}),
    });
  }
  const asset = app.assets.get(url.pathname);
  if (asset && (method === 'GET' || method === 'HEAD')) {
    return {
      status: 200,
      headers: {
        'content-type': asset.contentType,
        'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
        'cache-control': 'public, max-age=3600',
      },
      body: asset.body.toString('utf8'),
    };
  }
  if (asset) throw new HttpRequestError('METHOD_NOT_ALLOWED', 'Use GET.', { allow: 'GET, HEAD' });
  return json(404, {
    errors: [{ message: `No route for ${url.pathname}. The GraphQL endpoint is /graphql.`, extensions: { code: 'NOT_FOUND' } }],
  });
}

async function serveGraphQL(endpoint: GraphQLEndpoint, app: HttpApp, request: IncomingMessage, url: URL, start: RequestStart) {
  const method = request.method ?? 'GET';
  // A preflight (or any OPTIONS) is answered here, never by GraphQL: 204 with `allow`; the CORS
  // headers, when the origin is allowed, are added in `send`. Without them the browser refuses.
  if (method === 'OPTIONS') return { status: 204, headers: { allow: 'GET, POST, OPTIONS' }, body: '' };
  const body = method === 'POST' ? await readBody(request, app.maxBodyBytes) : '';
  const call = (signal: AbortSignal) =>
    endpoint({ method, headers: toHeaderMap(request.headers), search: url.search.slice(1), body }, { ...start, signal });
  // docs/demand-control.md#execution-timeout: from the body read to the answer.
  return app.execution ? withDeadline({ client: start.signal, ...app.execution }, call) : call(start.signal);
}

function json(status: number, body: unknown): HttpResponseLike {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function errorResponse(error: HttpRequestError, mediaType: string | null = null): HttpResponseLike {
  const result = json(ERROR_CODES[error.code].status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
  const contentType: Record<string, string> = mediaType ? { 'content-type': `${mediaType}; charset=utf-8` } : {};
  return { ...result, headers: { ...result.headers, ...contentType, ...error.headers } };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Starts listening; resolves with the bound port (pass 0 for any free port). */
export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
