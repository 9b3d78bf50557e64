import type { NamedPolicy } from './namedPolicy.ts';
import type { Principal } from '../auth/principal.ts';

/** One governance directive on a type or field. Lists are OR of AND-groups: `[["a","b"],["c"]]` = (a and b) or c. */
export type Requirement =
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'scopes'; readonly anyOf: readonly (readonly string[])[] }
  | { readonly kind: 'policies'; readonly anyOf: readonly (readonly string[])[] };

export type Decision =
  { readonly allowed: true } | { readonly allowed: false; readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN'; readonly reason: string };

const ALLOWED: Decision = { allowed: true };

/**
 * Decides a set of requirements (all must hold) for a principal. Pure: the same inputs always give
 * the same decision, so it is safe to memoize per request. An anonymous caller who fails is
 * UNAUTHENTICATED (logging in may help); an authenticated one is FORBIDDEN.
 */
export function decide(
  requirements: readonly Requirement[],
  principal: Principal | null,
  policies: ReadonlyMap<string, NamedPolicy>,
): Decision {
  for (const requirement of requirements) {
    const reason = unmet(requirement, principal, policies);
    if (reason !== null) return { allowed: false, code: principal === null ? 'UNAUTHENTICATED' : 'FORBIDDEN', reason };
  }
  return ALLOWED;
}

function unmet(requirement: Requirement, principal: Principal | null, policies: ReadonlyMap<string, NamedPolicy>): string | null {
  switch (requirement.kind) {
    case 'authenticated':
      return principal === null ? 'authentication required' : null;
    case 'scopes':
      return requirement.anyOf.some((group) => group.every((scope) => principal?.scopes.has(scope) ?? false))
        ? null
        : `requires scope ${describe(requirement.anyOf)}`;
    case 'policies':
      return requirement.anyOf.some((group) => group.every((name) => policies.get(name)?.admits(principal) ?? false))
        ? null
        : `denied by policy ${describe(requirement.anyOf)}`;
  }
}

/** `[["a","b"],["c"]]` → `a and b, or c`. */
function describe(anyOf: readonly (readonly string[])[]): string {
  return anyOf.map((group) => group.join(' and ')).join(', or ');
}
