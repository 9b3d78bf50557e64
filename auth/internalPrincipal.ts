import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AuthError } from './authError.ts';
import { MIN_SECRET_LENGTH } from './keys/devKeyFile.ts';
import { claimsFromPrincipal, principalFromClaims, type Principal } from './principal.ts';
import { verifyJwt } from './verifyJwt.ts';

/**
 * The request header carrying the gateway-signed principal to subgraphs. Subgraphs trust this header
 * and not the client's `Authorization`: the gateway has already verified the client token (whatever
 * its issuer and algorithm), and a subgraph called directly, without it, can refuse the call.
 */
export const INTERNAL_PRINCIPAL_HEADER = 'x-tessera-principal';

const ISSUER = 'tessera-gateway';
const AUDIENCE = 'tessera-subgraph';
const ALGORITHM = 'HS256';
// Gateway and subgraphs may run on different hosts whose clocks drift a little.
const CLOCK_TOLERANCE_SECONDS = 5;
// A principal with many legal entities or partner accounts is still far below this.
const MAX_INTERNAL_TOKEN_BYTES = 16 * 1024;

export interface SignInternalPrincipalOptions {
  /**
   * Lifetime of the token. Short because it is minted per request and only has to survive the hop to a
   * subgraph; a leaked one is useless a minute later.
   * @default 60
   */
  readonly ttlSeconds?: number;
  /** The gateway's request id, carried as the `request_id` claim so subgraph logs can be joined to the gateway's. */
  readonly requestId: string;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** The subject of an internal token for a request that carried no client token. */
const ANONYMOUS_SUBJECT = 'tessera:anonymous';

/**
 * Signs `principal` for subgraphs: a compact JWS, HS256, issuer `tessera-gateway`, audience
 * `tessera-subgraph`. An anonymous request (`null`) is signed too, with an explicit `anonymous`
 * claim: the subgraph then knows the call came through the gateway, and that nobody is logged in.
 */
export function signInternalPrincipal(principal: Principal | null, secret: string, options: SignInternalPrincipalOptions): string {
  const { ttlSeconds = 60, requestId, now = Date.now } = options;
  const who = principal ? claimsFromPrincipal(principal) : { sub: ANONYMOUS_SUBJECT, anonymous: true };
  return jwt.sign({ ...who, request_id: requestId, iat: Math.floor(now() / 1000) }, secretKey(secret), {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

export interface VerifyInternalPrincipalOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/**
 * Verifies a token made by `signInternalPrincipal` and returns its principal (`null` for an anonymous
 * request); throws `AuthError` otherwise.
 */
export function verifyInternalPrincipal(token: string, secret: string, options: VerifyInternalPrincipalOptions = {}): Principal | null {
  const { now = Date.now } = options;
  if (Buffer.byteLength(token, 'utf8') > MAX_INTERNAL_TOKEN_BYTES) {
    throw new AuthError('too-large', `the internal principal token is longer than ${MAX_INTERNAL_TOKEN_BYTES} bytes`);
  }
  const claims = verifyJwt(token, secretKey(secret), {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
    nowSeconds: Math.floor(now() / 1000),
  });
  if ((claims as { anonymous?: unknown }).anonymous === true && (claims as { sub?: unknown }).sub === ANONYMOUS_SUBJECT) return null;
  return principalFromClaims(claims);
}

function secretKey(secret: string): KeyObject {
  // Configuration enforces this too; checked here because a short HMAC secret can be brute-forced offline.
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the internal principal secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * `verifyInternalPrincipal` with memory: a request's token reaches a subgraph several times (each
 * fetch of its query plan, each peer call), and re-checking its HMAC every time is wasted work.
 * A verified token is remembered until its `exp` (bounded LRU); a token that failed is never cached.
 */
export function createInternalPrincipalVerifier(
  secret: string,
  options: VerifyInternalPrincipalOptions & { readonly cacheSize?: number } = {},
): (token: string) => Principal | null {
  const { now = Date.now, cacheSize = 1000 } = options;
  const verified = new Map<string, { readonly principal: Principal | null; readonly expiresAtMs: number }>();
  return (token) => {
    const hit = verified.get(token);
    if (hit && now() < hit.expiresAtMs) return hit.principal;
    verified.delete(token);
    const principal = verifyInternalPrincipal(token, secret, { now });
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    if (typeof exp === 'number') {
      verified.set(token, { principal, expiresAtMs: exp * 1000 });
      if (verified.size > cacheSize) verified.delete(verified.keys().next().value as string);
    }
    return principal;
  };
}
