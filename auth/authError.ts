/**
 * Why a bearer credential was refused. The reasons form a closed list so the gateway can map each one to
 * an error code (`UNAUTHENTICATED`) and a log field without parsing messages.
 */
export const AUTH_ERROR_REASONS = [
  'missing',
  'malformed',
  'expired',
  'not-yet-valid',
  'bad-signature',
  'wrong-issuer',
  'wrong-audience',
  'unknown-kid',
  'too-large',
  'unsupported-algorithm',
  'reserved-subject',
] as const;

export type AuthErrorReason = (typeof AUTH_ERROR_REASONS)[number];

/**
 * A credential the caller presented cannot be trusted: a user error (401), never an internal one.
 *
 * Invariant: the message describes the problem in fixed words and never contains the token, a claim
 * value or key material, because these errors end up in logs and, through the masking boundary, in
 * responses. Failures of our own infrastructure (an unreachable JWKS endpoint, an unreadable key file)
 * are plain `Error`s instead, so they are masked as internal errors rather than blamed on the caller.
 */
export class AuthError extends Error {
  readonly reason: AuthErrorReason;

  constructor(reason: AuthErrorReason, message: string) {
    super(message);
    this.name = 'AuthError';
    this.reason = reason;
  }
}
