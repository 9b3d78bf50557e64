import type { Principal } from './principal.ts';

/** The client of a request without a token. */
export const ANONYMOUS_CLIENT = 'anonymous';
/** The client of a verified token that names no `client_id`. */
export const UNIDENTIFIED_CLIENT = 'unidentified';

/**
 * The application a request counts against, for per-client budgets, rate limits, safelists and
 * metrics: the verified token's `client_id`, never a header the caller sets freely
 * (`apollographql-client-name` is a label, not an identity).
 */
export function clientIdOf(principal: Principal | null): string {
  if (!principal) return ANONYMOUS_CLIENT;
  return principal.clientId ?? UNIDENTIFIED_CLIENT;
}
