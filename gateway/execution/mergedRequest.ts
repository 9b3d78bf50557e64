/**
 * One subgraph request carrying several entity fetches (docs/executor.md#batching): each fetch's
 * `_entities` field under its own alias (`_0`, `_1`, ...), its representations in its own
 * variable (`$r0`, `$r1`, ...), its named fragments renamed apart (`Review_0`), and the client's
 * variables it uses declared once. Every fetch keeps exactly the selection the planner gave it, so
 * the subgraph resolves each as it would have alone. The answer is split back per fetch, as if
 * each had been sent alone (`splitAnswer`).
 */
import type { FetchNode } from '@apollo/query-planner';
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';

/** A request as the data source sends it. */
export interface SubgraphOperation {
  readonly query: string;
  readonly operationName: string | undefined;
  readonly document: DocumentNode;
}

/** The alias of the `index`-th fetch's field in a merged request. */
export function entitiesAlias(index: number): string {
  return `_${index}`;
}

/** The variable holding the `index`-th fetch's representations in a merged request. */
export function representationsVariable(index: number): string {
  return `r${index}`;
}

/** The fetch's request document (the planner's, or parsed from its text). */
export function fetchDocument(node: FetchNode): DocumentNode {
  return node.operationDocumentNode ?? parse(node.operation);
}

/** The one request that carries `nodes`' `_entities` fields (at least two entity fetches to one subgraph). */
export function mergeEntityFetches(nodes: readonly FetchNode[]): SubgraphOperation {
  const variables = new Map<string, VariableDefinitionNode>();
  const fields: FieldNode[] = [];
  const fragments: DefinitionNode[] = [];
  nodes.forEach((node, index) => {
    const renamed = renameApart(fetchDocument(node), index);
    for (const definition of renamed.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.push(definition);
        continue;
      }
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const variable of definition.variableDefinitions ?? []) variables.set(variable.variable.name.value, variable);
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) throw new Error(`entity fetch ${node.operationName ?? ''} selects more than _entities`);
        fields.push({ ...selection, alias: { kind: Kind.NAME, value: entitiesAlias(index) } });
      }
    }
  });
  const operationName = nodes[0]!.operationName;
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    ...(operationName ? { name: { kind: Kind.NAME, value: operationName } } : {}),
    variableDefinitions: [...variables.values()],
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  return { query: stripIgnoredCharacters(print(document)), operationName, document };
}

/** `document` with `$representations` as `$r<index>` and each fragment `F` as `F_<index>`. */
function renameApart(document: DocumentNode, index: number): DocumentNode {
  const suffix = `_${index}`;
  return visit(document, {
    Variable: (node) =>
      node.name.value === 'representations' ? { ...node, name: { ...node.name, value: representationsVariable(index) } } : undefined,
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: node.name.value + suffix } }),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: node.name.value + suffix } }),
  });
}

/** What one fetch of a merged request received, as if it had been sent alone. */
export interface FetchAnswer {
  readonly data: Record<string, unknown> | undefined | null;
  readonly errors: readonly GraphQLFormattedError[] | undefined;
}

/**
 * The answer to a merged request split per fetch (`count` fetches, in merge order): fetch i's
 * `_entities` is the data's `_i`, and its errors those whose path starts at `_i` (with the path
 * starting at `_entities` instead). An error that names no fetch's field (no path: the subgraph
 * refused the request, or it could not be reached) is every fetch's, as it would have been had
 * each been sent alone.
 */
export function splitAnswer(
  data: Record<string, unknown> | undefined | null,
  errors: readonly GraphQLFormattedError[] | undefined,
  count: number,
): FetchAnswer[] {
  const answers = Array.from({ length: count }, (_, index): { data: FetchAnswer['data']; errors: GraphQLFormattedError[] | undefined } => ({
    data: data ? { _entities: data[entitiesAlias(index)] } : data,
    errors: undefined,
  }));
  for (const error of errors ?? []) {
    const head = error.path?.[0];
    const index = typeof head === 'string' && head.startsWith('_') ? Number(head.slice(1)) : Number.NaN;
    const targets = Number.isInteger(index) && index >= 0 && index < count ? [index] : answers.map((_, i) => i);
    for (const target of targets) {
      const own = targets.length === 1 && error.path ? { ...error, path: ['_entities', ...error.path.slice(1)] } : error;
      (answers[target]!.errors ??= []).push(own);
    }
  }
  return answers;
}
