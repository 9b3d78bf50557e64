/**
 * Mounts the registry's API and page (`/registry/...`) in front of another listener (the gateway's,
 * in the embedded mode): the registry answers its paths, everything else goes on.
 */
import type http from 'node:http';
import type { Logger } from '../core/logger.ts';
import type { RegistryHttpHandler } from '../registry/http/handler.ts';

export function withRegistry(handler: RegistryHttpHandler, next: http.RequestListener, logger: Logger): http.RequestListener {
  return (request, response) => {
    handler(request, response).then(
      (handled) => {
        if (!handled) next(request, response);
      },
      (error: unknown) => {
        // The handler answers its own failures; this is a bug past it. Never a stack to the client.
        logger.error({ err: error }, 'registry: request failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } }));
      },
    );
  };
}
