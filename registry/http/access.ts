/**
 * Who may call a registry route (docs/registry.md#http-api). A bearer token verified like the
 * gateway's, with a `registry:*` scope: `registry:read` (or write) for reads, `registry:check` (or
 * write) for checks, `registry:write` for everything that changes the registry. The gateway's own
 * calls (the supergraph poll, usage batches) carry its signed internal principal instead.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError } from '../../auth/authError.ts';
import { INTERNAL_PRINCIPAL_HEADER } from '../../auth/internalPrincipal.ts';
import type { Principal } from '../../auth/principal.ts';
import { ApiError } from './reply.ts';

export interface Access {
  /** Any one of these scopes admits the caller. */
  readonly scopes: readonly string[];
  /** The gateway's signed internal principal admits it too. */
  readonly gateway: boolean;
}

export const READ: Access = { scopes: ['registry:read', 'registry:write'], gateway: false };
export const CHECK: Access = { scopes: ['registry:check', 'registry:write'], gateway: false };
export const WRITE: Access = { scopes: ['registry:write'], gateway: false };
export const GATEWAY_READ: Access = { ...READ, gateway: true };
export const GATEWAY_WRITE: Access = { ...WRITE, gateway: true };

export interface Caller {
  /** The principal's `sub`: the author of what it publishes (`system:gateway` for a gateway's own calls). */
  readonly sub: string | null;
  readonly internal: boolean;
}

export interface Authenticators {
  /** Verifies the `Authorization` header: a principal, `null` without one, or an AuthError. */
  readonly authenticate: (authorization: string | undefined) => Promise<Principal | null>;
  /** Verifies the `x-tessera-principal` header: a principal, `null` for an anonymous one, or an AuthError. */
  readonly verifyInternalPrincipal: (header: string) => Principal | null;
}

const CHALLENGE = 'Bearer realm="tessera-registry"';

/**
 * The subject a gateway signs its own registry calls with. Every subgraph call carries an internal
 * principal too (the caller's, or an anonymous one), so the signature alone does not say "a
 * gateway": only this subject does, and a gateway signs it for the registry and nobody else.
 */
export const GATEWAY_SUBJECT = 'system:gateway';

/** The caller of a request with `access`; throws ApiError UNAUTHENTICATED (401) or FORBIDDEN (403). */
export async function authorize(headers: IncomingHttpHeaders, access: Access, auth: Authenticators): Promise<Caller> {
  const internal = first(headers[INTERNAL_PRINCIPAL_HEADER]);
  if (access.gateway && internal !== undefined) {
    let sub: string | null;
    try {
      sub = auth.verifyInternalPrincipal(internal)?.sub ?? null;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      throw new ApiError('UNAUTHENTICATED', `The internal principal was refused (${error.reason}).`, { 'www-authenticate': CHALLENGE });
    }
    // A principal forwarded to a subgraph (a user's, or an anonymous request's) is not the gateway.
    if (sub !== GATEWAY_SUBJECT) throw new ApiError('FORBIDDEN', 'Only a gateway may call this with an internal principal.');
    return { sub, internal: true };
  }
  let principal: Principal | null;
  try {
    principal = await auth.authenticate(first(headers.authorization));
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    // The reason is safe to say: it never contains the token (auth/authError.ts).
    throw new ApiError('UNAUTHENTICATED', `The bearer token was refused (${error.reason}).`, {
      'www-authenticate': `${CHALLENGE}, error="invalid_token", error_description="${error.reason}"`,
    });
  }
  if (principal === null) {
    throw new ApiError('UNAUTHENTICATED', `A bearer token with the ${access.scopes.join(' or ')} scope is required.`, {
      'www-authenticate': CHALLENGE,
    });
  }
  if (!access.scopes.some((scope) => principal.scopes.has(scope))) {
    throw new ApiError('FORBIDDEN', `This needs the ${access.scopes.join(' or ')} scope.`);
  }
  return { sub: principal.sub, internal: false };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
