/**
 * `__schema` and `__type` fields of an operation, answered by the gateway from the API schema (no
 * subgraph knows the whole graph), one field at a time, with the operation's variables it uses,
 * as `@apollo/gateway` answers them (docs/executor.md#equivalence).
 */
import {
  executeSync,
  Kind,
  OperationTypeNode,
  visit,
  type FieldNode,
  type GraphQLSchema,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';

export function introspect(
  schema: GraphQLSchema,
  selection: SelectionNode,
  variableDefinitions: readonly VariableDefinitionNode[] | undefined,
  variables: Record<string, unknown> | undefined,
): unknown {
  const used = new Set<string>();
  visit(selection, { Variable: (node) => void used.add(node.name.value) });
  const { data, errors } = executeSync({
    schema,
    document: {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: OperationTypeNode.QUERY,
          variableDefinitions: variableDefinitions?.filter((definition) => used.has(definition.variable.name.value)),
          selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] },
        },
      ],
    },
    rootValue: {},
    variableValues: variables,
  });
  if (errors?.length || !data) throw new Error(`Introspection query for ${JSON.stringify(selection)} should not have failed`);
  const field = selection as FieldNode;
  return data[field.alias?.value ?? field.name.value];
}
