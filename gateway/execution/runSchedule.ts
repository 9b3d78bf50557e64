/**
 * Runs a schedule (planSchedule.ts) for one request: level after level, every request of a level
 * at once, each through the subgraph's data source (so timeouts, breakers, retries, headers and
 * error handling are the same as for `@apollo/gateway`'s executor, docs/resilience.md). Each
 * fetch's entities are read, and its answer merged in, exactly as `@apollo/gateway` does
 * (docs/executor.md#equivalence); a merged request's answer is split back per fetch first.
 */
import { applyRewrites } from '@apollo/gateway/dist/dataRewrites.js';
import type { GraphQLDataSource } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { FetchNode } from '@apollo/query-planner';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { isNoAnswerError } from '../datasources/unavailableErrors.ts';
import { deepMerge, entitiesAt, selectRequired, type ResponseObject } from './entityData.ts';
import { errorPathMapper, subgraphError } from './fetchErrorPaths.ts';
import { fetchDocument, representationsVariable, splitAnswer, type FetchAnswer, type SubgraphOperation } from './mergedRequest.ts';
import type { FetchGroup, Schedule, ScheduledFetch } from './planSchedule.ts';
import { newRecord } from './record.ts';

export interface RunContext {
  readonly requestContext: GatewayGraphQLRequestContext;
  readonly supergraphSchema: GraphQLSchema;
  readonly dataSources: Readonly<Record<string, GraphQLDataSource>>;
  /** The request for a group's fetches that have entities to send (merged documents are made once per plan). */
  readonly operationFor: (group: FetchGroup, sent: readonly ScheduledFetch[]) => SubgraphOperation;
}

export interface RunResult {
  readonly data: ResponseObject;
  /** Subgraph errors mapped onto the response, and fetch failures (`Error`), as `@apollo/gateway` collects them. */
  readonly errors: (GraphQLError | Error)[];
}

/** One fetch ready to go: where it applies and what it sends. */
interface Prepared {
  readonly fetch: ScheduledFetch;
  readonly entities: ResponseObject[];
  readonly variables: Record<string, unknown>;
  /** Entity fetches: what each representation stands for, and which one was sent for it. */
  readonly sent: Representations | undefined;
}

/**
 * An entity fetch's representations. Entities with the same representation (the same product
 * under many reviews) are sent once (docs/executor.md#batching): `sentAs[r]` is the position
 * sent for the r-th representation `@apollo/gateway` would have sent, `entityOf[r]` its entity.
 */
interface Representations {
  readonly entityOf: readonly number[];
  readonly sentAs: readonly number[];
  /** How many were sent. */
  readonly count: number;
}

export async function runSchedule(schedule: Schedule, context: RunContext): Promise<RunResult> {
  const data: ResponseObject = newRecord();
  const errors: (GraphQLError | Error)[] = [];
  for (const level of schedule) {
    // Every request of the level is prepared before any answer is merged in, as the plan's parallel branches would be.
    const requests = level.map((group) => ({ group, prepared: prepareGroup(group, data, context, errors) }));
    const outcomes = await Promise.all(requests.map(({ group, prepared }) => sendGroup(group, prepared, context)));
    // Merged in plan order, whatever order the answers came in.
    outcomes
      .flat()
      .sort((a, b) => a.prepared.fetch.index - b.prepared.fetch.index)
      .forEach((outcome) =>
        'failure' in outcome ? errors.push(outcome.failure) : mergeAnswer(outcome.prepared, outcome.answer, data, context, errors),
      );
  }
  return { data, errors };
}

function prepareGroup(group: FetchGroup, data: ResponseObject, context: RunContext, errors: (GraphQLError | Error)[]): Prepared[] {
  const prepared: Prepared[] = [];
  for (const fetch of group.fetches) {
    try {
      const ready = prepareFetch(fetch, data, context);
      if (ready) prepared.push(ready);
    } catch (error) {
      errors.push(error as Error);
    }
  }
  return prepared;
}

function prepareFetch(fetch: ScheduledFetch, data: ResponseObject, context: RunContext): Prepared | undefined {
  const entities = entitiesAt(data, fetch.path);
  if (entities.length === 0) return undefined;
  const { node } = fetch;
  const variables: Record<string, unknown> = newRecord();
  const given = context.requestContext.request.variables;
  for (const name of node.variableUsages ?? []) {
    if (given && Object.hasOwn(given, name) && given[name] !== undefined) variables[name] = given[name];
  }
  if (!node.requires) return { fetch, entities, variables, sent: undefined };
  const representations: ResponseObject[] = [];
  const entityOf: number[] = [];
  const sentAs: number[] = [];
  const positions = new Map<string, number>();
  entities.forEach((entity, index) => {
    const representation = selectRequired(context.supergraphSchema, entity, node.requires!);
    if (representation?.__typename) {
      applyRewrites(context.supergraphSchema, node.inputRewrites, representation);
      const key = JSON.stringify(representation);
      let position = positions.get(key);
      if (position === undefined) {
        position = representations.push(representation) - 1;
        positions.set(key, position);
      }
      entityOf.push(index);
      sentAs.push(position);
    }
  });
  if (representations.length === 0) return undefined;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  variables.representations = representations;
  return { fetch, entities, variables, sent: { entityOf, sentAs, count: representations.length } };
}

