import type { DocumentNode } from 'graphql';
import { BoundedCache } from '../../core/boundedCache.ts';
import { estimateCost } from './estimateCost.ts';
import type { CostRules } from './operationWalk.ts';

/** Variables whose JSON is longer are estimated on every request instead of being part of a key. */
const MAX_VARIABLES_KEY = 2048;

/** One operation of one request, as the estimate reads it. */
export interface EstimatedOperation {
  readonly document: DocumentNode;
  /** The planner's hash of `document`: two different documents never share one. */
  readonly queryHash: string;
  readonly operationName: string | null | undefined;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
}

export interface EstimateCache {
  /** `estimateCost` of the operation, from the cache when the same operation came with the same variables. */
  estimate(operation: EstimatedOperation): number | null;
}

/**
 * The static cost estimates of one supergraph's rules, kept per operation and variables (least
 * recently used forgotten beyond `size`): the estimate depends on the document, the operation
 * name and the variables' values only (a slicing argument such as `first: $n`, `@skip(if: $x)`),
 * so a query repeated with the same variables is costed by a lookup. `onEstimated` is told of each
 * walk (tests count them).
 */
export function createEstimateCache(rules: CostRules, size = 1000, onEstimated?: () => void): EstimateCache {
  const cache = new BoundedCache<string, number | null>(size);
  return {
    estimate({ document, queryHash, operationName, variables }) {
      const values = variables === undefined ? '' : JSON.stringify(variables);
      const key = values.length > MAX_VARIABLES_KEY ? null : `${queryHash}\0${operationName ?? ''}\0${values}`;
      const known = key === null ? undefined : cache.get(key);
      if (known !== undefined) return known;
      onEstimated?.();
      const estimated = estimateCost(rules, document, operationName, variables);
      if (key !== null) cache.set(key, estimated);
      return estimated;
    },
  };
}
