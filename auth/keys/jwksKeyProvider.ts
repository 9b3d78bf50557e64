import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AuthError } from '../authError.ts';
import type { KeyProvider } from './keyProvider.ts';
import type { AsymmetricAlgorithm } from '../../core/config/keySource.ts';
import { keyFitsAlgorithm } from './keyFitsAlgorithm.ts';

export interface JwksKeyProviderOptions {
  /** The identity provider's JWKS endpoint. */
  readonly url: string;
  /** The one algorithm accepted; keys of another type in the set are ignored. */
  readonly algorithm: AsymmetricAlgorithm;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /**
   * Least time between two fetches of the set. Refreshing is triggered by tokens naming an unknown
   * `kid`, which anyone can forge, so without this floor every bogus token would hit the identity provider.
   * @default 30_000
   */
  readonly minRefreshIntervalMs?: number;
  /** @default 5_000 */
  readonly timeoutMs?: number;
}

/**
 * Keys from a JSON Web Key Set, cached by `kid`. A token naming an unknown `kid` refreshes the set
 * (the identity provider rotated its keys), at most once per `minRefreshIntervalMs`; concurrent
 * requests share one fetch. A refresh replaces the whole cache, so a key the provider withdrew stops
 * verifying after the next refresh.
 *
 * Only keys that can verify the configured algorithm are kept (RSA for RS256, EC P-256 for ES256), and
 * only those meant for signatures (`use` absent or `sig`, `alg` absent or equal to the algorithm).
 */
export function createJwksKeyProvider(options: JwksKeyProviderOptions): KeyProvider {
  const { url, algorithm } = options;
  const fetchJwks = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 5_000;

  let keys = new Map<string, KeyObject>();
  let lastAttemptAt: number | undefined;
  let lastFailure: Error | undefined;
  let inFlight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    let response: Response;
    try {
      response = await fetchJwks(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new Error(`could not fetch the JWKS from ${url}`, { cause: error });
    }
    if (!response.ok) throw new Error(`the JWKS endpoint ${url} answered HTTP ${response.status}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new Error(`the JWKS endpoint ${url} did not answer JSON`, { cause: error });
    }
    keys = usableKeys(body, algorithm, url);
  }

  /** Refreshes unless one ran less than `minRefreshIntervalMs` ago; rethrows that one's failure if it failed. */
  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    const startedAt = now();
    if (lastAttemptAt !== undefined && startedAt - lastAttemptAt < minRefreshIntervalMs) {
      // Still inside the window: answer from what the last attempt left. If it failed, say so, so the
      // caller sees our outage (an internal error) rather than a misleading "unknown key".
      return lastFailure ? Promise.reject(lastFailure) : Promise.resolve();
    }
    // Failed attempts count too: an unreachable identity provider must not be retried on every request.
    lastAttemptAt = startedAt;
    inFlight = fetchKeys().then(
      () => {
        lastFailure = undefined;
        inFlight = undefined;
      },
      (error: Error) => {
        lastFailure = error;
        inFlight = undefined;
        throw error;
      },
    );
    return inFlight;
  }

  return {
    algorithm,
    async keyFor(kid) {
      // A set holds several keys by design (rotation overlaps), so a token must say which one signed it.
      if (kid === undefined) throw new AuthError('unknown-kid', 'the token names no key id (kid), which a JWKS key source requires');
      const cached = keys.get(kid);
      if (cached) return cached;
      await refresh();
      const refreshed = keys.get(kid);
      if (!refreshed) throw new AuthError('unknown-kid', 'the token names a key id (kid) that the JWKS does not hold');
      return refreshed;
    },
    // Fetches unless an attempt was made within the window (then reports that attempt's outcome).
    load: () => refresh(),
  };
}

function usableKeys(body: unknown, algorithm: AsymmetricAlgorithm, url: string): Map<string, KeyObject> {
  if (!isRecord(body) || !Array.isArray(body.keys)) throw new Error(`the JWKS endpoint ${url} did not answer a JSON Web Key Set`);
  const usable = new Map<string, KeyObject>();
  for (const jwk of body.keys) {
    if (!isRecord(jwk) || typeof jwk.kid !== 'string' || usable.has(jwk.kid)) continue;
    if ((jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== algorithm)) continue;
    const key = toPublicKey(jwk);
    if (key && keyFitsAlgorithm(key, algorithm)) usable.set(jwk.kid, key);
  }
  return usable;
}

function toPublicKey(jwk: Record<string, unknown>): KeyObject | undefined {
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    // One malformed or exotic entry (an OKP key Node cannot read, say) must not hide the others.
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
