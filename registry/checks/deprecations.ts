/**
 * The deprecations of a supergraph's API schema (docs/registry.md#sunset): every deprecated field,
 * argument, enum value and input field, with its sunset date.
 */
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { objectTypes } from '../../schema/objectTypes.ts';
import { apiSchemaOf } from './diff.ts';
import { sunsetDateOf } from './sunsetDate.ts';

export interface DeprecatedElement {
  readonly coordinate: string;
  readonly reason: string;
  /** The reason's `Sunset YYYY-MM-DD`, else (for a capability) its `@capability(sunsetAt:)`; null when neither says. */
  readonly sunsetAt: string | null;
}

/** Sorted by coordinate. */
export function deprecationsOf(supergraphSdl: string): DeprecatedElement[] {
  const schema = apiSchemaOf(supergraphSdl);
  const capabilitySunsets = capabilitySunsetsOf(parse(supergraphSdl), schema);
  const found: DeprecatedElement[] = [];
  const add = (coordinate: string, reason: string | null | undefined) => {
    if (reason == null) return;
    found.push({ coordinate, reason, sunsetAt: sunsetDateOf(reason) ?? capabilitySunsets.get(coordinate) ?? null });
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        add(coordinate, field.deprecationReason);
        for (const arg of field.args) add(`${coordinate}(${arg.name}:)`, arg.deprecationReason);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) add(`${type.name}.${field.name}`, field.deprecationReason);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) add(`${type.name}.${value.name}`, value.deprecationReason);
    }
  }
  return found.sort((a, b) => (a.coordinate < b.coordinate ? -1 : a.coordinate > b.coordinate ? 1 : 0));
}

/**
 * `Mutation.field` → the `sunsetAt` of its `@capability`, which composes into the supergraph
 * (`@composeDirective`). Read leniently: whether the declaration is well formed is the governance
 * lint's call, and a malformed one must not stop the other checks.
 */
function capabilitySunsetsOf(document: DocumentNode, schema: GraphQLSchema): Map<string, string> {
  const mutation = schema.getMutationType()?.name ?? 'Mutation';
  const sunsets = new Map<string, string>();
  for (const node of objectTypes(document).get(mutation) ?? []) {
    for (const field of node.fields ?? []) {
      const sunsetAt = field.directives
        ?.find((directive) => directive.name.value === 'capability')
        ?.arguments?.find((arg) => arg.name.value === 'sunsetAt');
      if (sunsetAt?.value.kind !== Kind.STRING) continue;
      const date = sunsetAt.value.value;
      if (sunsetDateOf(`sunset ${date}`) === date) sunsets.set(`${mutation}.${field.name.value}`, date);
    }
  }
  return sunsets;
}
