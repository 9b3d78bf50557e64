/**
 * A subgraph's errors as the client's: each gets the response path of what it names (an entity
 * fetch's `_entities.<i>...` becomes the path of the i-th entity the fetch was sent for, a root
 * fetch's path is prefixed by where the fetch applies), `extensions.serviceName`, and the code
 * `@apollo/gateway` gives it, so the plan executor's errors are its errors (docs/executor.md#equivalence).
 */
import { generateHydratedPaths } from '@apollo/gateway/dist/executeQueryPlan.js';
import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { FetchNode, ResponsePath } from '@apollo/query-planner';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

type ErrorPath = readonly (string | number)[] | undefined;

/** Maps a subgraph error's path onto the response; the entities' paths are found once, when first needed. */
export function errorPathMapper(
  node: FetchNode,
  path: ResponsePath,
  response: Record<string, unknown>,
): (errorPath: ErrorPath) => ErrorPath {
  let entityPaths: (string | number)[][] | undefined;
  return (errorPath) => {
    if (node.requires && typeof errorPath?.[1] === 'number') {
      if (!entityPaths) {
        entityPaths = [];
        generateHydratedPaths([], path, response, entityPaths);
      }
      return [...(entityPaths[errorPath[1]] ?? []), ...errorPath.slice(2)];
    }
    return errorPath ? [...path, ...errorPath] : undefined;
  };
}

/** The client's error for a subgraph's. */
export function subgraphError(error: GraphQLFormattedError, subgraph: string, mapPath: (errorPath: ErrorPath) => ErrorPath): GraphQLError {
  const message = error.message || `Error while fetching subquery from service "${subgraph}"`;
  const options = {
    originalError: error as Error,
    path: mapPath(error.path) as (string | number)[] | undefined,
    extensions: { ...error.extensions, serviceName: subgraph },
  };
  const code = errorCodeDef(error);
  if (!code && error.extensions?.code) return new GraphQLError(message, options);
  return (code ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
