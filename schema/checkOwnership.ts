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

/** The ownership rule's codes (docs/registry.md#rules). */
export type OwnershipRule = 'OWNER_MISSING' | 'NON_OWNER_RESOLVES' | 'OWNER_CONFLICT' | 'FOREIGN_TYPE_OWNER';

/** One breach of the ownership rule, about one coordinate (`Type` or `Type.field`). */
export interface OwnershipViolation {
  readonly rule: OwnershipRule;
  readonly coordinate: string;
  /** The subgraph at fault; null for a conflict, which is between subgraphs. */
  readonly subgraph: string | null;
  /** What is wrong and what to do about it. */
  readonly message: string;
}

/**
 * The ownership violations of a set of subgraphs, as human-readable sentences; empty when there
 * are none. In each subgraph, every field of every object type (root types included) must have an
 * effective owner (its own `@owner`, else its type's) equal to the subgraph's system, except:
 * `@external` fields, the key fields of an entity stub (a `@key` type with no type-level `@owner`:
 * the subgraph contributes fields to an entity owned elsewhere), and fields of `@shareable` value
 * types. A type whose `@owner` names another system, and a field with different owners in two
 * subgraphs, are violations too. Throws the GraphQL syntax error when an SDL does not parse.
 * The fields of one type without an owner are one sentence (`ownershipViolations` has one each).
 */
export function checkOwnership(subgraphs: readonly OwnedSubgraph[]): string[] {
  /** A sentence, or the unowned fields of one type in one subgraph (one sentence, at the first one's place). */
  const sentences: (string | { readonly subgraph: OwnedSubgraph; readonly coordinates: string[] })[] = [];
  const unowned = new Map<string, { readonly subgraph: OwnedSubgraph; readonly coordinates: string[] }>();
  for (const violation of ownershipViolations(subgraphs)) {
    if (violation.rule !== 'OWNER_MISSING') {
      sentences.push(violation.message);
      continue;
    }
    const key = `${violation.subgraph} ${violation.coordinate.split('.')[0]}`;
    const group = unowned.get(key);
    if (group) group.coordinates.push(violation.coordinate);
    else {
      const created = {
        subgraph: subgraphs.find((candidate) => candidate.name === violation.subgraph)!,
        coordinates: [violation.coordinate],
      };
      unowned.set(key, created);
      sentences.push(created);
    }
  }
  return sentences.map((sentence) =>
    typeof sentence === 'string'
      ? sentence
      : `subgraph ${sentence.subgraph.name} (${sentence.subgraph.system}) resolves ${sentence.coordinates.join(', ')} with no @owner (on the field or its type) and without @external`,
  );
}

/** The ownership rule's violations, one per coordinate, in subgraph and document order, conflicts last. */
export function ownershipViolations(subgraphs: readonly OwnedSubgraph[]): OwnershipViolation[] {
  const violations: OwnershipViolation[] = [];
  /** Coordinate → the effective owner each subgraph gives it, in subgraph order. */
  const owners = new Map<string, { subgraph: string; owner: string }[]>();

  for (const subgraph of subgraphs) {
    const who = `subgraph ${subgraph.name} (${subgraph.system})`;
    for (const [typeName, nodes] of objectTypes(parse(subgraph.sdl))) {
      const typeDirectives = nodes.flatMap((node) => node.directives ?? []);
      const typeOwner = ownerIn(typeDirectives);
      if (typeOwner !== undefined && typeOwner !== subgraph.system) {
        violations.push({
          rule: 'FOREIGN_TYPE_OWNER',
          coordinate: typeName,
          subgraph: subgraph.name,
          message: `${who} declares type ${typeName} @owner(system: ${typeOwner})`,
        });
      }
      if (has(typeDirectives, 'shareable')) continue;
      const keyFields = typeOwner === undefined ? keyFieldsOf(typeDirectives) : new Set<string>();
      for (const field of nodes.flatMap((node) => node.fields ?? [])) {
        const fieldName = field.name.value;
        const directives = field.directives ?? [];
        if (has(directives, 'external') || keyFields.has(fieldName)) continue;
        const coordinate = `${typeName}.${fieldName}`;
        const fieldOwner = ownerIn(directives);
        const owner = fieldOwner ?? typeOwner;
        if (owner === undefined) {
          violations.push({
            rule: 'OWNER_MISSING',
            coordinate,
            subgraph: subgraph.name,
            message: `${who} resolves ${coordinate} with no @owner (on the field or its type) and without @external`,
          });
          continue;
        }
        // A field that inherits a foreign type owner is covered by the type's violation above.
        if (fieldOwner !== undefined && fieldOwner !== subgraph.system) {
          violations.push({
            rule: 'NON_OWNER_RESOLVES',
            coordinate,
            subgraph: subgraph.name,
            message: `${who} resolves ${coordinate}, owned by ${fieldOwner}, without @external`,
          });
        }
        owners.set(coordinate, [...(owners.get(coordinate) ?? []), { subgraph: subgraph.name, owner }]);
      }
    }
  }

  for (const [coordinate, claims] of owners) {
    if (new Set(claims.map((claim) => claim.owner)).size < 2) continue;
    const listed = claims.map((claim) => `${claim.owner} in subgraph ${claim.subgraph}`).join(', ');
    violations.push({ rule: 'OWNER_CONFLICT', coordinate, subgraph: null, message: `${coordinate} has conflicting owners: ${listed}` });
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
