import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/logger.ts';
import { createRegistryHttpHandler } from '../../../registry/http/handler.ts';
import type { Registry } from '../../../registry/registry.ts';
import { logSink } from '../../harness/logSink.ts';

describe('a failure inside the registry', () => {
  it('is 500 INTERNAL_SERVER_ERROR without the stack; the log has it; a path outside /registry is left alone', async () => {
    const failing = () => Promise.reject(new Error('the disk is on fire'));
    // Only `subgraphs` is called by this request; every method fails like it.
    const registry = new Proxy({}, { get: () => failing }) as Registry;
    const logs = logSink();
    const handler = createRegistryHttpHandler({
      registry,
      authenticate: () =>
        Promise.resolve({
          sub: 'eve',
          scopes: new Set(['registry:read']),
          clientId: null,
          legalEntities: [],
          partnerAccounts: null,
          roles: [],
        }),
      verifyInternalPrincipal: () => null,
      logger: createLogger('info', logs.stream),
      maxBodyBytes: 1024,
    });
    const server = http.createServer((request, response) => {
      void handler(request, response).then((handled) => {
        if (!handled) response.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const response = await fetch(`http://127.0.0.1:${port}/registry/api/subgraphs`, { headers: { 'x-request-id': 'boom-1' } });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error; the log has the details under the request id.' },
      });
      expect(
        logs.records
          .filter((record) => record.reqId === 'boom-1')
          .map((record) => [record.msg, (record.err as { message?: string } | undefined)?.message]),
      ).toEqual([
        ['registry: unhandled error while serving a request', 'the disk is on fire'],
        ['registry request', undefined],
      ]);
      expect((await fetch(`http://127.0.0.1:${port}/registryx`)).status).toBe(418);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
