/**
 * The spans of a request's execution by `@apollo/gateway` (docs/observability.md#traces):
 * `tessera.execute` around the gateway's executor, `tessera.plan` from the executor's start until
 * the query plan is resolved (from the plan cache or planned), and the parent of the subgraph
 * fetches' spans (`SubgraphDataSource`). `@apollo/gateway`'s own `gateway.*` spans need an async
 * context manager to find their parents; Tessera registers none (`core/telemetry/tracing.ts`), so
 * they stay no-ops and these take their place, their parents carried explicitly per request.
 */
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import type { Span } from '@opentelemetry/api';
import type { RequestScope } from '../../auth/requestScope.ts';
import { failSpan, startChildSpan, traceparentOf, tracingActive } from '../../core/telemetry/spans.ts';

interface Execution {
  /** Open until the plan is resolved. */
  plan: Span | undefined;
  /** The traceparent of `tessera.execute`: what each subgraph fetch's span hangs under. */
  readonly fetchParent: string;
}

/** The executions in flight, by the request's scope (the object the data sources get as their context). */
const executions = new WeakMap<object, Execution>();
/** The query plans seen: a plan seen before came from the gateway's plan cache. */
const plansSeen = new WeakSet<object>();

/** `executor` with its run in a `tessera.execute` span and its planning in `tessera.plan`, when tracing is on. */
export function tracedExecutor(executor: GatewayExecutor): GatewayExecutor {
  return async (requestContext) => {
    const scope = requestContext.context as Partial<RequestScope>;
    if (!tracingActive() || !scope.traceparent) return executor(requestContext);
    const operation = requestContext.operationName ? { 'graphql.operation.name': requestContext.operationName } : {};
    const execute = startChildSpan('tessera.execute', scope.traceparent, operation)!;
    const fetchParent = traceparentOf(execute);
    const execution: Execution = { plan: startChildSpan('tessera.plan', fetchParent, operation), fetchParent };
    executions.set(scope, execution);
    try {
      const result = await executor(requestContext);
      const [error] = result.errors ?? [];
      // Refused before a plan (the gateway's own validation): the plan span says so.
      if (execution.plan && error) failSpan(execution.plan, error);
      return result;
    } catch (error) {
      if (execution.plan) failSpan(execution.plan, error);
      failSpan(execute, error);
      throw error;
    } finally {
      execution.plan?.end();
      execute.end();
      executions.delete(scope);
    }
  };
}

/** The gateway's `experimental_didResolveQueryPlan`: ends the request's plan span, noting whether the plan was cached. */
export const didResolveQueryPlan: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, requestContext }) => {
  const execution = executions.get(requestContext.context);
  const plan = execution?.plan;
  if (!plan) return;
  plan.setAttribute('tessera.plan.cached', plansSeen.has(queryPlan));
  plansSeen.add(queryPlan);
  plan.end();
  execution.plan = undefined;
};

/**
 * A subgraph fetch's span, under the request's execution (the request itself outside one);
 * undefined, with no lookup at all, when tracing is off or the call carries no request.
 */
export function startFetchSpan(scope: Partial<RequestScope>, subgraph: string): Span | undefined {
  if (!tracingActive()) return undefined;
  const parent = executions.get(scope)?.fetchParent ?? scope.traceparent;
  return parent ? startChildSpan('tessera.fetch', parent, { subgraph }) : undefined;
}
