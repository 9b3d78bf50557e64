import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../fragments.ts';
import type { UnavailableReason } from '../resilience/failure.ts';

/**
 * What a failed fetch was to supply (docs/resilience.md#precise-paths): its selection, the
 * fragments it spreads, and for an entity fetch the type of the one entity the error stands for.
 * It rides on the fetch's errors under this symbol key, which JSON never serialises, through the
 * gateway's error mapping to `placeAtMissing`, which puts each error where the response really
 * lacks a value.
 */
export const FETCH_SHARE = Symbol('tessera.fetchShare');

export interface FetchShare {
  readonly selectionSet: SelectionSetNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The entity's `__typename` (entity fetches); undefined for a root fetch. */
  readonly typename: string | undefined;
}

type Path = readonly (string | number)[];

/** The message of SUBGRAPH_UNAVAILABLE. */
export function unavailableMessage(subgraph: string): string {
  return `The ${subgraph} subgraph is unavailable; this part of the response is missing.`;
}

/** The error that stands for a subgraph that gave no usable answer, before it is placed. */
export function unavailableError(subgraph: string, reason: UnavailableReason): GraphQLFormattedError {
  return { message: unavailableMessage(subgraph), extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph, reason } };
}

/** SUBGRAPH_RESPONSE_TOO_LARGE, placed like SUBGRAPH_UNAVAILABLE at what the fetch was to supply. */
export function tooLargeError(subgraph: string, limitBytes: number): GraphQLFormattedError {
  return {
    message: `The ${subgraph} subgraph answered with more than ${limitBytes} bytes (TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES); ask for fewer items.`,
    extensions: { code: 'SUBGRAPH_RESPONSE_TOO_LARGE', subgraph, limitBytes },
  };
}

/**
 * Whether an error is one of the two above: the subgraph gave no usable answer at all
 * (docs/resilience.md), so asking it again at once would not help.
 */
export function isNoAnswerError(error: GraphQLFormattedError): boolean {
  const code = error.extensions?.code;
  return code === 'SUBGRAPH_UNAVAILABLE' || code === 'SUBGRAPH_RESPONSE_TOO_LARGE';
}

/**
 * The errors of a fetch that failed as a whole (no answer, or a refusal of the request): an error
 * with a path keeps it; one without is given once per entity of an `_entities` field at
 * `[<field's response name>, index]` (the gateway maps it onto that entity's response path; a
 * request carrying several entity fetches has one aliased `_entities` field each, docs/executor.md#batching),
 * or once without a path for a root fetch, each carrying the fetch's share for `placeAtMissing`.
 */
export function fetchErrors(
  errors: readonly GraphQLFormattedError[],
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLFormattedError[] {
  const operation = document?.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!document || !operation) return [...errors];
  const fragments = fragmentsOf(document.definitions);
  const entityFields = operation.selectionSet.selections.filter(
    (selection): selection is FieldNode =>
      selection.kind === Kind.FIELD && selection.name.value === '_entities' && !!selection.selectionSet,
  );
  const carrying = (error: GraphQLFormattedError, share: FetchShare, path?: Path): GraphQLFormattedError => ({
    message: error.message,
    ...(path ? { path } : {}),
    extensions: { ...error.extensions, [FETCH_SHARE]: share },
  });
  return errors.flatMap((error) => {
    if (error.path) return [error];
    const perEntity = entityFields.flatMap((field) => {
      const representations = variables?.[representationsVariableOf(field)];
      if (!Array.isArray(representations)) return [];
      const responseName = field.alias?.value ?? field.name.value;
      const selectionSet = field.selectionSet!;
      return representations.map((representation: unknown, index) => {
        const typename = (representation as { __typename?: unknown } | null)?.__typename;
        return carrying(error, { selectionSet, fragments, typename: typeof typename === 'string' ? typename : undefined }, [
          responseName,
          index,
        ]);
      });
    });
    if (perEntity.length > 0) return perEntity;
    return [carrying(error, { selectionSet: operation.selectionSet, fragments, typename: undefined })];
  });
}

