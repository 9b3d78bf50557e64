/**
 * The system-of-record rule, checked on the subgraph SDLs before composition: each subgraph
 * resolves only the fields its system owns (`@owner`), and reads anything else as `@external`.
 * Composition itself cannot see this: to it, two subgraphs resolving one field is just sharing.
 */
import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import { objectTypes } from './objectTypes.ts';

/** The `SystemOfRecord` enum of the governance directives. */
export type SystemOfRecord = 'CRM' | 'PSA' | 'ERP' | 'INTEGRATION';

export interface OwnedSubgraph {
  readonly name: string;
  /** The system this subgraph is the system API of: the only owner it may resolve fields for. */
  readonly system: SystemOfRecord;
  readonly sdl: string;
}

/**
 * The ownership violations of a set of subgraphs, as human-readable sentences; empty when there
 * are none. In each subgraph, every field of every object type (root types included) must have an
 * effective owner (its own `@owner`, else its type's) equal to the subgraph's system, except:
 * `@external` fields, the key fields of an entity stub (a `@key` type with no type-level `@owner`:
 * the subgraph contributes fields to an entity owned elsewhere), and fields of `@shareable` value
 * types. A type whose `@owner` names another system, and a field with different owners in two
 * subgraphs, are violations too. Throws the GraphQL syntax error when an SDL does not parse.
 */
export function checkOwnership(subgraphs: readonly OwnedSubgraph[]): string[] {
  const violations: string[] = [];
  /** Coordinate → the effective owner each subgraph gives it, in subgraph order. */
  const owners = new Map<string, { subgraph: string; owner: string }[]>();

  for (const subgraph of subgraphs) {
    for (const [typeName, nodes] of objectTypes(parse(subgraph.sdl))) {
      const typeDirectives = nodes.flatMap((node) => node.directives ?? []);
      const typeOwner = ownerIn(typeDirectives);
      if (typeOwner !== undefined && typeOwner !== subgraph.system) {
        violations.push(`subgraph ${subgraph.name} (${subgraph.system}) declares type ${typeName} @owner(system: ${typeOwner})`);
      }
      if (has(typeDirectives, 'shareable')) continue;
      const keyFields = typeOwner === undefined ? keyFieldsOf(typeDirectives) : new Set<string>();
      const unowned: string[] = [];
      for (const field of nodes.flatMap((node) => node.fields ?? [])) {
        const fieldName = field.name.value;
        const directives = field.directives ?? [];
        if (has(directives, 'external') || keyFields.has(fieldName)) continue;
        const coordinate = `${typeName}.${fieldName}`;
        const fieldOwner = ownerIn(directives);
        const owner = fieldOwner ?? typeOwner;
        if (owner === undefined) {
          unowned.push(coordinate);
          continue;
        }
        // A field that inherits a foreign type owner is covered by the type's violation above.
        if (fieldOwner !== undefined && fieldOwner !== subgraph.system) {
          violations.push(
            `subgraph ${subgraph.name} (${subgraph.system}) resolves ${coordinate}, owned by ${fieldOwner}, without @external`,
          );
        }
        owners.set(coordinate, [...(owners.get(coordinate) ?? []), { subgraph: subgraph.name, owner }]);
      }
      if (unowned.length > 0) {
        violations.push(
          `subgraph ${subgraph.name} (${subgraph.system}) resolves ${unowned.join(', ')} with no @owner (on the field or its type) and without @external`,
        );
      }
    }
  }

  for (const [coordinate, claims] of owners) {
    if (new Set(claims.map((claim) => claim.owner)).size < 2) continue;
    const listed = claims.map((claim) => `${claim.owner} in subgraph ${claim.subgraph}`).join(', ');
    violations.push(`${coordinate} has conflicting owners: ${listed}`);
  }
  return violations;
}

/** Federation directives may be imported (`@external`) or namespaced (`@federation__external`). */
function has(directives: readonly ConstDirectiveNode[], federationName: string): boolean {
  return directives.some(
    (directive) => directive.name.value === federationName || directive.name.value === `federation__${federationName}`,
  );
}

/** The `system` of the `@owner` among `directives`, if any. */
function ownerIn(directives: readonly ConstDirectiveNode[]): string | undefined {
  const owner = directives.find((directive) => directive.name.value === 'owner');
  const system = owner?.arguments?.find((argument) => argument.name.value === 'system')?.value;
  if (owner === undefined) return undefined;
  return system?.kind === Kind.ENUM || system?.kind === Kind.STRING ? system.value : '(missing system)';
}

/** The top-level fields named by every `@key(fields:)` among `directives` (`"id"`, `"sku org { id }"`). */
function keyFieldsOf(directives: readonly ConstDirectiveNode[]): Set<string> {
  const names = new Set<string>();
  for (const directive of directives) {
    if (directive.name.value !== 'key' && directive.name.value !== 'federation__key') continue;
    const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
    if (fields?.kind !== Kind.STRING) continue;
    const selection = parse(`{ ${fields.value} }`).definitions[0];
    if (selection?.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const field of selection.selectionSet.selections) if (field.kind === Kind.FIELD) names.add(field.name.value);
  }
  return names;
}
