/**
 * What the plan executor takes from a loaded `ApolloGateway` (docs/executor.md): its query
 * planner and plan cache (so both executors plan the same way, and a fallback finds the plan
 * already made), its schemas, and its subgraph data sources. `ApolloGateway` keeps these private;
 * the version is pinned (package.json), and `gatewayInternals` refuses a gateway that lacks one,
 * so an upgrade that moves them fails at load, in the tests, not on a request.
 */
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { QueryPlan, QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';

export interface GatewayInternals {
  readonly queryPlanner: QueryPlanner;
  readonly queryPlanStore: { get(key: string): Promise<QueryPlan | undefined>; set(key: string, plan: QueryPlan): Promise<void> };
  /** The supergraph as graphql-js (type conditions of `requires` and rewrites are read against it). */
  readonly supergraphSchema: GraphQLSchema;
  /** The API schema as `@apollo/federation-internals` (result shaping). */
  readonly apiSchema: Schema;
  /** The API schema as graphql-js, with the gateway's extensions (operation contexts, introspection). */
  readonly schema: GraphQLSchema;
  readonly dataSources: Readonly<Record<string, GraphQLDataSource>>;
  readonly recursiveSelectionsLimitDisabled: boolean;
  readonly nonLocalSelectionsLimitDisabled: boolean;
}

interface Private {
  queryPlanner?: QueryPlanner;
  queryPlanStore?: GatewayInternals['queryPlanStore'];
  supergraphSchema?: GraphQLSchema;
  apiSchema?: Schema;
  schema?: GraphQLSchema;
  serviceMap?: Record<string, { dataSource: GraphQLDataSource }>;
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

/** The loaded gateway's internals; throws when this version of `@apollo/gateway` keeps them elsewhere. */
export function gatewayInternals(gateway: ApolloGateway): GatewayInternals {
  const inside = gateway as unknown as Private;
  const { queryPlanner, queryPlanStore, supergraphSchema, apiSchema, schema, serviceMap } = inside;
  if (!queryPlanner || !queryPlanStore || !supergraphSchema || !apiSchema || !schema || !serviceMap) {
    throw new Error('@apollo/gateway does not expose what the plan executor needs (set TESSERA_GATEWAY_EXECUTOR=apollo)');
  }
  const dataSources = Object.fromEntries(Object.entries(serviceMap).map(([name, { dataSource }]) => [name, dataSource]));
  return {
    queryPlanner,
    queryPlanStore,
    supergraphSchema,
    apiSchema,
    schema,
    dataSources,
    recursiveSelectionsLimitDisabled: inside.recursiveSelectionsLimitDisabled ?? false,
    nonLocalSelectionsLimitDisabled: inside.nonLocalSelectionsLimitDisabled ?? false,
  };
}
