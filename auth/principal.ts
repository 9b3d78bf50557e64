import { AuthError } from './authError.ts';

/**
 * Who is calling, as established from a verified token. Policies are pure functions over this value,
 * so it carries only what they decide on, already validated and normalized.
 */
export interface Principal {
  /** The `sub` claim: a stable identifier of the user or service. */
  readonly sub: string;
  /** The `scope` claim, split: the OAuth scopes `@requiresScopes` checks. */
  readonly scopes: ReadonlySet<string>;
  /** The `client_id` claim: the application acting for `sub`; `null` when the token names none. */
  readonly clientId: string | null;
  /** The `legal_entities` claim: codes of the legal entities the caller may see, or `'*'` for all. */
  readonly legalEntities: '*' | readonly string[];
  /** The `partner_accounts` claim: present (possibly empty) only on partner tokens, `null` otherwise. */
  readonly partnerAccounts: readonly string[] | null;
  /** The `roles` claim. */
  readonly roles: readonly string[];
}

/**
 * The token claims this module understands, in their wire form.
 *
 * - `sub` (required): a non-empty string.
 * - `scope`: an OAuth 2 scope string, scopes separated by spaces (RFC 6749 §3.3); missing means none.
 * - `client_id`: a non-empty string (RFC 9068 §2.2); missing means none.
 * - `legal_entities`: an array of legal entity codes (`["US01", "UK01"]`) or the string `"*"` for all;
 *   missing means none. `"*"` inside the array is refused: a wildcard hidden among codes is more likely
 *   a mistake than an intent, and the safe reading of a mistake is "no access", not "all".
 * - `partner_accounts`: an array of CRM account ids, present only on tokens issued to partners. Its
 *   presence, even empty, is what marks a partner: an empty array means a partner who sees nothing,
 *   which must never be confused with an internal user (`null`).
 * - `roles`: an array of role names; missing means none.
 *
 * A claim that is present must be well formed: `null` is not read as "missing", because a claim that an
 * issuer sent as `null` is a bug somewhere, and guessing its meaning could widen access.
 */
export interface PrincipalClaims {
  sub: string;
  scope?: string;
  client_id?: string;
  legal_entities?: '*' | string[];
  partner_accounts?: string[];
  roles?: string[];
}

/** Reads a principal from verified token claims; throws `AuthError('malformed')` when a claim is malformed. */
export function principalFromClaims(claims: unknown): Principal {
  if (!isRecord(claims)) throw malformed('the token claims are not a JSON object');
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw malformed('the sub claim must be a non-empty string');
  return Object.freeze({
    sub,
    scopes: readScopes(claims.scope),
    clientId: readOptionalString(claims.client_id, 'client_id'),
    legalEntities: readLegalEntities(claims.legal_entities),
    partnerAccounts: claims.partner_accounts === undefined ? null : readStringArray(claims.partner_accounts, 'partner_accounts'),
    roles: claims.roles === undefined ? Object.freeze([]) : readStringArray(claims.roles, 'roles'),
  });
}

/** The wire form of a principal: the inverse of `principalFromClaims`, for re-signing it (internal tokens, dev tokens). */
export function claimsFromPrincipal(principal: Principal): PrincipalClaims {
  const claims: PrincipalClaims = { sub: principal.sub };
  if (principal.scopes.size > 0) claims.scope = [...principal.scopes].join(' ');
  if (principal.clientId !== null) claims.client_id = principal.clientId;
  if (principal.legalEntities === '*' || principal.legalEntities.length > 0) {
    claims.legal_entities = principal.legalEntities === '*' ? '*' : [...principal.legalEntities];
  }
  if (principal.partnerAccounts !== null) claims.partner_accounts = [...principal.partnerAccounts];
  if (principal.roles.length > 0) claims.roles = [...principal.roles];
  return claims;
}

function readScopes(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (typeof value !== 'string') throw malformed('the scope claim must be a space-delimited string');
  // Repeated spaces are tolerated: they carry no meaning and some issuers emit them.
  return new Set(value.split(' ').filter((scope) => scope !== ''));
}

function readOptionalString(value: unknown, claim: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '') throw malformed(`the ${claim} claim must be a non-empty string`);
  return value;
}

function readLegalEntities(value: unknown): '*' | readonly string[] {
  if (value === undefined) return Object.freeze([]);
  if (value === '*') return '*';
  const codes = readStringArray(value, 'legal_entities');
  if (codes.includes('*')) throw malformed('the legal_entities claim must be "*" or an array of codes, not an array containing "*"');
  return codes;
}

function readStringArray(value: unknown, claim: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string' && item !== '')) {
    throw malformed(`the ${claim} claim must be an array of non-empty strings`);
  }
  return Object.freeze([...value]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Messages name the claim, never its value: claim values are caller-controlled and may be personal data.
function malformed(message: string): AuthError {
  return new AuthError('malformed', message);
}
