/**
 * The real OTLP/HTTP exporter (docs/observability.md#traces): a request through the gateway is
 * posted to a collector (a local HTTP server on port 0) with the configured headers, and the
 * process's shutdown flushes the spans still batched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTelemetryConfig } from '../../core/config/telemetry.ts';
import { createLogger } from '../../core/logger.ts';
import { startProcessTracing } from '../../core/telemetry/processTracing.ts';
import { startTestTessera } from '../harness/startTestTessera.ts';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly apiKey: string | undefined;
  readonly body: Buffer;
}

const received: Received[] = [];
let collector: http.Server;
let endpoint: string;

beforeAll(async () => {
  collector = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        apiKey: request.headers['x-api-key'] as string | undefined,
        body: Buffer.concat(chunks),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('OTLP/HTTP export', () => {
  it("posts the request's spans to the collector with the configured headers, flushed at shutdown", async () => {
    const telemetry = readTelemetryConfig(
      { TESSERA_OTLP_ENDPOINT: endpoint, TESSERA_OTLP_HEADERS: 'x-api-key=collector-key-1' },
      'development',
    );
    const tracing = await startProcessTracing(telemetry, 'tessera-gateway', createLogger('silent'));
    const tessera = await startTestTessera({ scale: 'none' });
    try {
      const response = await tessera.request({ query: 'query Exported { legalEntities { code } }' });
      expect(response.status).toBe(200);
    } finally {
      await tessera.stop();
      await tracing.shutdown();
    }
    expect(received.length).toBeGreaterThan(0);
    for (const post of received) {
      expect([post.method, post.path, post.contentType, post.apiKey]).toEqual([
        'POST',
        '/v1/traces',
        'application/json',
        'collector-key-1',
      ]);
    }
    // OTLP/JSON: the span names, the service name and the operation name are in the bodies.
    const bodies = Buffer.concat(received.map((post) => post.body)).toString('utf8');
    for (const text of ['tessera.request', 'tessera.subgraph', 'tessera.fetch', 'tessera-gateway', 'Exported'])
      expect(bodies).toContain(text);
  });
});
