import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  Kind,
  type GraphQLInputType,
  type ValueNode,
} from 'graphql';

/**
 * Whether a value of this type can name input fields or enum values: only those are usage
 * coordinates, so a variable of a scalar type is never read.
 */
export function typeMatters(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  return isEnumType(named) || isInputObjectType(named);
}

/**
 * Adds to `into` the input fields (`Input.field`) and enum values (`Enum.VALUE`) a literal gives,
 * walked by its type; a variable inside it is handed to `onVariable` with the type at its place.
 */
export function literalCoordinates(
  node: ValueNode,
  type: GraphQLInputType,
  into: Set<string>,
  onVariable: (name: string, type: GraphQLInputType) => void,
): void {
  if (node.kind === Kind.VARIABLE) {
    onVariable(node.name.value, type);
    return;
  }
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    // A single value where a list is expected is coerced to a list of one (input coercion).
    const items = node.kind === Kind.LIST ? node.values : [node];
    for (const item of items) literalCoordinates(item, nullable.ofType, into, onVariable);
  } else if (isInputObjectType(nullable)) {
    if (node.kind !== Kind.OBJECT) return;
    const fields = nullable.getFields();
    for (const field of node.fields) {
      const definition = fields[field.name.value];
      if (!definition) continue;
      into.add(`${nullable.name}.${definition.name}`);
      literalCoordinates(field.value, definition.type, into, onVariable);
    }
  } else if (isEnumType(nullable) && node.kind === Kind.ENUM && nullable.getValue(node.value)) {
    into.add(`${nullable.name}.${node.value}`);
  }
}

/** The same for a variable's value as the request sent it (JSON, before coercion). */
export function valueCoordinates(value: unknown, type: GraphQLInputType, into: Set<string>): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const item of items) valueCoordinates(item, nullable.ofType, into);
  } else if (isInputObjectType(nullable)) {
    if (typeof value !== 'object' || Array.isArray(value)) return;
    // graphql-js keeps fields in prototype-less maps: a `__proto__` key finds nothing.
    const fields = nullable.getFields();
    for (const [name, fieldValue] of Object.entries(value)) {
      const definition = fields[name];
      if (!definition) continue;
      into.add(`${nullable.name}.${definition.name}`);
      valueCoordinates(fieldValue, definition.type, into);
    }
  } else if (isEnumType(nullable) && typeof value === 'string' && nullable.getValue(value)) {
    into.add(`${nullable.name}.${value}`);
  }
}
