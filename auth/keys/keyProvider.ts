import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../../core/config/keySource.ts';

/**
 * The key material of one key source, as the token verifier needs it. One implementation per source
 * (`jwksKeyProvider.ts`, `pemKeyProvider.ts`, `devKeyProvider.ts`); `createKeyProvider.ts` picks one.
 */
export interface KeyProvider {
  /** The only algorithm tokens from this source may be signed with. */
  readonly algorithm: SigningAlgorithm;
  /**
   * The key that verifies a token whose header names `kid`. Throws `AuthError('unknown-kid')` when the
   * source holds no such key, and a plain `Error` when the key material itself cannot be loaded (an
   * unreadable file, an unreachable JWKS endpoint): that is our failure, not the caller's.
   */
  keyFor(kid: string | undefined): Promise<KeyObject>;
  /** Loads the key material now, so that a composition root can fail at start rather than on the first request. */
  load(): Promise<void>;
}