/** The variable an `_entities` field takes its representations from (`$representations` unless merged). */
function representationsVariableOf(field: FieldNode): string {
  const argument = field.arguments?.find((candidate) => candidate.name.value === 'representations');
  return argument?.value.kind === Kind.VARIABLE ? argument.value.name.value : 'representations';
}

/**
 * The errors of a response with each fetch error placed where its fetch's share is really
 * missing (docs/resilience.md#precise-paths): at every null of `data` the fetch was to supply
 * (keys and values other fetches supplied are present, so they get none), or, when the value the
 * error's path names is itself null or sits under a null, at that null. An error whose fetch left
 * nothing missing is dropped; errors without a share are kept as they are.
 */
export function placeAtMissing(errors: readonly GraphQLFormattedError[], data: unknown): GraphQLFormattedError[] {
  const placed: GraphQLFormattedError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const share = (error.extensions as Record<symbol, unknown> | undefined)?.[FETCH_SHARE] as FetchShare | undefined;
    if (!share) {
      placed.push(error);
      continue;
    }
    const { [FETCH_SHARE]: _share, ...extensions } = error.extensions as Record<string | symbol, unknown>;
    for (const path of missingPaths(share, data, error.path ?? [])) {
      const key = JSON.stringify([error.message, extensions.code, path]);
      if (seen.has(key)) continue;
      seen.add(key);
      placed.push({ message: error.message, ...(path.length > 0 ? { path } : {}), extensions });
    }
  }
  return placed;
}

/** The paths under `base` where the share is missing from `data`. */
export function missingPaths(share: FetchShare, data: unknown, base: Path): Path[] {
  // A non-null root field the fetch was to supply nulled the whole response: as GraphQL does, the
  // errors name the root fields that failed.
  if (base.length === 0 && (data === null || data === undefined)) return rootKeys(share, share.selectionSet).map((key) => [key]);
  let value: unknown = data;
  for (let i = 0; i < base.length; i++) {
    if (value === null || value === undefined) return value === null ? [base.slice(0, i)] : [];
    if (typeof value !== 'object') return [];
    value = (value as Record<string | number, unknown>)[base[i]!];
  }
  if (value === null) return [base];
  if (value === undefined || typeof value !== 'object') return [];
  const found: Path[] = [];
  collect(share, value as Record<string, unknown>, share.selectionSet, base, share.typename ?? typenameOf(value), found);
  return found;
}

function collect(
  share: FetchShare,
  object: Record<string, unknown>,
  selectionSet: SelectionSetNode,
  path: Path,
  typename: string | undefined,
  found: Path[],
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      const key = selection.alias?.value ?? selection.name.value;
      const value = object[key];
      // Absent: the client did not ask for it (the fetch needed it for a later fetch).
      if (value === undefined) continue;
      if (value === null) found.push([...path, key]);
      else if (selection.selectionSet) descend(share, value, selection.selectionSet, [...path, key], found);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : share.fragments.get(selection.name.value);
    const condition = fragment?.typeCondition?.name.value;
    if (fragment && (!condition || !typename || condition === typename))
      collect(share, object, fragment.selectionSet, path, typename, found);
  }
}

function descend(share: FetchShare, value: unknown, selectionSet: SelectionSetNode, path: Path, found: Path[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) =>
      item === null ? found.push([...path, index]) : descend(share, item, selectionSet, [...path, index], found),
    );
  } else if (typeof value === 'object' && value !== null) {
    collect(share, value as Record<string, unknown>, selectionSet, path, typenameOf(value), found);
  }
}

function typenameOf(value: unknown): string | undefined {
  const typename = (value as { __typename?: unknown }).__typename;
  return typeof typename === 'string' ? typename : undefined;
}

function rootKeys(share: FetchShare, selectionSet: SelectionSetNode): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection.alias?.value ?? selection.name.value];
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : share.fragments.get(selection.name.value);
    return fragment ? rootKeys(share, fragment.selectionSet) : [];
  });
}
