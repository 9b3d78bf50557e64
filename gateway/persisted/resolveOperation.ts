/**
 * Turns a request that names a persisted operation into one with its query text, and refuses what
 * its client may not run (docs/persisted-operations.md#how-a-request-is-resolved). Runs in the HTTP
 * handler once the caller is known and before anything parses the document, so a client required
 * to use persisted operations never gets free text parsed, validated or planned.
 */
import type { Principal } from '../../auth/principal.ts';
import { clientIdOf } from '../../auth/clientId.ts';
import type { RequiredClients } from '../../core/config/persistedOperations.ts';
import { HttpRequestError, type GraphQLParams } from '../../core/http/graphqlParams.ts';
import { SHA256_HEX, sha256Hex } from '../../core/persistedManifest.ts';
import type { BoundedCache } from '../../core/boundedCache.ts';
import type { PersistedOutcome } from './persistedMetrics.ts';
import type { Safelist } from './safelist.ts';

export interface ResolveContext {
  readonly safelist: Safelist;
  /** The APQ cache (hash → query text); null when `TESSERA_APQ` is off. */
  readonly apq: BoundedCache<string, string> | null;
  readonly required: RequiredClients;
}

/** Apollo Server's answers, word for word: Apollo clients match on them. */
const NOT_FOUND_MESSAGE = 'PersistedQueryNotFound';
const NOT_SUPPORTED_MESSAGE = 'PersistedQueryNotSupported';
/** Apollo Server's headers on the two: the answer depends on the server's cache, never store it. */
const NO_STORE = { 'cache-control': 'private, no-cache, must-revalidate' };

/** Whether the principal's client may run only operations of its safelist. */
export function isRequired(required: RequiredClients, principal: Principal | null): boolean {
  if (required.kind !== 'some') return required.kind === 'all';
  return (required.partners && principal?.partnerAccounts != null) || required.clients.includes(clientIdOf(principal));
}

/** A request resolved, and how (null: free text of a client that is not required). */
export interface Resolved {
  readonly params: GraphQLParams;
  readonly outcome: PersistedOutcome | null;
}

/** The parameters with the query text in hand (and the persisted-query extension consumed), or an HttpRequestError. */
export function resolveOperation(params: GraphQLParams, principal: Principal | null, context: ResolveContext): Resolved {
  const clientId = clientIdOf(principal);
  const required = isRequired(context.required, principal);
  const hash = requestedHash(params);
  if (hash === null) {
    // Free text: a required client may send the exact text of one of its safelisted operations.
    if (!required) return { params, outcome: null };
    if (context.safelist.find(sha256Hex(params.query!), clientId) === undefined) throw notAllowed(clientId);
    return { params, outcome: 'safelist' };
  }
  const resolved = { ...params, extensions: withoutPersistedQuery(params.extensions), documentId: undefined };
  const safelisted = context.safelist.find(hash.id, clientId);
  if (params.query !== undefined) {
    if (sha256Hex(params.query) !== hash.id) throw new HttpRequestError('BAD_REQUEST', 'provided sha does not match query');
    if (safelisted !== undefined) return { params: resolved, outcome: 'safelist' };
    if (required) throw notAllowed(clientId);
    // Registered for the next hash-only request (with APQ off, the verified text simply runs).
    if (!context.apq) return { params: resolved, outcome: null };
    context.apq.set(hash.id, params.query);
    return { params: resolved, outcome: 'apq_register' };
  }
  if (safelisted !== undefined) return { params: { ...resolved, query: safelisted }, outcome: 'safelist' };
  const registered = hash.apq ? context.apq?.get(hash.id) : undefined;
  if (registered !== undefined) {
    if (required) throw notAllowed(clientId);
    return { params: { ...resolved, query: registered }, outcome: 'apq_hit' };
  }
  if (context.apq === null && hash.apq && !context.safelist.hasAny(clientId)) {
    throw new HttpRequestError('PERSISTED_QUERY_NOT_SUPPORTED', NOT_SUPPORTED_MESSAGE, NO_STORE);
  }
  throw new HttpRequestError('PERSISTED_QUERY_NOT_FOUND', NOT_FOUND_MESSAGE, NO_STORE);
}

function notAllowed(clientId: string): HttpRequestError {
  return new HttpRequestError(
    'OPERATION_NOT_ALLOWED',
    `The client ${JSON.stringify(clientId)} may run only its persisted operations: send the id of a safelisted operation.`,
  );
}

/** The operation id a request names: APQ's `extensions.persistedQuery.sha256Hash`, or `documentId`; null for free text. */
function requestedHash(params: GraphQLParams): { readonly id: string; readonly apq: boolean } | null {
  if (params.documentId !== undefined) {
    const id = params.documentId.startsWith('sha256:') ? params.documentId.slice('sha256:'.length) : params.documentId;
    if (!SHA256_HEX.test(id)) {
      throw new HttpRequestError('BAD_REQUEST', 'The documentId must be sha256:<64 lower-case hex digits>.');
    }
    return { id, apq: false };
  }
  const persisted = params.extensions?.persistedQuery;
  if (persisted === undefined) return null;
  const { version, sha256Hash } = persisted as Record<string, unknown>;
  if (version !== 1) throw new HttpRequestError('BAD_REQUEST', 'Unsupported persisted query version: send version 1.');
  if (typeof sha256Hash !== 'string' || !SHA256_HEX.test(sha256Hash)) {
    throw new HttpRequestError('BAD_REQUEST', 'The persistedQuery sha256Hash must be 64 lower-case hex digits.');
  }
  return { id: sha256Hash, apq: true };
}

function withoutPersistedQuery(extensions: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (extensions === undefined) return undefined;
  const { persistedQuery: _consumed, ...rest } = extensions;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
