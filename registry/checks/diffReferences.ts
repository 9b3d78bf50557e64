/**
 * Where a type is used in a schema, as usage coordinates (the gateway records `Type.field` per
 * selected field, `Type.field(arg:)` per argument given, `Input.field` per input field given and
 * `Enum.VALUE` per enum value given). A change's usage coordinates are looked up here, on the schema
 * clients use today (the `before` side), so that recorded use can say whether a client is affected.
 */
import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

export interface SchemaReferences {
  /** The type's own coordinates: `Type.field` of its fields or input fields, `Enum.VALUE` of its values. */
  members(typeName: string): readonly string[];
  /** `Type.field` of every field whose (unwrapped) output type is `typeName`. */
  outputFields(typeName: string): readonly string[];
  /** `Type.field(arg:)` and `Input.field` of every argument and input field whose (unwrapped) type is `typeName`. */
  inputPositions(typeName: string): readonly string[];
  /**
   * Every coordinate where a value containing a `typeName` value is given: its input positions, and
   * the arguments whose input type nests it at any depth. The arguments are there because use of an
   * input field inside a variable's value may not be recorded; the argument that carries it always is.
   */
  inputReach(typeName: string): readonly string[];
}

const cache = new WeakMap<GraphQLSchema, SchemaReferences>();

export function referencesOf(schema: GraphQLSchema): SchemaReferences {
  let references = cache.get(schema);
  if (!references) {
    references = indexReferences(schema);
    cache.set(schema, references);
  }
  return references;
}

function indexReferences(schema: GraphQLSchema): SchemaReferences {
  const members = new Map<string, string[]>();
  const outputFields = new Map<string, string[]>();
  const inputPositions = new Map<string, string[]>();
  const argumentsOf = new Map<string, string[]>();
  /** Input type name → the input types that have a field of it. */
  const containers = new Map<string, Set<string>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        push(members, type.name, coordinate);
        push(outputFields, getNamedType(field.type).name, coordinate);
        for (const arg of field.args) {
          const argCoordinate = `${coordinate}(${arg.name}:)`;
          push(inputPositions, getNamedType(arg.type).name, argCoordinate);
          push(argumentsOf, getNamedType(arg.type).name, argCoordinate);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const fieldType = getNamedType(field.type).name;
        push(members, type.name, coordinate);
        push(inputPositions, fieldType, coordinate);
        containers.set(fieldType, (containers.get(fieldType) ?? new Set()).add(type.name));
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) push(members, type.name, `${type.name}.${value.name}`);
    }
  }
  const get = (map: Map<string, string[]>, name: string): readonly string[] => map.get(name) ?? [];
  return {
    members: (name) => get(members, name),
    outputFields: (name) => get(outputFields, name),
    inputPositions: (name) => get(inputPositions, name),
    inputReach(name) {
      const reached = new Set<string>([name]);
      const queue = [name];
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        for (const container of containers.get(next) ?? []) {
          if (reached.has(container)) continue;
          reached.add(container);
          queue.push(container);
        }
      }
      return [...new Set([...get(inputPositions, name), ...[...reached].flatMap((type) => get(argumentsOf, type))])].sort();
    },
  };
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
