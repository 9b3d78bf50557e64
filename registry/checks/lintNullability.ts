/**
 * STRICTER_ACCESS_NOT_NULLABLE (docs/registry.md#rules): a field whose access requirement is
 * stricter than its parent's must be nullable. The gateway removes a denied field before planning
 * and answers null with a FORBIDDEN error at its path; a non-null one sends that null up to its
 * nearest nullable parent, so a caller without the field's scope would lose the rest of the answer.
 *
 * A field requires its own `@authenticated` / `@requiresScopes` / `@policy` AND those of the object
 * type it returns (what the gateway decides, gateway/authorization). What a parent guarantees is
 * what every way of reaching it required: its own requirement where a field returns it directly,
 * ANDed with what each path to it passed, ORed over the paths (a connection or a payload of no
 * requirement of its own is reached only through the field that decides). A root Query field's
 * parent guarantees nothing. Mutation root fields are exempt: an operation calls one capability,
 * there is no rest of the answer to keep. Only the field itself must be nullable: a denial is of
 * the whole field, never of one item, so `[T!]` items may stay non-null.
 */
import {
  getNamedType,
  isAbstractType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { Finding } from '../types.ts';
import { accessOf, and, describeAccess, implies, NO_REQUIREMENT, or, same, type Access } from './accessRequirement.ts';
import { inaccessible, type LintSupergraph } from './lintSupergraph.ts';

export function nullabilityFindings(supergraph: LintSupergraph): Finding[] {
  const { schema } = supergraph;
  const objects = supergraph.types.filter(isObjectType);
  const mutation = schema.getMutationType();
  const roots = [schema.getQueryType(), mutation, schema.getSubscriptionType()].filter((root) => root != null);
  const guaranteed = guarantees(schema, objects, roots);

  const findings: Finding[] = [];
  for (const parent of objects) {
    const given = guaranteed.get(parent.name);
    if (parent === mutation || given === undefined) continue;
    for (const field of apiFields(parent)) {
      if (!isNonNullType(field.type)) continue;
      const required = requirementOf(field);
      if (implies(given, required)) continue;
      const coordinate = `${parent.name}.${field.name}`;
      const returned = getNamedType(field.type);
      const own = accessOf(field.astNode?.directives);
      const source = same(own, required) ? 'its own' : same(own, NO_REQUIREMENT) ? `${returned.name}'s` : `its own and ${returned.name}'s`;
      const parentText = roots.includes(parent)
        ? `it is a root ${parent.name} field (nothing is guaranteed above it)`
        : `reaching ${parent.name} guarantees only ${describeAccess(given)}`;
      findings.push({
        rule: 'STRICTER_ACCESS_NOT_NULLABLE',
        severity: 'error',
        coordinate,
        subgraph: supergraph.subgraphOf(coordinate),
        message:
          `${coordinate} requires ${describeAccess(required)} (${source}), but ${parentText}; as ${String(field.type)} it would null ` +
          `its parent for a caller without that access. Make it nullable (${String(field.type.ofType)}) so the rest of the answer stays.`,
      });
    }
  }
  return findings;
}

/** What reading `field` requires: its own requirement and that of the object type it returns. */
function requirementOf(field: GraphQLField<unknown, unknown>): Access {
  const returned = getNamedType(field.type);
  const own = accessOf(field.astNode?.directives);
  return isObjectType(returned) ? and(own, accessOf(returned.astNode?.directives)) : own;
}

/**
 * What is guaranteed to hold at each object type reached from the roots: the OR over every field
 * that leads to it of (what its parent guarantees AND what the field requires). A field of an
 * abstract type leads to each possible type with the field's own requirement only (the gateway
 * decides a type's requirement where a field returns the object type itself). A fixed point: the
 * guarantees only weaken, over a finite set of atoms.
 */
function guarantees(
  schema: GraphQLSchema,
  objects: readonly GraphQLObjectType[],
  roots: readonly GraphQLObjectType[],
): Map<string, Access> {
  const guaranteed = new Map<string, Access>(roots.map((root) => [root.name, NO_REQUIREMENT]));
  const api = new Set(objects.map((type) => type.name));
  let changed = true;
  while (changed) {
    changed = false;
    for (const parent of objects) {
      const given = guaranteed.get(parent.name);
      if (given === undefined) continue;
      for (const field of apiFields(parent)) {
        const returned = getNamedType(field.type);
        const reached = isObjectType(returned)
          ? [{ type: returned, access: requirementOf(field) }]
          : isAbstractType(returned)
            ? schema.getPossibleTypes(returned).map((type) => ({ type, access: accessOf(field.astNode?.directives) }))
            : [];
        for (const { type, access } of reached) {
          if (!api.has(type.name) || roots.includes(type)) continue;
          const through = and(given, access);
          const before = guaranteed.get(type.name);
          const after = before === undefined ? through : or(before, through);
          if (before === undefined || !same(before, after)) {
            guaranteed.set(type.name, after);
            changed = true;
          }
        }
      }
    }
  }
  return guaranteed;
}

/** The fields of `type` clients see (`@inaccessible` ones left out). */
function apiFields(type: GraphQLObjectType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((field) => !inaccessible(field.astNode?.directives));
}
