import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { clientIdOf } from '../../auth/clientId.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { DemandControlConfig } from '../../core/config/demandControl.ts';
import { ERROR_CODES, tesseraError } from '../../core/errors.ts';
import type { GatewayPlugin } from '../plugin.ts';
import { actualCost } from './actualCost.ts';
import { readCostDirectives } from './costDirectives.ts';
import { createEstimateCache } from './estimateCache.ts';
import type { CostRules } from './operationWalk.ts';

/** What one operation cost, as `extensions.cost` reports it. */
export interface OperationCost {
  readonly estimated: number;
  /** What the response returned cost; 0 when the operation was refused before execution. */
  readonly actual: number;
  /** The client's budget. */
  readonly max: number;
}

export interface CostPluginOptions {
  readonly config: Pick<DemandControlConfig, 'mode' | 'max' | 'budgets' | 'defaultListSize' | 'report'>;
  /** Told of each operation refused for its cost (`tessera_limit_refusals_total{limit="cost"}`). */
  readonly onRefused?: (() => void) | undefined;
  /** Told of each operation's cost once its response is ready (the cost histograms), with its client. */
  readonly onMeasured?: ((client: string, cost: OperationCost) => void) | undefined;
  /** Estimates kept per operation and variables (`estimateCache.ts`). @default 1000 */
  readonly cacheSize?: number | undefined;
  /** Told of each estimate walked rather than found in the cache (tests count the walks). */
  readonly onEstimated?: (() => void) | undefined;
}

/**
 * Demand control (docs/demand-control.md): the operation's static cost from the supergraph's
 * `@cost` and `@listSize`, computed before any subgraph call, right after the operation limits
 * and on the operation as they left it; over the client's budget (`TESSERA_COST_BUDGETS`, else
 * `TESSERA_COST_MAX`) it is refused with COST_ESTIMATED_TOO_EXPENSIVE (400) in `enforce` mode.
 * After execution the actual cost is measured from the data returned; both are reported to
 * `onMeasured` and, with `TESSERA_COST_REPORT` on, in the response's `extensions.cost`.
 */
export function costPlugin(options: CostPluginOptions): GatewayPlugin {
  const { config } = options;
  return {
    name: 'cost',
    create: ({ operations }, supergraphSdl) => {
      const directives = readCostDirectives(supergraphSdl);
      // One cache per supergraph: its schema is the one every request of this plugin instance runs on.
      let estimates: { schema: CostRules['schema']; cache: ReturnType<typeof createEstimateCache> } | undefined;
      const estimatesFor = (schema: CostRules['schema']) => {
        if (estimates?.schema !== schema) {
          const rules: CostRules = { schema, directives, defaultListSize: config.defaultListSize };
          estimates = { schema, cache: createEstimateCache(rules, options.cacheSize, options.onEstimated) };
        }
        return estimates.cache;
      };
      return {
        async requestDidStart() {
          let measured: { rules: CostRules; document: DocumentNode; estimated: number; max: number; refused: boolean } | undefined;
          return {
            async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<RequestScope>) {
              // Refused by the operation limits: its shape may be too large to walk, and it runs nothing.
              if (operations.refused(requestContext)) return;
              const { document, queryHash } = operations.current(requestContext);
              const rules: CostRules = { schema: requestContext.schema, directives, defaultListSize: config.defaultListSize };
              const { operationName, variables } = requestContext.request;
              const estimated = estimatesFor(requestContext.schema).estimate({ document, queryHash, operationName, variables });
              if (estimated === null) return;
              const client = clientIdOf(requestContext.contextValue.principal);
              const max = Object.hasOwn(config.budgets, client) ? config.budgets[client]! : config.max;
              const refused = config.mode === 'enforce' && estimated > max;
              measured = { rules, document, estimated, max, refused };
              if (!refused) return;
              operations.refuse(requestContext);
              options.onRefused?.();
              throw tesseraError(
                'COST_ESTIMATED_TOO_EXPENSIVE',
                `The operation's estimated cost is ${estimated}; the budget of client "${client}" is ${max} (TESSERA_COST_MAX, TESSERA_COST_BUDGETS).`,
                { extensions: { http: { status: ERROR_CODES.COST_ESTIMATED_TOO_EXPENSIVE.status }, cost: estimated, max } },
              );
            },
            async willSendResponse(requestContext) {
              const { body } = requestContext.response;
              if (!measured || body.kind !== 'single') return;
              const { rules, document, estimated, max, refused } = measured;
              const { operationName, variables } = requestContext.request;
              const actual = refused ? 0 : (actualCost(rules, document, operationName, variables, body.singleResult.data) ?? 0);
              const cost: OperationCost = { estimated, actual, max };
              options.onMeasured?.(clientIdOf(requestContext.contextValue.principal), cost);
              if (config.report) body.singleResult.extensions = { ...body.singleResult.extensions, cost };
            },
          };
        },
      };
    },
  };
}
