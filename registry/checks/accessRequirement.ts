/**
 * Access requirements as the governance lint compares them: an OR of alternatives, each an AND of
 * atoms (`scope:psa:read`, `policy:legalEntityScoped`, `authenticated`), the same OR-of-AND form as
 * `@requiresScopes` and `@policy` (policies/requirements.ts decides them; here they are only
 * compared, so a policy counts as one more thing a principal must have, like a scope). Any scope or
 * policy implies `authenticated`: both need a verified principal.
 */
import { Kind, valueFromASTUntyped, type ConstDirectiveNode } from 'graphql';

/** Alternatives, none a superset of another. `[]` is unreachable (nothing satisfies it); `[[]]` is no requirement. */
export type Access = readonly (readonly string[])[];

export const NO_REQUIREMENT: Access = [[]];

/** The requirement `directives` state (`@authenticated`, `@requiresScopes`, `@policy`), ANDed. */
export function accessOf(directives: readonly ConstDirectiveNode[] | undefined): Access {
  let access = NO_REQUIREMENT;
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name === 'authenticated') access = and(access, [['authenticated']]);
    else if (name === 'requiresScopes') access = and(access, groups(directive, 'scopes', 'scope:'));
    else if (name === 'policy') access = and(access, groups(directive, 'policies', 'policy:'));
  }
  return access;
}

/** Both requirements. */
export function and(a: Access, b: Access): Access {
  return minimal(a.flatMap((left) => b.map((right) => [...left, ...right])));
}

/** Either requirement. */
export function or(a: Access, b: Access): Access {
  return minimal([...a, ...b]);
}

/** Whether every principal that satisfies `given` satisfies `required`: each alternative of `given` contains one of `required`. */
export function implies(given: Access, required: Access): boolean {
  return given.every((have) => required.some((need) => need.every((atom) => have.includes(atom))));
}

export function same(a: Access, b: Access): boolean {
  return implies(a, b) && implies(b, a);
}

/** `psa:read and policy legalEntityScoped, or erp:read`; `nothing` for no requirement. */
export function describeAccess(access: Access): string {
  if (access.length === 0) return 'unreachable';
  return access
    .map((alternative) => {
      // Scopes first, then policies: `psa:read and policy legalEntityScoped`.
      const shown = alternative.length > 1 ? alternative.filter((atom) => atom !== 'authenticated') : alternative;
      const ordered = [...shown.filter((atom) => !atom.startsWith('policy:')), ...shown.filter((atom) => atom.startsWith('policy:'))];
      return ordered.length === 0
        ? 'nothing'
        : ordered.map((atom) => atom.replace(/^scope:/, '').replace(/^policy:/, 'policy ')).join(' and ');
    })
    .join(', or ');
}

function groups(directive: ConstDirectiveNode, argument: string, prefix: string): Access {
  const node = directive.arguments?.find((arg) => arg.name.value === argument);
  const value: unknown = node && node.value.kind === Kind.LIST ? valueFromASTUntyped(node.value) : [];
  if (!Array.isArray(value)) return NO_REQUIREMENT;
  return minimal(value.map((group: unknown) => (Array.isArray(group) ? group.map((item) => `${prefix}${String(item)}`) : [])));
}

/** Sorted, deduplicated alternatives (with `authenticated` where a scope or policy is), supersets removed. */
function minimal(alternatives: readonly (readonly string[])[]): Access {
  const normal = alternatives.map((alternative) => {
    const atoms = new Set(alternative);
    if (atoms.size > 0) atoms.add('authenticated');
    return [...atoms].sort();
  });
  const kept = normal.filter(
    (alternative, index) =>
      !normal.some(
        (other, otherIndex) =>
          otherIndex !== index &&
          other.every((atom) => alternative.includes(atom)) &&
          (other.length < alternative.length || otherIndex < index),
      ),
  );
  return kept.sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : a.join(' ') > b.join(' ') ? 1 : 0));
}
