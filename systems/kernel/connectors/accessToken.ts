/**
 * An access token fetched once and shared by every call (docs/connectors.md#authentication):
 * concurrent callers wait for the same fetch (single flight), and a call the vendor answered 401
 * invalidates the token it used, so many calls failing together with one expired token make one
 * refresh, not one each. The token is kept as a `Secret`: logging the cache shows `[redacted]`.
 */
import type { Secret } from '../../../core/config/secret.ts';

export interface AccessToken {
  readonly token: Secret;
  /** Where the vendor says this token's API lives (Salesforce's `instance_url`). */
  readonly instanceUrl: string;
}

export interface AccessTokenCache {
  /** The current token, fetched when there is none. */
  get(signal?: AbortSignal): Promise<AccessToken>;
  /** Drops `stale` (the token a call was refused with) unless it was already replaced. */
  invalidate(stale: AccessToken): void;
  /** How many tokens were fetched (for tests and metrics). */
  readonly fetches: number;
}

export function createAccessTokenCache(fetchToken: (signal?: AbortSignal) => Promise<AccessToken>): AccessTokenCache {
  let current: Promise<AccessToken> | null = null;
  let settled: AccessToken | null = null;
  let fetches = 0;
  return {
    get(signal) {
      if (!current) {
        fetches += 1;
        const pending = fetchToken(signal).then(
          (token) => {
            settled = token;
            return token;
          },
          (error: unknown) => {
            // A failed fetch is not cached: the next call tries again.
            if (current === pending) current = null;
            throw error;
          },
        );
        current = pending;
      }
      return current;
    },
    invalidate(stale) {
      if (settled === stale) {
        settled = null;
        current = null;
      }
    },
    get fetches() {
      return fetches;
    },
  };
}
