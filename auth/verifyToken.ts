import type { KeyObject } from 'node:crypto';
import { BoundedCache } from '../core/boundedCache.ts';
import { AuthError } from './authError.ts';
import { decodeJwtHeader } from './decodeJwtHeader.ts';
import { createKeyProvider } from './keys/createKeyProvider.ts';
import type { KeySource } from '../core/config/keySource.ts';
import { principalFromClaims, type Principal } from './principal.ts';
import { unsupportedAlgorithm, verifyJwt } from './verifyJwt.ts';

/** The shape of `TesseraConfig.auth`, plus what tests and the composition root inject. */
export interface TokenVerifierOptions {
  /** Where the signing keys come from; also fixes the one accepted algorithm. */
  readonly source: KeySource;
  /** Required `iss`. */
  readonly issuer: string;
  /** Required `aud` (one of the token's audiences must equal it). */
  readonly audience: string;
  /** Leeway for `exp` and `nbf`. */
  readonly clockSkewSeconds: number;
  /** Longest token accepted, in bytes; checked before any decoding. */
  readonly maxTokenBytes: number;
  /** For the JWKS source. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch: token times and the JWKS refresh rate limit. @default Date.now */
  readonly now?: () => number;
  /** Least time between two JWKS fetches. @default 30_000 */
  readonly jwksMinRefreshIntervalMs?: number;
  /** Tokens whose signature check is remembered (docs/authentication.md#verified-tokens). @default 2000 */
  readonly verifiedTokens?: number;
}

export interface TokenVerifier {
  /**
   * The principal of a request, from its `Authorization` header. No header means an anonymous request
   * (`null`): whether that is allowed is for the policy directives to decide, field by field. A header
   * that is present but cannot be trusted is an `AuthError`, never `null`, so a broken token is not
   * quietly downgraded to anonymous access. Failures to load keys are plain `Error`s (internal).
   */
  verify(authorizationHeader: string | undefined): Promise<Principal | null>;
  /** Loads the key material (PEM file, dev key file, first JWKS fetch) so misconfiguration shows at start. */
  ready(): Promise<void>;
}

/**
 * Subjects Tessera's own components sign as (`system:gateway` for the registry, `system:<system>`
 * for system steps): only internal principals, signed with the internal secret, may carry them.
 */
export const RESERVED_SUBJECT_PREFIX = 'system:';

/**
 * A client token claiming a reserved subject is refused (401), however it was signed: an identity
 * provider that lets a client choose its `sub` must not make it the gateway or a system
 * (docs/ownership.md#reserved-subjects). The message never echoes the subject.
 */
function refuseReservedSubject(principal: Principal): Principal {
  if (principal.sub.toLowerCase().startsWith(RESERVED_SUBJECT_PREFIX)) {
    throw new AuthError('reserved-subject', 'the sub claim names a subject reserved for Tessera itself');
  }
  return principal;
}

// RFC 6750 §2.1: the scheme is case-insensitive; one or more spaces before the credentials.
const BEARER = /^Bearer +(\S+)$/i;

/** A token verified before: the key that verified it and the times it is valid between. */
interface Verified {
  readonly key: KeyObject;
  readonly principal: Principal;
  readonly exp: number;
  readonly nbf: number | undefined;
}

/**
 * Builds the verifier for client bearer tokens (JWT access tokens, RFC 9068). A client sends the
 * same token with every request until it expires; its signature check (an RSA or ECDSA
 * verification, most of the gateway's authentication cost) is remembered for the most recent
 * tokens (docs/authentication.md#verified-tokens). A remembered token is still held to its `exp`
 * and `nbf` at every request, and is checked again when the key its `kid` names has changed
 * (a JWKS rotation) or it was forgotten.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = createKeyProvider(options.source, options);
  const now = options.now ?? Date.now;
  const verified = new BoundedCache<string, Verified>(options.verifiedTokens ?? 2000);
  const skew = options.clockSkewSeconds;
  return {
    async verify(authorizationHeader) {
      if (authorizationHeader === undefined) return null;
      const token = BEARER.exec(authorizationHeader)?.[1];
      if (token === undefined) throw new AuthError('malformed', 'the Authorization header is not "Bearer <token>"');
      // Before decoding: a huge token must cost us a length check, not a base64 and JSON parse.
      if (Buffer.byteLength(token, 'utf8') > options.maxTokenBytes) {
        throw new AuthError('too-large', `the token is longer than ${options.maxTokenBytes} bytes`);
      }
      const header = decodeJwtHeader(token);
      // Compared before any key lookup, so a forged header cannot make us fetch the JWKS either.
      if (header.alg !== keys.algorithm) throw unsupportedAlgorithm();
      const key = await keys.keyFor(header.kid);
      const nowSeconds = Math.floor(now() / 1000);
      const known = verified.get(token);
      // jsonwebtoken's own bounds: expired from exp + tolerance on, not valid while nbf is beyond now + tolerance.
      if (known?.key === key && nowSeconds < known.exp + skew && (known.nbf === undefined || known.nbf <= nowSeconds + skew)) {
        return known.principal;
      }
      const claims = verifyJwt(token, key, {
        algorithm: keys.algorithm,
        issuer: options.issuer,
        audience: options.audience,
        clockToleranceSeconds: skew,
        nowSeconds,
      });
      const principal = refuseReservedSubject(principalFromClaims(claims));
      verified.set(token, { key, principal, exp: claims.exp as number, nbf: typeof claims.nbf === 'number' ? claims.nbf : undefined });
      return principal;
    },
    ready: () => keys.load(),
  };
}
