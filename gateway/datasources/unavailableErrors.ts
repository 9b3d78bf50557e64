import { Kind, OperationTypeNode, type DocumentNode, type GraphQLFormattedError } from 'graphql';

/**
 * The errors that stand in for a subgraph that did not answer: one per affected path, so the
 * gateway places them where the data is missing (it maps `_entities` paths back onto the
 * query) and the rest of the response still answers.
 */
export function unavailableErrors(
  serviceName: string,
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLFormattedError[] {
  const message = `The ${serviceName} subgraph is unavailable; this part of the response is missing.`;
  const extensions = { code: 'SUBGRAPH_UNAVAILABLE' };
  const representations = variables?.representations;
  if (Array.isArray(representations)) {
    return representations.map((_, index) => ({ message, path: ['_entities', index], extensions }));
  }
  const operation = document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation === OperationTypeNode.SUBSCRIPTION) {
    return [{ message, extensions }];
  }
  const keys = operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD && selection.name.value !== '__typename' ? [selection.alias?.value ?? selection.name.value] : [],
  );
  return keys.length > 0 ? keys.map((key) => ({ message, path: [key], extensions })) : [{ message, extensions }];
}
