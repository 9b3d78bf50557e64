import http from 'node:http';
import { listen } from '../gateway/http/server.ts';
import type { Shutdown } from './shutdown.ts';

/** How long in-flight requests may finish at shutdown when the root does not say (TESSERA_SHUTDOWN_TIMEOUT_MS). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const NOT_READY = JSON.stringify({ status: 'not ready', checks: { shutdown: false } });

/**
 * Serves `listener` on `host:port` (0 picks a free port) until shutdown; resolves with the bound port.
 *
 * Shutdown drains rather than cuts (docker stop, a rolling deploy): `/health/ready` answers 503 at
 * once, so a load balancer still holding a connection takes the instance out; the server stops
 * accepting connections; idle keep-alive connections close; requests in flight finish with their
 * full answer, each on a connection closed after it; only those still running after
 * `drainTimeoutMs` are cut. This step is added last, so it runs before the gateway, engine and
 * stores it needs are stopped.
 */
export async function serveHttp(
  listener: http.RequestListener,
  port: number,
  host: string,
  shutdown: Shutdown,
  drainTimeoutMs: number = DEFAULT_SHUTDOWN_TIMEOUT_MS,
): Promise<number> {
  let draining = false;
  const inFlight = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // The connection it came on is idle now: during a drain nothing else will use it.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    if (draining) {
      // A request that arrived on a connection opened before the drain: answered, then the connection closes.
      response.shouldKeepAlive = false;
      if (new URL(request.url ?? '/', 'http://service').pathname === '/health/ready') {
        response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        response.end(NOT_READY);
        return;
      }
    }
    listener(request, response);
  });
  shutdown.add(async () => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Answers not started yet say `connection: close`, so no client sends another request on them.
    for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), drainTimeoutMs);
    });
    const cut = await Promise.race([closed.then(() => false), timedOut]);
    clearTimeout(timer);
    if (cut) {
      shutdown.logger.warn({ inFlight: inFlight.size, drainTimeoutMs }, 'shutdown: requests still running after the drain timeout are cut');
      server.closeAllConnections();
      await closed;
    }
  });
  return listen(server, port, host);
}
