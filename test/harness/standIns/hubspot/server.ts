/**
 * A local HubSpot CRM API on a real HTTP server (port 0), for the HubSpot adapter's tests: private
 * app tokens (`Authorization: Bearer`, 401 once revoked:
 * https://developers.hubspot.com/docs/api/private-apps), the rate-limit headers of every answer and
 * 429 bodies with their `policyName` (https://developers.hubspot.com/docs/api/usage-details), the
 * documented error body `{ status: "error", message, correlationId, category }`
 * (https://developers.hubspot.com/docs/api/error-handling), and scripted faults (faults.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './faults.ts';
import { Portal, StandInError } from './portal.ts';
import { route } from './routes.ts';

export const RATE_LIMIT = { max: 190, intervalMs: 10_000, daily: 1_000_000 };

export interface HubSpotStandIn {
  readonly url: string;
  readonly portal: Portal;
  readonly faults: Faults;
  /** Every request, `<METHOD> <path>`, in arrival order. */
  readonly requests: string[];
  /** The tokens the portal accepts; revoking one answers 401 to it from then on. */
  readonly tokens: Set<string>;
  close(): Promise<void>;
}

export async function startHubSpotStandIn(options: { token?: string; now?: () => Date } = {}): Promise<HubSpotStandIn> {
  const portal = new Portal(options.now);
  const faults = new Faults();
  const requests: string[] = [];
  const tokens = new Set([options.token ?? 'pat-na1-stand-in']);
  let correlation = 0;
  const window: number[] = [];

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const name = `${request.method} ${url.pathname}`;
      requests.push(name);
      const correlationId = `00000000-0000-4000-8000-${String(++correlation).padStart(12, '0')}`;
      const now = portal.now().getTime();
      while (window.length > 0 && window[0]! <= now - RATE_LIMIT.intervalMs) window.shift();
      window.push(now);
      const limits = {
        'x-hubspot-ratelimit-max': String(RATE_LIMIT.max),
        'x-hubspot-ratelimit-remaining': String(Math.max(0, RATE_LIMIT.max - window.length)),
        'x-hubspot-ratelimit-interval-milliseconds': String(RATE_LIMIT.intervalMs),
        'x-hubspot-ratelimit-daily': String(RATE_LIMIT.daily),
        'x-hubspot-ratelimit-daily-remaining': String(RATE_LIMIT.daily - requests.length),
      };
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...limits, ...headers });
        response.end(JSON.stringify(body));
      };
      const failure = (status: number, category: string, message: string, extra: Record<string, unknown> = {}) =>
        answer(status, { status: 'error', message, correlationId, category, ...extra });

      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const fault = token && tokens.has(token) ? faults.take(name) : null;
      if (fault?.kind === 'expireToken') tokens.delete(token!);
      if (!token || !tokens.has(token))
        return failure(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.');
      if (fault?.kind === 'unavailable') return failure(503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable.');
      if (fault?.kind === 'rateLimited') {
        const message =
          fault.policyName === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.';
        const headers: Record<string, string> = { 'x-hubspot-ratelimit-remaining': '0' };
        if (fault.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(fault.retryAfterMs / 1000));
        response.writeHead(429, { 'content-type': 'application/json;charset=utf-8', ...limits, ...headers });
        response.end(
          JSON.stringify({
            status: 'error',
            message,
            errorType: 'RATE_LIMIT',
            correlationId,
            policyName: fault.policyName,
            category: 'RATE_LIMITS',
          }),
        );
        return;
      }
      let routed;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        routed = route(
          portal,
          request.method ?? 'GET',
          url,
          text ? (JSON.parse(text) as Record<string, unknown>) : {},
          fault?.kind === 'partial' ? fault.failingInputs : [],
        );
      } catch (error) {
        if (!(error instanceof StandInError)) return failure(500, 'INTERNAL_ERROR', String(error));
        return failure(error.status, error.category, error.message, { context: error.context });
      }
      // The write stands; its answer never reaches the client.
      if (fault?.kind === 'lostAnswer') return void request.socket.destroy();
      if (fault?.kind === 'late') return void fault.answered.then(() => answer(routed.status, routed.body));
      answer(routed.status, routed.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    portal,
    faults,
    requests,
    tokens,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
