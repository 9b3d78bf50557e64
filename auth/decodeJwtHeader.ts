import { AuthError } from './authError.ts';

/** The parts of a JWS header the verifier reads before it knows which key to use. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Checks that `token` is a compact JWS (three base64url parts, a JSON object header with a string
 * `alg`, a JSON object payload) and returns its header. The header is untrusted: it only selects the
 * key, and its `alg` is compared with the pinned algorithm, never used to choose one.
 *
 * Checking the structure here, before any signature work, is what lets the signature step treat
 * every remaining failure as a bad signature: jsonwebtoken otherwise lets parse errors of crafted
 * payloads escape as bare `SyntaxError`/`TypeError`.
 */
export function decodeJwtHeader(token: string): JwtHeader {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
    throw malformed('the token is not a compact JWS (three dot-separated parts)');
  }
  // An empty signature is left for the algorithm check: that is what `alg: none` looks like.
  if (!BASE64URL.test(header) || !BASE64URL.test(payload) || (signature !== '' && !BASE64URL.test(signature))) {
    throw malformed('the token is not base64url-encoded');
  }
  const decodedHeader = decodeJsonObject(header);
  if (!decodedHeader) throw malformed('the token header is not a JSON object');
  if (!decodeJsonObject(payload)) throw malformed('the token payload is not a JSON object');
  const { alg, kid, typ } = decodedHeader;
  if (typeof alg !== 'string') throw malformed('the token header names no algorithm');
  if (kid !== undefined && typeof kid !== 'string') throw malformed('the token header kid is not a string');
  if (typ !== undefined && typeof typ !== 'string') throw malformed('the token header typ is not a string');
  return { alg, kid };
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function malformed(message: string): AuthError {
  return new AuthError('malformed', message);
}
