import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { RequestScope } from '../auth/requestScope.ts';

/** The operation the query planner plans for a request. */
export interface PlannedOperation {
  readonly document: DocumentNode;
  /** The operation of `document` the request runs; undefined when its name selects none. */
  readonly operation: OperationDefinitionNode | undefined;
  /** The planner caches plans by this hash: two different documents must never share one. */
  readonly queryHash: string;
}

type ResolvedRequest = GraphQLRequestContextDidResolveOperation<RequestScope>;

/**
 * The operation each request runs: the one Apollo Server parsed, unless a plugin replaced it.
 * Apollo Server's request context is read-only to plugins (it has no setter for the document),
 * and what the query planner receives is the gateway executor's argument: so a plugin that
 * rewrites the operation (authorization removes the fields the caller may not read) records the
 * replacement here, and `createGateway`'s executor plans the replacement.
 */
export interface PlannedOperations {
  /** The operation as the plugins before the caller left it (the parsed one if none replaced it). */
  current(requestContext: ResolvedRequest): PlannedOperation;
  /**
   * Plans `document` instead for this request. `queryHash` must differ from the replaced
   * operation's whenever the document does (and between two different replacements of it).
   */
  replace(requestContext: ResolvedRequest, replacement: { readonly document: DocumentNode; readonly queryHash: string }): void;
  /**
   * Marks the request as refused by the calling plugin (which then throws). Apollo Server calls
   * the same hook of every later plugin all the same; they check `refused` and skip their work,
   * so a refused operation (an exponential fragment expansion) costs them nothing.
   */
  refuse(requestContext: ResolvedRequest): void;
  refused(requestContext: ResolvedRequest): boolean;
}

export interface PlannedOperationStore extends PlannedOperations {
  /** The executor's request context with the replacement, if any, in place of the parsed operation. */
  applyTo(requestContext: GatewayGraphQLRequestContext): GatewayGraphQLRequestContext;
}

/** Replacements are keyed by the request's scope object (one per request), so they end with it. */
export function createPlannedOperations(): PlannedOperationStore {
  const replaced = new WeakMap<object, PlannedOperation>();
  const refusals = new WeakSet<object>();
  return {
    current(requestContext) {
      return (
        replaced.get(requestContext.contextValue) ?? {
          document: requestContext.document,
          operation: requestContext.operation,
          queryHash: requestContext.queryHash,
        }
      );
    },
    replace(requestContext, { document, queryHash }) {
      const operation = getOperationAST(document, requestContext.request.operationName) ?? undefined;
      replaced.set(requestContext.contextValue, { document, operation, queryHash });
    },
    refuse(requestContext) {
      refusals.add(requestContext.contextValue);
    },
    refused(requestContext) {
      return refusals.has(requestContext.contextValue);
    },
    applyTo(requestContext) {
      const replacement = replaced.get(requestContext.context);
      if (!replacement) return requestContext;
      return {
        ...requestContext,
        document: replacement.document,
        queryHash: replacement.queryHash,
        operation: replacement.operation ?? requestContext.operation,
      };
    },
  };
}
