import type { KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { AuthError, type AuthErrorReason } from './authError.ts';
import { decodeJwtHeader } from './decodeJwtHeader.ts';
import type { SigningAlgorithm } from '../core/config/keySource.ts';

/** What a token must satisfy besides its signature. */
export interface JwtExpectations {
  /** The one algorithm accepted, fixed by the key source. */
  readonly algorithm: SigningAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  /** Leeway for `exp` and `nbf`, for clocks that disagree a little. */
  readonly clockToleranceSeconds: number;
  /** The current time, in seconds since the epoch. */
  readonly nowSeconds: number;
}

/**
 * Verifies a compact JWS and returns its claims. Every failure is an `AuthError` with a fixed message;
 * jsonwebtoken's own messages are dropped because some of them quote configuration
 * (`expected: tessera`) and future ones might quote the token.
 *
 * The algorithm is checked twice: against the header here, before jsonwebtoken runs (so `alg: none`
 * and HS256-with-a-public-key are named for what they are), and again by jsonwebtoken's `algorithms`.
 * `exp` is required: jsonwebtoken accepts a token without one, which would be valid forever.
 */
export function verifyJwt(token: string, key: KeyObject, expected: JwtExpectations): Record<string, unknown> {
  if (decodeJwtHeader(token).alg !== expected.algorithm) throw unsupportedAlgorithm();
  let claims: string | JwtPayload;
  try {
    claims = jwt.verify(token, key, {
      algorithms: [expected.algorithm],
      issuer: expected.issuer,
      audience: expected.audience,
      clockTolerance: expected.clockToleranceSeconds,
      clockTimestamp: expected.nowSeconds,
    });
  } catch (error) {
    throw toAuthError(error);
  }
  if (typeof claims === 'string') throw new AuthError('malformed', 'the token payload is not a JSON object');
  if (typeof claims.exp !== 'number') throw new AuthError('malformed', 'the token has no expiry (exp)');
  return claims;
}

const MESSAGES: Record<Exclude<AuthErrorReason, 'missing' | 'unknown-kid' | 'too-large' | 'reserved-subject'>, string> = {
  malformed: 'the token is malformed',
  expired: 'the token has expired',
  'not-yet-valid': 'the token is not valid yet (nbf)',
  'bad-signature': 'the token signature is invalid',
  'wrong-issuer': 'the token was issued by an issuer this gateway does not trust',
  'wrong-audience': 'the token is not meant for this gateway (aud)',
  'unsupported-algorithm': 'the token is signed with an algorithm this key source does not allow',
};

/** The refusal of a token whose `alg` is not the key source's. */
export function unsupportedAlgorithm(): AuthError {
  return new AuthError('unsupported-algorithm', MESSAGES['unsupported-algorithm']);
}

function toAuthError(error: unknown): AuthError {
  const reason = reasonOf(error);
  return new AuthError(reason, MESSAGES[reason]);
}

function reasonOf(error: unknown): keyof typeof MESSAGES {
  // Subclasses first: both extend JsonWebTokenError.
  if (error instanceof jwt.TokenExpiredError) return 'expired';
  if (error instanceof jwt.NotBeforeError) return 'not-yet-valid';
  if (error instanceof jwt.JsonWebTokenError) {
    const message = error.message;
    // "signature is required": the header names the right algorithm (checked above) but the signature was stripped.
    if (message === 'invalid signature' || message === 'jwt signature is required') return 'bad-signature';
    if (message.startsWith('jwt issuer invalid')) return 'wrong-issuer';
    if (message.startsWith('jwt audience invalid')) return 'wrong-audience';
    if (message === 'invalid algorithm' || message.startsWith('secretOrPublicKey must be')) return 'unsupported-algorithm';
    return 'malformed';
  }
  // The structure was checked before (decodeJwtHeader), so what is left fails inside the signature
  // check itself, e.g. jwa refusing an ES256 signature of the wrong length.
  return 'bad-signature';
}
