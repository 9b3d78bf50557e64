import { createDevKeyProvider } from './devKeyProvider.ts';
import { createJwksKeyProvider } from './jwksKeyProvider.ts';
import type { KeyProvider } from './keyProvider.ts';
import type { KeySource } from '../../core/config/keySource.ts';
import { createPemKeyProvider } from './pemKeyProvider.ts';

export interface KeyProviderOptions {
  /** Used by the JWKS source only. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch, for the JWKS refresh rate limit. @default Date.now */
  readonly now?: () => number;
  /** Least time between two JWKS fetches. @default 30_000 */
  readonly jwksMinRefreshIntervalMs?: number;
}

/** The key provider for a configured key source. */
export function createKeyProvider(source: KeySource, options: KeyProviderOptions = {}): KeyProvider {
  switch (source.kind) {
    case 'jwks':
      return createJwksKeyProvider({
        url: source.url,
        algorithm: source.algorithm,
        fetch: options.fetch,
        now: options.now,
        minRefreshIntervalMs: options.jwksMinRefreshIntervalMs,
      });
    case 'pem':
      return createPemKeyProvider(source.file, source.algorithm);
    case 'dev':
      return createDevKeyProvider(source.keyFile);
  }
}
