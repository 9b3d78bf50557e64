import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode } from 'graphql';
import type { Requirement } from '../../policies/requirements.ts';

/** The governance directives of a supergraph, by schema coordinate (`Type` and `Type.field`). */
export interface RequirementIndex {
  readonly types: ReadonlyMap<string, readonly Requirement[]>;
  readonly fields: ReadonlyMap<string, readonly Requirement[]>;
}

/**
 * Reads `@authenticated`, `@requiresScopes` and `@policy` off a composed supergraph SDL (they
 * survive composition through `@composeDirective`). Works for any supergraph: nothing here knows
 * which types a subgraph defines.
 */
export function requirementIndex(supergraphSdl: string): RequirementIndex {
  const types = new Map<string, Requirement[]>();
  const fields = new Map<string, Requirement[]>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = definition.name.value;
    add(types, typeName, requirementsOf(definition.directives ?? []));
    for (const field of definition.fields ?? []) add(fields, `${typeName}.${field.name.value}`, requirementsOf(field.directives ?? []));
  }
  return { types, fields };
}

function add(map: Map<string, Requirement[]>, key: string, requirements: Requirement[]): void {
  if (requirements.length === 0) return;
  map.set(key, [...(map.get(key) ?? []), ...requirements]);
}

function requirementsOf(directives: readonly ConstDirectiveNode[]): Requirement[] {
  return directives.flatMap((directive): Requirement[] => {
    switch (directive.name.value) {
      case 'authenticated':
        return [{ kind: 'authenticated' }];
      case 'requiresScopes':
        return [{ kind: 'scopes', anyOf: groups(directive, 'scopes') }];
      case 'policy':
        return [{ kind: 'policies', anyOf: groups(directive, 'policies') }];
      default:
        return [];
    }
  });
}

function groups(directive: ConstDirectiveNode, argument: string): string[][] {
  const node = directive.arguments?.find((arg) => arg.name.value === argument);
  const value = node ? valueFromASTUntyped(node.value) : undefined;
  if (!Array.isArray(value) || !value.every((group) => Array.isArray(group) && group.every((item) => typeof item === 'string'))) {
    throw new TypeError(`@${directive.name.value}(${argument}:) must be a list of lists of strings`);
  }
  return value as string[][];
}
