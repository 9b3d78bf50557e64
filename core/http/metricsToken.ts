import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/secret.ts';

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Whether a `/metrics` request may be answered: always without a configured token, else only with
 * `Authorization: Bearer <token>`. Both sides are hashed first so `timingSafeEqual` compares equal
 * lengths: neither the timing nor an early length mismatch tells a prober how close a guess was.
 */
export function metricsRequestAllowed(token: Secret | undefined, authorization: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = authorization === undefined ? undefined : BEARER.exec(authorization.trim())?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(sha256(presented), sha256(token.reveal()));
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The 401 a refused scrape gets, in the house style of every other error (an `errors` list with a code). */
export const METRICS_UNAUTHENTICATED = {
  status: 401,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'www-authenticate': 'Bearer realm="metrics"',
  },
  body: JSON.stringify({
    errors: [{ message: '/metrics needs Authorization: Bearer <TESSERA_METRICS_TOKEN>.', extensions: { code: 'UNAUTHENTICATED' } }],
  }),
} as const;
