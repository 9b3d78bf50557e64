import {
  Kind,
  parse,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
} from 'graphql';

/** The cost specification the subgraphs link (docs/demand-control.md#directives). */
export const COST_SPEC_URL = /^https:\/\/specs\.apollo\.dev\/cost\/v0\.\d+$/;

/** `@listSize` of one field, as declared. */
export interface ListSize {
  readonly assumedSize: number | undefined;
  /** Argument names (or dotted paths into input objects) whose value is the size of the list returned. */
  readonly slicingArguments: readonly string[];
  /** Fields of the returned object whose lists have that size (a connection's `nodes`), instead of the field itself. */
  readonly sizedFields: readonly string[];
  readonly requireOneSlicingArgument: boolean;
}

/** The cost directives of a supergraph, by schema coordinate. */
export interface CostDirectives {
  /** `@cost(weight:)` on an object, interface, scalar or enum type, by type name. */
  readonly types: ReadonlyMap<string, number>;
  /** `@cost(weight:)` on a field, by `Type.field`. */
  readonly fields: ReadonlyMap<string, number>;
  /** `@cost(weight:)` on an argument, by `Type.field(argument:)`. */
  readonly arguments: ReadonlyMap<string, number>;
  /** `@listSize`, by `Type.field`. */
  readonly listSizes: ReadonlyMap<string, ListSize>;
}

/**
 * Reads `@cost` and `@listSize` from a supergraph SDL. Composition keeps them in the supergraph
 * under the names its `@link` to the cost spec gives them: `@cost` is the spec's own name (or its
 * `as:`), `@listSize` is imported (possibly renamed) or else `@<name>__listSize`. A supergraph
 * that does not link the spec has no cost directives: every element costs its default.
 */
export function readCostDirectives(supergraphSdl: string | DocumentNode): CostDirectives {
  const document = typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl;
  const names = costDirectiveNames(document);
  const types = new Map<string, number>();
  const fields = new Map<string, number>();
  const args = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  if (!names) return { types, fields, arguments: args, listSizes };
  const weightOf = (directives: readonly ConstDirectiveNode[] | undefined): number | undefined => {
    const cost = directives?.find((directive) => directive.name.value === names.cost);
    const weight = cost && valueOf(argument(cost, 'weight'));
    return typeof weight === 'number' ? weight : undefined;
  };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !isTypeDefinition(definition)) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives);
    if (typeWeight !== undefined) types.set(typeName, typeWeight);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      const fieldWeight = weightOf(field.directives);
      if (fieldWeight !== undefined) fields.set(coordinate, fieldWeight);
      for (const arg of field.arguments ?? []) {
        const argumentWeight = weightOf(arg.directives);
        if (argumentWeight !== undefined) args.set(`${coordinate}(${arg.name.value}:)`, argumentWeight);
      }
      const listSize = field.directives?.find((directive) => directive.name.value === names.listSize);
      if (listSize) listSizes.set(coordinate, readListSize(listSize));
    }
  }
  return { types, fields, arguments: args, listSizes };
}

function isTypeDefinition(definition: DefinitionNode): definition is Extract<DefinitionNode, { readonly fields?: unknown }> | ScalarOrEnum {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION
  );
}

type ScalarOrEnum = Extract<DefinitionNode, { readonly kind: Kind.SCALAR_TYPE_DEFINITION | Kind.ENUM_TYPE_DEFINITION }>;

function readListSize(directive: ConstDirectiveNode): ListSize {
  const assumedSize = valueOf(argument(directive, 'assumedSize'));
  const strings = (name: string): string[] => {
    const value = valueOf(argument(directive, name));
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
  };
  return {
    assumedSize: typeof assumedSize === 'number' ? assumedSize : undefined,
    slicingArguments: strings('slicingArguments'),
    sizedFields: strings('sizedFields'),
    requireOneSlicingArgument: valueOf(argument(directive, 'requireOneSlicingArgument')) !== false,
  };
}

/** The names `@cost` and `@listSize` have in this supergraph, from its `@link` to the cost spec; null without one. */
function costDirectiveNames(document: DocumentNode): { readonly cost: string; readonly listSize: string } | null {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = valueOf(argument(link, 'url'));
      if (typeof url !== 'string' || !COST_SPEC_URL.test(url)) continue;
      const as = valueOf(argument(link, 'as'));
      const specName = typeof as === 'string' ? as : 'cost';
      const imports = valueOf(argument(link, 'import'));
      const imported = (name: string): string | undefined => {
        for (const entry of Array.isArray(imports) ? imports : []) {
          if (entry === `@${name}`) return name;
          if (entry && typeof entry === 'object' && (entry as Record<string, unknown>).name === `@${name}`) {
            const renamed = (entry as Record<string, unknown>).as;
            return typeof renamed === 'string' ? renamed.replace(/^@/, '') : name;
          }
        }
        return undefined;
      };
      return { cost: imported('cost') ?? specName, listSize: imported('listSize') ?? `${specName}__listSize` };
    }
  }
  return null;
}

function argument(directive: ConstDirectiveNode, name: string): ConstArgumentNode | undefined {
  return directive.arguments?.find((arg) => arg.name.value === name);
}

/** A constant value as plain data (ints and floats as numbers). */
function valueOf(node: ConstArgumentNode | ConstValueNode | undefined): unknown {
  if (!node) return undefined;
  const value = node.kind === Kind.ARGUMENT ? node.value : node;
  switch (value.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(value.value);
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.BOOLEAN:
      return value.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return value.values.map((entry) => valueOf(entry));
    case Kind.OBJECT:
      return Object.fromEntries(value.fields.map((field) => [field.name.value, valueOf(field.value)]));
  }
}
