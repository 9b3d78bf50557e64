/**
 * A composed supergraph as the governance lint reads it: its schema (built from the SDL, directives
 * kept on the AST nodes), which API elements it has (federation and `@link` internals and
 * `@inaccessible` elements left out: clients never see them), and which subgraph defines a
 * coordinate (from the `@join__*` directives), so a finding can name the subgraph to fix.
 */
import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

export interface LintSupergraph {
  readonly schema: GraphQLSchema;
  /** The API types (no internals, nothing `@inaccessible`), by name order. */
  readonly types: readonly GraphQLNamedType[];
  /** The subgraph that defines `Type` or `Type.field` (its first non-external one), or null when unknown. */
  subgraphOf(coordinate: string): string | null;
}

export function readSupergraph(supergraphSdl: string): LintSupergraph {
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const graphNames = new Map<string, string>();
  const graphEnum = schema.getType('join__Graph');
  if (isEnumType(graphEnum)) {
    for (const value of graphEnum.getValues()) {
      const name = stringArgument(value.astNode?.directives, 'join__graph', 'name');
      if (name !== null) graphNames.set(value.name, name);
    }
  }
  const types = Object.values(schema.getTypeMap())
    .filter((type) => !isInternal(type.name) && !inaccessible(type.astNode?.directives))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

  const subgraphOf = (coordinate: string): string | null => {
    const [typeName, fieldName] = coordinate.split('.') as [string, string | undefined];
    const type = schema.getType(typeName);
    if (!type) return null;
    if (fieldName !== undefined && (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) {
      const field = type.getFields()[fieldName.replace(/\(.*$/, '')];
      const graphs = graphsOf(field?.astNode?.directives, 'join__field');
      if (graphs.length > 0) return graphNames.get(graphs[0]!) ?? null;
    }
    const graphs = graphsOf(type.astNode?.directives, 'join__type');
    return graphs.length === 1 ? (graphNames.get(graphs[0]!) ?? null) : null;
  };
  return { schema, types, subgraphOf };
}

/** Federation and `@link` internals (`join__Graph`, `link__Import`, `_Service`) and the introspection types. */
export function isInternal(typeName: string): boolean {
  return typeName.startsWith('_') || /^[A-Za-z0-9]+__/.test(typeName);
}

/** Whether `@inaccessible` is among `directives`: the element is not part of the API schema. */
export function inaccessible(directives: readonly ConstDirectiveNode[] | undefined): boolean {
  return (directives ?? []).some((directive) => directive.name.value === 'inaccessible');
}

/** The graphs of the `@join__field` / `@join__type` among `directives`, external ones left out. */
function graphsOf(directives: readonly ConstDirectiveNode[] | undefined, name: string): string[] {
  return (directives ?? [])
    .filter((directive) => directive.name.value === name)
    .filter(
      (directive) =>
        !directive.arguments?.some((arg) => arg.name.value === 'external' && arg.value.kind === Kind.BOOLEAN && arg.value.value),
    )
    .flatMap((directive) => {
      const graph = directive.arguments?.find((arg) => arg.name.value === 'graph')?.value;
      return graph?.kind === Kind.ENUM ? [graph.value] : [];
    });
}

/** The string value of argument `argument` of the first `@name` among `directives`, else null. */
export function stringArgument(directives: readonly ConstDirectiveNode[] | undefined, name: string, argument: string): string | null {
  const value = directives
    ?.find((directive) => directive.name.value === name)
    ?.arguments?.find((arg) => arg.name.value === argument)?.value;
  return value?.kind === Kind.STRING ? value.value : null;
}
