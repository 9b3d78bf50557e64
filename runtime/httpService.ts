import http from 'node:http';
import { listen } from '../gateway/http/server.ts';
import type { Shutdown } from './shutdown.ts';

/**
 * Serves `listener` on `host:port` (0 picks a free port) until shutdown; resolves with the bound
 * port. Shutdown closes open connections too, so it does not wait for idle keep-alive clients.
 */
export async function serveHttp(listener: http.RequestListener, port: number, host: string, shutdown: Shutdown): Promise<number> {
  const server = http.createServer(listener);
  shutdown.add(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return listen(server, port, host);
}