/** A fetch's answer, or why it has none (its data source threw): an error of the response, as with `@apollo/gateway`. */
type Outcome = { readonly prepared: Prepared } & ({ readonly answer: FetchAnswer } | { readonly failure: Error });

async function sendGroup(group: FetchGroup, prepared: readonly Prepared[], context: RunContext): Promise<Outcome[]> {
  if (prepared.length === 0) return [];
  if (prepared.length === 1) {
    const [only] = prepared as [Prepared];
    try {
      return [{ prepared: only, answer: await send(group.subgraph, soleOperation(only.fetch.node), only.variables, only.fetch, context) }];
    } catch (error) {
      return [{ prepared: only, failure: error as Error }];
    }
  }
  const operation = context.operationFor(
    group,
    prepared.map(({ fetch }) => fetch),
  );
  const variables: Record<string, unknown> = newRecord();
  prepared.forEach(({ variables: own }, index) => {
    for (const [name, value] of Object.entries(own)) variables[name === 'representations' ? representationsVariable(index) : name] = value;
  });
  let merged: FetchAnswer;
  try {
    merged = await send(group.subgraph, operation, variables, prepared[0]!.fetch, context);
  } catch (error) {
    return prepared.map((one) => ({ prepared: one, failure: error as Error }));
  }
  // The subgraph answered but not with data: a whole `_entities` field failed (nulling the answer) or it refused the
  // request (one fetch's selection did not validate there). Each fetch alone, so the others still answer as they
  // would have (docs/executor.md#batching); a subgraph that could not be reached is not asked again.
  if (!merged.data && !merged.errors?.some(isNoAnswerError)) {
    return Promise.all(prepared.map((one) => sendGroup(group, [one], context))).then((all) => all.flat());
  }
  return splitAnswer(merged.data, merged.errors, prepared.length).map((answer, index) => ({ prepared: prepared[index]!, answer }));
}

const soleOperations = new WeakMap<FetchNode, SubgraphOperation>();

function soleOperation(node: FetchNode): SubgraphOperation {
  let operation = soleOperations.get(node);
  if (!operation) {
    operation = { query: node.operation, operationName: node.operationName, document: fetchDocument(node) };
    soleOperations.set(node, operation);
  }
  return operation;
}

async function send(
  subgraph: string,
  operation: SubgraphOperation,
  variables: Record<string, unknown>,
  first: ScheduledFetch,
  context: RunContext,
): Promise<FetchAnswer> {
  const source = context.dataSources[subgraph];
  if (!source) throw new Error(`Couldn't find service with name "${subgraph}"`);
  const response = await source.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: operation.query, variables, operationName: operation.operationName },
    incomingRequestContext: context.requestContext,
    context: context.requestContext.context,
    document: operation.document,
    pathInIncomingRequest: first.path as never,
  });
  return { data: response.data as FetchAnswer['data'], errors: response.errors };
}

/** Folds one fetch's answer into the response, and its errors into the request's, as `@apollo/gateway` does. */
function mergeAnswer(
  prepared: Prepared,
  answer: FetchAnswer,
  data: ResponseObject,
  context: RunContext,
  errors: (GraphQLError | Error)[],
): void {
  const { fetch, entities, sent } = prepared;
  const { node } = fetch;
  if (answer.errors) {
    const mapPath = errorPathMapper(node, fetch.path, data);
    for (const error of sent ? perRepresentation(answer.errors, sent) : answer.errors) {
      errors.push(subgraphError(error, node.serviceName, mapPath));
    }
  }
  try {
    const received = answer.data;
    if (!sent) {
      if (received) applyRewrites(context.supergraphSchema, node.outputRewrites, received);
      for (const entity of entities) deepMerge(entity, received);
      return;
    }
    if (!received) return;
    const found = received._entities;
    if (!(found && Array.isArray(found))) throw new Error('Expected "data._entities" in response to be an array');
    if (found.length !== sent.count) throw new Error(`Expected "data._entities" to contain ${sent.count} elements`);
    const rewritten = new Set<number>();
    sent.entityOf.forEach((entityIndex, r) => {
      const position = sent.sentAs[r]!;
      const entity = found[position] as ResponseObject | null;
      const existing = entities[entityIndex]!;
      if (entity && !entity.__typename) entity.__typename = existing.__typename;
      if (!rewritten.has(position)) applyRewrites(context.supergraphSchema, node.outputRewrites, entity as ResponseObject);
      rewritten.add(position);
      deepMerge(existing, entity);
    });
  } catch (error) {
    errors.push(error as Error);
  }
}

/** A subgraph's errors at `_entities.<position>...` once for each representation sent at that position, as if each had been sent. */
function perRepresentation(errors: readonly GraphQLFormattedError[], sent: Representations): GraphQLFormattedError[] {
  return errors.flatMap((error) => {
    const position = error.path?.[1];
    if (error.path?.[0] !== '_entities' || typeof position !== 'number') return [error];
    const copies: GraphQLFormattedError[] = [];
    sent.sentAs.forEach((sentAt, r) => {
      if (sentAt === position) copies.push({ ...error, path: ['_entities', r, ...error.path!.slice(2)] });
    });
    return copies.length > 0 ? copies : [error];
  });
}
