/** A partner's receiver on port 0 (node:http): checks every request with the exported verifier and keeps what it accepted. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, type VerifyResult } from '../../../systems/integration/webhooks/signature.ts';

export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly verdict: VerifyResult;
}

export async function startReceiver(secret: () => string, now: () => Date) {
  const received: Received[] = [];
  /** The statuses to answer next, in order (then 204). */
  const script: number[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const verdict = verifyWebhookSignature(secret(), request.headers, body, { toleranceSeconds: 300, now: now() });
      received.push({ headers: request.headers, body, verdict });
      const status = verdict.ok ? (script.shift() ?? 204) : 401;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `refused ${'x'.repeat(1000)}` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
