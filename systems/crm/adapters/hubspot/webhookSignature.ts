/**
 * HubSpot's v3 request signature (https://developers.hubspot.com/docs/api/webhooks/validating-requests):
 * `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256, keyed by the app's client secret, of the
 * method, the full request URI, the raw body and the `X-HubSpot-Request-Timestamp` (milliseconds)
 * concatenated; a timestamp more than 5 minutes old is refused, so a captured request cannot be
 * replayed later (a replay within the window is deduplicated by event id: webhookEndpoint.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
export const MAX_AGE_MS = 5 * 60_000;

export interface SignedRequest {
  readonly method: string;
  /** The URI HubSpot called, scheme and host included (`https://tessera.example.com/hubspot/webhooks`). */
  readonly uri: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing' | 'stale' | 'mismatch' };

export function signHubSpotRequest(clientSecret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', clientSecret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

export function checkHubSpotSignature(clientSecret: string, request: SignedRequest, now: number): SignatureCheck {
  const signature = request.headers[SIGNATURE_HEADER];
  const timestampText = request.headers[TIMESTAMP_HEADER];
  if (!signature || !timestampText || !/^\d{1,15}$/.test(timestampText)) return { ok: false, reason: 'missing' };
  const timestamp = Number(timestampText);
  if (now - timestamp > MAX_AGE_MS || timestamp - now > MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signHubSpotRequest(clientSecret, request.method, decodedUri(request.uri), request.body, timestamp));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** HubSpot signs the URI with these escapes decoded (the documented list). */
function decodedUri(uri: string): string {
  const escapes: Readonly<Record<string, string>> = {
    '%3A': ':',
    '%2F': '/',
    '%3F': '?',
    '%40': '@',
    '%21': '!',
    '%24': '$',
    '%27': "'",
    '%28': '(',
    '%29': ')',
    '%2A': '*',
    '%2C': ',',
    '%3B': ';',
  };
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => escapes[escape.toUpperCase()]!);
}
