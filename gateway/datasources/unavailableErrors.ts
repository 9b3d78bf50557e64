import { Kind, OperationTypeNode, type DocumentNode, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';

type Path = readonly (string | number)[];

/**
 * The response paths a subgraph fetch was to fill, relative to the fetch: one per root field of
 * the operation, or one per requested field of each entity of an `_entities` fetch
 * (`['_entities', index, field]`, which the gateway maps back onto the client's query).
 */
export function affectedPaths(document: DocumentNode | undefined, variables: Record<string, unknown> | undefined): Path[] {
  const operation = document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const representations = variables?.representations;
  if (Array.isArray(representations)) {
    const entities =
      operation?.kind === Kind.OPERATION_DEFINITION
        ? operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities')
        : undefined;
    const selectionSet = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
    return representations.flatMap((representation: unknown, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      const keys = selectionSet ? responseKeys(selectionSet, typeof typename === 'string' ? typename : undefined) : [];
      return keys.length > 0 ? keys.map((key) => ['_entities', index, key]) : [['_entities', index]];
    });
  }
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation === OperationTypeNode.SUBSCRIPTION) return [];
  return responseKeys(operation.selectionSet, undefined).map((key) => [key]);
}

/** Response keys of a selection set, through inline fragments that apply to `typename`. */
function responseKeys(selectionSet: SelectionSetNode, typename: string | undefined): string[] {
  const keys = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD && selection.name.value !== '__typename') keys.add(selection.alias?.value ?? selection.name.value);
    if (
      selection.kind === Kind.INLINE_FRAGMENT &&
      (!selection.typeCondition || !typename || selection.typeCondition.name.value === typename)
    ) {
      for (const key of responseKeys(selection.selectionSet, typename)) keys.add(key);
    }
  }
  return [...keys];
}

/**
 * The errors that stand in for a subgraph that did not answer: one per affected path, so the
 * gateway places them where the data is missing and the rest of the response still answers.
 */
export function unavailableErrors(
  serviceName: string,
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLFormattedError[] {
  const message = `The ${serviceName} subgraph is unavailable; this part of the response is missing.`;
  return placeAtAffectedPaths([{ message, extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }], document, variables);
}

/**
 * Errors a subgraph answered for the whole request (a variable or argument it refused), placed
 * at the paths the request was to fill; errors that have a path keep it.
 */
export function placeAtAffectedPaths(
  errors: readonly GraphQLFormattedError[],
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLFormattedError[] {
  const paths = affectedPaths(document, variables);
  return errors.flatMap(({ message, path, extensions }) => {
    const base = extensions ? { message, extensions } : { message };
    if (path || paths.length === 0) return [path ? { ...base, path } : base];
    return paths.map((affected) => ({ ...base, path: affected }));
  });
}
