/** Webhook signatures and their verification (docs/processes.md#webhooks): HMAC-SHA256 over "<timestamp>.<body>", a replay window. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature, webhookHeaders } from '../../../systems/integration/webhooks/signature.ts';

const SECRET = 'whsec_test-secret';
const BODY = '{"id":"e1","type":"InvoiceReleased","occurredAt":"2026-11-20T09:00:00.000Z","data":{}}';
const T = 1_795_165_200; // 2026-11-20T09:00:00Z
const at = (seconds: number) => new Date(seconds * 1000);

describe('webhook signatures', () => {
  it('signs the hex HMAC-SHA256 of "<timestamp>.<body>" as v1=', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, T, BODY)).toBe(`v1=${expected}`);
    expect(webhookHeaders(SECRET, 'whd_1', T, BODY)).toEqual({
      'tessera-webhook-id': 'whd_1',
      'tessera-webhook-timestamp': String(T),
      'tessera-webhook-signature': `v1=${expected}`,
    });
  });

  it('accepts its own signature within the tolerance, from Node headers or a fetch Headers', () => {
    const headers = webhookHeaders(SECRET, 'whd_1', T, BODY);
    expect(verifyWebhookSignature(SECRET, headers, BODY, { now: at(T + 299) })).toEqual({ ok: true, timestamp: T });
    expect(verifyWebhookSignature(SECRET, new Headers(headers), BODY, { now: at(T - 10) })).toEqual({ ok: true, timestamp: T });
    expect(
      verifyWebhookSignature(
        SECRET,
        { ...headers, 'tessera-webhook-signature': ['v1=00', headers['tessera-webhook-signature']!].join(', ') },
        BODY,
        { now: at(T) },
      ),
    ).toEqual({
      ok: true,
      timestamp: T,
    });
  });

  it('refuses a changed body, another secret, a stale or future timestamp, and missing or malformed headers', () => {
    const headers = webhookHeaders(SECRET, 'whd_1', T, BODY);
    const verify = (h: Record<string, string>, body = BODY, secret = SECRET, now = T, toleranceSeconds = 300) =>
      verifyWebhookSignature(secret, h, body, { now: at(now), toleranceSeconds });
    expect(verify(headers, BODY.replace('{}', '{"x":1}'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(headers, BODY, 'whsec_other')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(headers, BODY, SECRET, T + 301)).toEqual({ ok: false, reason: 'outside-tolerance' });
    expect(verify(headers, BODY, SECRET, T - 301)).toEqual({ ok: false, reason: 'outside-tolerance' });
    expect(verify(headers, BODY, SECRET, T + 61, 60)).toEqual({ ok: false, reason: 'outside-tolerance' });
    // A captured request replayed later with a fresh timestamp but the old signature fails too.
    expect(verify({ ...headers, 'tessera-webhook-timestamp': String(T + 400) }, BODY, SECRET, T + 400)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify({ 'tessera-webhook-timestamp': String(T) })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(verify({ ...headers, 'tessera-webhook-timestamp': '1e9' })).toEqual({ ok: false, reason: 'malformed-timestamp' });
    expect(verify({ ...headers, 'tessera-webhook-signature': 'v0=abc' })).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
