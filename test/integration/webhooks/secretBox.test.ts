/** Signing secrets at rest (docs/processes.md#webhooks): sealed under a key derived from the internal secret, bound to their subscription. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, WebhookSecretKey } from '../../../systems/integration/webhooks/secretBox.ts';

const INTERNAL = 'an-internal-secret-of-at-least-32-chars';

describe('sealed signing secrets', () => {
  it('opens what it sealed, for the same subscription only, under the same internal secret only', () => {
    const key = new WebhookSecretKey(INTERNAL);
    const secret = newSigningSecret();
    const sealed = key.seal(secret, 'whs_1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(key.open(sealed, 'whs_1')).toBe(secret);
    expect(new WebhookSecretKey(INTERNAL).open(sealed, 'whs_1')).toBe(secret);
    expect(() => key.open(sealed, 'whs_2')).toThrow();
    expect(() => new WebhookSecretKey(`${INTERNAL}x`).open(sealed, 'whs_1')).toThrow();
    expect(key.seal(secret, 'whs_1')).not.toBe(sealed);
  });

  it('makes a new 256-bit secret each time, and the key never prints', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newSigningSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const key = new WebhookSecretKey(INTERNAL);
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
    expect(String(key)).toBe('[redacted]');
    expect(inspect(key)).not.toContain(INTERNAL);
  });
});
