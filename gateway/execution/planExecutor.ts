/**
 * Tessera's plan executor (docs/executor.md): runs `@apollo/gateway`'s query plans with the
 * entity fetches of each level batched per subgraph (planSchedule.ts, mergedRequest.ts), and
 * answers exactly what `@apollo/gateway`'s executor answers (same planner and plan cache, same
 * data sources, same merging, error paths and result shaping; docs/executor.md#equivalence).
 * What an operation needs is prepared once per operation and kept: its operation context, its
 * operation over the API schema, its plan and schedules, its merged requests. A plan it does not
 * run (`@defer`, subscriptions, `@fromContext`) goes to `@apollo/gateway`'s executor, counted.
 */
import { createHash } from 'node:crypto';
import { buildOperationContext, type ApolloGateway, type Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { OperationContext } from '@apollo/gateway/dist/operationContext.js';
import { operationFromDocument, type Operation } from '@apollo/federation-internals';
import { evaluateCondition, type QueryPlan } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { BoundedCache } from '../../core/boundedCache.ts';
import { gatewayInternals, type GatewayInternals } from './apolloInternals.ts';
import { compileShape, type CompiledShape } from './compiledShape.ts';
import { introspect } from './introspection.ts';
import { mergeEntityFetches, type SubgraphOperation } from './mergedRequest.ts';
import { conditionVariables, schedulePlan, UnsupportedPlan, type FetchGroup, type Schedule, type ScheduledFetch } from './planSchedule.ts';
import { runSchedule, type RunContext } from './runSchedule.ts';
import { shapeResponse } from './shapeResponse.ts';

/** Which executor ran a request, and why not the plan executor (for `tessera_executor_requests_total`). */
export type ExecutedBy = { readonly engine: 'plan' } | { readonly engine: 'apollo'; readonly reason: UnsupportedPlan['reason'] };

export interface PlanExecutorOptions {
  /** A loaded gateway: its planner, plan cache, schemas and data sources are used. */
  readonly gateway: ApolloGateway;
  /** `@apollo/gateway`'s executor, for the plans this one does not run. */
  readonly fallback: GatewayExecutor;
  readonly didResolveQueryPlan?: Experimental_DidResolveQueryPlanCallback | undefined;
  readonly onExecuted?: ((by: ExecutedBy) => void) | undefined;
  /** Operations kept prepared. @default 1000 */
  readonly operations?: number | undefined;
}

interface PreparedOperation {
  readonly operationContext: OperationContext;
  /** The operation over the API schema, as result shaping reads it; the error if it cannot be read. */
  readonly operation: Operation | GraphQLError;
  shape: CompiledShape | undefined;
  plan: QueryPlan | undefined;
  conditions: readonly string[] | undefined;
  readonly schedules: Map<string, Schedule | UnsupportedPlan>;
  readonly requests: WeakMap<FetchGroup, Map<string, SubgraphOperation>>;
}

export function createPlanExecutor(options: PlanExecutorOptions): GatewayExecutor {
  const internals = gatewayInternals(options.gateway);
  const prepared = new BoundedCache<string, PreparedOperation>(options.operations ?? 1000);
  return async (requestContext) => {
    const { request, document, queryHash } = requestContext;
    // Prepared operations are found without hashing; the plan cache's key (@apollo/gateway's) is hashed only to plan.
    const key = request.operationName ? `${queryHash}\u0000${request.operationName}` : queryHash;
    let entry = prepared.get(key);
    if (!entry) {
      entry = prepare(internals, document, request.operationName ?? null);
      prepared.set(key, entry);
    }
    const { operationContext } = entry;
    const definitions = operationContext.operation.variableDefinitions;
    if (definitions && definitions.length > 0) {
      const { errors } = getVariableValues(operationContext.schema, definitions, request.variables ?? {});
      if (errors) return { errors };
    }
    entry.plan ??= await planOf(internals, planStoreKey(queryHash, request.operationName), document, request.operationName ?? null);
    options.didResolveQueryPlan?.({ queryPlan: entry.plan, serviceMap: internals.dataSources, requestContext, operationContext });
    const schedule = scheduleOf(entry, entry.plan, request.variables);
    if (schedule instanceof UnsupportedPlan) {
      options.onExecuted?.({ engine: 'apollo', reason: schedule.reason });
      return options.fallback(requestContext);
    }
    options.onExecuted?.({ engine: 'plan' });
    if (entry.operation instanceof GraphQLError) return { errors: [entry.operation] };
    const run = await runSchedule(schedule, runContext(internals, requestContext, entry));
    return shape(entry, entry.operation, run.data, run.errors, request.variables);
  };
}

function prepare(internals: GatewayInternals, document: DocumentNode, operationName: string | null): PreparedOperation {
  const operationContext = buildOperationContext({
    schema: internals.schema,
    operationDocument: document,
    operationName: operationName ?? undefined,
  });
  let operation: Operation | GraphQLError;
  try {
    operation = operationFromDocument(
      internals.apiSchema,
      { kind: Kind.DOCUMENT, definitions: [operationContext.operation, ...Object.values(operationContext.fragments)] },
      { validate: false },
    );
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    operation = error;
  }
  return {
    operationContext,
    operation,
    shape: undefined,
    plan: undefined,
    conditions: undefined,
    schedules: new Map(),
    requests: new WeakMap(),
  };
}

/** The key `@apollo/gateway` keeps a plan under in its plan cache. */
function planStoreKey(queryHash: string, operationName: string | undefined): string {
  return operationName ? createHash('sha256').update(queryHash).update(operationName).digest('hex') : queryHash;
}

/** The plan, from the gateway's plan cache (shared with its executor) or made and put there. */
async function planOf(internals: GatewayInternals, key: string, document: DocumentNode, operationName: string | null): Promise<QueryPlan> {
  const cached = await internals.queryPlanStore.get(key);
  if (cached) return cached;
  const operation = operationFromDocument(internals.apiSchema, document, { operationName: operationName ?? undefined });
  const plan = internals.queryPlanner.buildQueryPlan(operation, {
    recursiveSelectionsLimitDisabled: internals.recursiveSelectionsLimitDisabled,
    nonLocalSelectionsLimitDisabled: internals.nonLocalSelectionsLimitDisabled,
  });
  await internals.queryPlanStore.set(key, plan).catch(() => {});
  return plan;
}

/** The schedule for the values the plan's conditions take in this request (one per combination, kept). */
function scheduleOf(entry: PreparedOperation, plan: QueryPlan, variables: Record<string, unknown> | undefined): Schedule | UnsupportedPlan {
  entry.conditions ??= conditionVariables(plan);
  const values = new Map<string, boolean>();
  if (entry.conditions.length > 0) {
    if (entry.operation instanceof GraphQLError) return [];
    const definitions = entry.operation.variableDefinitions;
    for (const name of entry.conditions)
      values.set(name, evaluateCondition({ kind: 'Condition', condition: name }, definitions, variables));
  }
  const key = [...values.values()].map((value) => (value ? '1' : '0')).join('');
  let schedule = entry.schedules.get(key);
  if (!schedule) {
    try {
      schedule = schedulePlan(plan, values);
    } catch (error) {
      if (!(error instanceof UnsupportedPlan)) throw error;
      schedule = error;
    }
    entry.schedules.set(key, schedule);
  }
  return schedule;
}

function runContext(internals: GatewayInternals, requestContext: GatewayGraphQLRequestContext, entry: PreparedOperation): RunContext {
  return {
    requestContext,
    supergraphSchema: internals.supergraphSchema,
    dataSources: internals.dataSources,
    operationFor(group: FetchGroup, sent: readonly ScheduledFetch[]) {
      let byFetches = entry.requests.get(group);
      if (!byFetches) entry.requests.set(group, (byFetches = new Map()));
      const fetches = sent.map((fetch) => fetch.index).join(',');
      let operation = byFetches.get(fetches);
      if (!operation) byFetches.set(fetches, (operation = mergeEntityFetches(sent.map((fetch) => fetch.node))));
      return operation;
    },
  };
}

/** The response shaped from the fetched data, and its errors, as `@apollo/gateway` shapes it. */
function shape(
  entry: PreparedOperation,
  operation: Operation,
  data: Record<string, unknown>,
  errors: (GraphQLError | Error)[],
  variables: Record<string, unknown> | undefined,
): GatewayExecutionResult {
  const { operationContext } = entry;
  try {
    entry.shape ??= compileShape(operation);
    const shaped = shapeResponse(entry.shape, data, variables, (field) =>
      introspect(operationContext.schema, field, operationContext.operation.variableDefinitions, variables),
    );
    if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return errors.length === 0 ? { data: shaped.data } : { errors: errors as GraphQLError[], data: shaped.data };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
    return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
  }
}
