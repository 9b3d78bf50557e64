/**
 * The endpoint HubSpot delivers its CRM webhooks to (docs/connectors.md#hubspot): a signed POST of
 * a JSON array of events (`eventId`, `subscriptionType` like `deal.propertyChange`, `objectId`,
 * `occurredAt`: https://developers.hubspot.com/docs/api/webhooks). A request whose v3 signature does
 * not check, or signed more than 5 minutes ago, is 401 and does nothing. An event already received
 * (HubSpot retries; a captured request replayed within the window) is answered 200 and ignored. A
 * deal event wakes the deal change capture at once (`onDealChanged`): the poll reads the deal and
 * writes its events, so the webhook and the poll never write one change twice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../../../core/http/readBody.ts';
import { checkHubSpotSignature, MAX_AGE_MS, type SignedRequest } from './webhookSignature.ts';

/** The largest delivery read (HubSpot sends at most 100 events of a few hundred bytes each). */
export const MAX_DELIVERY_BYTES = 1024 * 1024;

export interface WebhookEndpointOptions {
  /** The app's client secret; unset (undefined), every delivery is refused. */
  readonly clientSecret: () => string | undefined;
  /** Runs the deal change capture now (the poller's wake); awaited before the answer. */
  readonly onDealChanged: () => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: string;
}

interface HubSpotWebhookEvent {
  readonly eventId: number | string;
  readonly subscriptionType: string;
  readonly objectId: number;
  readonly occurredAt: number;
}

export function hubspotWebhookEndpoint(options: WebhookEndpointOptions): (request: SignedRequest) => Promise<WebhookAnswer> {
  const now = options.now ?? Date.now;
  /** Event ids received within the signature window, with when. */
  const received = new Map<string, number>();
  return async (request) => {
    if (request.method !== 'POST') return { status: 405, body: '{"message":"POST only"}' };
    const at = now();
    const secret = options.clientSecret();
    if (!secret) return { status: 401, body: '{"message":"signature refused: no client secret is configured"}' };
    const check = checkHubSpotSignature(secret, request, at);
    if (!check.ok) return { status: 401, body: JSON.stringify({ message: `signature refused: ${check.reason}` }) };
    let events: HubSpotWebhookEvent[];
    try {
      events = JSON.parse(request.body) as HubSpotWebhookEvent[];
      if (!Array.isArray(events)) throw new TypeError('not an array');
    } catch {
      return { status: 400, body: '{"message":"expected a JSON array of events"}' };
    }
    for (const [id, when] of received) if (at - when > MAX_AGE_MS) received.delete(id);
    const fresh = events.filter((event) => !received.has(String(event.eventId)));
    if (fresh.some((event) => event.subscriptionType.startsWith('deal.'))) await options.onDealChanged();
    // Marked received only once handled: a delivery that failed is handled again when HubSpot retries it.
    for (const event of fresh) received.set(String(event.eventId), at);
    return { status: 200, body: JSON.stringify({ received: events.length, handled: fresh.length }) };
  };
}

/**
 * The endpoint as a Node request handler, for the server that mounts it. HubSpot signs the URI it
 * called: behind a proxy that is `publicUrl` (TESSERA_HUBSPOT_WEBHOOK_URL), not the local one;
 * unset, the URL this server was called at (`http://` and the Host header).
 */
export function hubspotWebhookListener(
  handle: (request: SignedRequest) => Promise<WebhookAnswer>,
  publicUrl: string | undefined,
): (request: IncomingMessage, response: ServerResponse) => void {
  const answer = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };
  return (request, response) => {
    // Anyone can reach the path before the signature is checked: a delivery (100 events at most) is read up to a bound.
    readBody(request, MAX_DELIVERY_BYTES).then(
      (body) => {
        const called = new URL(request.url ?? '/', 'http://local');
        const uri = publicUrl ?? `http://${request.headers.host ?? 'localhost'}${called.pathname}`;
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
        );
        handle({ method: request.method ?? 'GET', uri: `${uri}${called.search}`, body, headers }).then(
          (handled) => answer(response, handled.status, handled.body),
          // The change capture failed (HubSpot down): 503, and HubSpot retries the delivery.
          () => answer(response, 503, '{"message":"change capture unavailable, retry"}'),
        );
      },
      () => answer(response, 413, `{"message":"a delivery is at most ${MAX_DELIVERY_BYTES} bytes"}`),
    );
  };
}
