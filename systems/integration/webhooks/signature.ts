/**
 * Webhook signatures (docs/processes.md#webhooks): every delivery carries the time it was signed
 * and an HMAC-SHA256, keyed by the subscription's signing secret, over `<timestamp>.<body>`, so a
 * receiver can tell that Tessera sent exactly this body, and recently (a captured request replayed
 * after the tolerance is refused). The README's `/webhooks/verify` recipe is the same check
 * written for a partner to paste; `test/readmeWebhooks.test.ts` runs it against these signatures.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_ID_HEADER = 'tessera-webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'tessera-webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'tessera-webhook-signature';

/** How old a signed timestamp may be (or how far ahead of the receiver's clock) by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The signature header's value for `body` signed at `timestamp` (Unix seconds): `v1=<hex HMAC-SHA256>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${hmacHex(secret, timestamp, body)}`;
}

/** The headers of one delivery attempt (the id is the delivery's: the same on every retry of it). */
export function webhookHeaders(secret: string, deliveryId: string, timestamp: number, body: string): Record<string, string> {
  return {
    [WEBHOOK_ID_HEADER]: deliveryId,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
  };
}

export type VerifyFailure = 'missing-headers' | 'malformed-timestamp' | 'outside-tolerance' | 'bad-signature';
export type VerifyResult = { readonly ok: true; readonly timestamp: number } | { readonly ok: false; readonly reason: VerifyFailure };

/** Request headers as Node gives them (lower-case names), or a fetch `Headers`. */
export type HeaderSource = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

/**
 * Whether `body` (the raw request body, exactly as received) was signed with `secret` at a time
 * within `toleranceSeconds` of `now`. The signature header may list several `v1=` values (comma
 * separated); one match is enough. Comparisons are constant-time.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: HeaderSource,
  body: string,
  options: { readonly toleranceSeconds?: number; readonly now?: Date } = {},
): VerifyResult {
  const timestampText = header(headers, WEBHOOK_TIMESTAMP_HEADER);
  const signature = header(headers, WEBHOOK_SIGNATURE_HEADER);
  if (timestampText === null || signature === null) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed-timestamp' };
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'outside-tolerance' };
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'utf8');
  const matches = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'utf8');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'bad-signature' };
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

function header(headers: HeaderSource, name: string): string | null {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name);
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : (value[0] ?? null);
}
