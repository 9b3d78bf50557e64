/**
 * Signing secrets at rest (docs/processes.md#webhooks). Tessera must sign with a subscription's
 * secret, so it cannot keep only a hash: the secret is stored encrypted (AES-256-GCM) under a key
 * derived (HKDF-SHA256) from the internal secret the gateway and the subgraphs already share, and
 * bound to its subscription (the subscription id is the additional authenticated data, so a sealed
 * secret copied onto another row does not open). The plaintext exists only while signing and in
 * the answer of the call that made it; it is never logged.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';

/** The key that seals signing secrets, derived from the internal secret. Opaque: it never prints. */
export class WebhookSecretKey {
  readonly #key: Buffer;

  constructor(internalSecret: string) {
    this.#key = Buffer.from(hkdfSync('sha256', internalSecret, 'tessera', 'tessera webhook signing secrets v1', 32));
  }

  /** `secret` sealed for subscription `subscriptionId`: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
  seal(secret: string, subscriptionId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The secret `sealed` holds; throws when it was not sealed with this key for this subscription. */
  open(sealed: string, subscriptionId: string): string {
    const [format, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }
}

/** A new signing secret: `whsec_` and 32 random bytes (base64url). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The last four characters of a secret, shown so a partner can tell which one is in use. */
export function secretHint(secret: string): string {
  return `…${secret.slice(-4)}`;
}
