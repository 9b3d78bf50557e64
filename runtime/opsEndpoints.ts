/**
 * The operator endpoints of a process that is not the gateway (`tessera serve relay`,
 * `tessera serve <system>`): `/health/live`, `/health/ready` (200 or 503 with each check) and
 * `/metrics` (Prometheus text; `refresh` first sets the gauges read from a store, docs/processes.md#metrics).
 * Any other path goes to `next` (a subgraph's `/graphql`), or is 404.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { sql, type Kysely } from 'kysely';
import type { Secret } from '../core/config/secret.ts';
import { METRICS_UNAUTHENTICATED, metricsRequestAllowed } from '../core/http/metricsToken.ts';
import type { Logger } from '../core/logger.ts';
import { METRICS_CONTENT_TYPE, type Metrics } from '../core/metrics.ts';
import type { ReadinessReport } from '../gateway/http/server.ts';

export interface OpsEndpoints {
  readonly readiness: () => Promise<ReadinessReport>;
  readonly metrics: Metrics;
  /** Sets the gauges that are read from a store (dead letters, process states) before a scrape. */
  readonly refresh?: () => Promise<void>;
  readonly logger: Logger;
  /** `TESSERA_METRICS_TOKEN`: the bearer token `/metrics` requires; undefined, it answers anyone. */
  readonly metricsToken?: Secret | undefined;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function withOpsEndpoints(ops: OpsEndpoints, next?: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://service');
    if (pathname === '/health/live') return void send(response, 200, JSON_HEADERS, '{"status":"live"}');
    if (pathname === '/health/ready') {
      ops.readiness().then(
        (report) =>
          send(
            response,
            report.ready ? 200 : 503,
            JSON_HEADERS,
            JSON.stringify({ status: report.ready ? 'ready' : 'not ready', checks: report.checks }),
          ),
        (error: unknown) => {
          ops.logger.error({ err: error }, 'readiness check failed');
          send(response, 503, JSON_HEADERS, '{"status":"not ready","checks":{}}');
        },
      );
      return;
    }
    if (pathname === '/metrics') {
      // Refused before the refresh: an anonymous caller must not make the store work either.
      if (!metricsRequestAllowed(ops.metricsToken, request.headers.authorization)) {
        return void send(response, METRICS_UNAUTHENTICATED.status, METRICS_UNAUTHENTICATED.headers, METRICS_UNAUTHENTICATED.body);
      }
      // A gauge that cannot be refreshed keeps its last value: the scrape still answers.
      (ops.refresh?.() ?? Promise.resolve())
        .catch((error: unknown) => ops.logger.warn({ err: error }, 'metrics: the gauges read from the store were not refreshed'))
        .then(() => ops.metrics.render())
        .then(
          (text) => send(response, 200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }, text),
          (error: unknown) => {
            ops.logger.error({ err: error }, 'metrics: rendering failed');
            send(
              response,
              500,
              JSON_HEADERS,
              '{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}',
            );
          },
        );
      return;
    }
    if (next) return next(request, response);
    send(
      response,
      404,
      JSON_HEADERS,
      JSON.stringify({ errors: [{ message: `No route for ${pathname}.`, extensions: { code: 'NOT_FOUND' } }] }),
    );
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, headers);
  response.end(body);
}

/** Ready when every store answers `select 1`; a check per store, by name. */
export async function storesReadiness(stores: ReadonlyMap<string, Kysely<unknown>>): Promise<ReadinessReport> {
  const checks: Record<string, boolean> = {};
  await Promise.all(
    [...stores].map(async ([name, db]) => {
      checks[name] = await sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
    }),
  );
  return { ready: Object.values(checks).every(Boolean), checks };
}

/**
 * `listener` (the gateway's), with the store-read gauges set by `refresh` before each `/metrics` scrape.
 * A scrape without the token skips the refresh (no store work for an anonymous caller); `listener` refuses it.
 */
export function refreshingMetrics(
  listener: RequestListener,
  refresh: () => Promise<void>,
  logger: Logger,
  metricsToken?: Secret | undefined,
): RequestListener {
  return (request, response) => {
    if (new URL(request.url ?? '/', 'http://service').pathname !== '/metrics') return listener(request, response);
    if (!metricsRequestAllowed(metricsToken, request.headers.authorization)) return listener(request, response);
    refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'metrics: the gauges read from the store were not refreshed'))
      .then(() => listener(request, response));
  };
}
