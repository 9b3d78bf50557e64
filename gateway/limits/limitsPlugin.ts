import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { OperationLimitsConfig } from '../../core/config/config.ts';
import { ERROR_CODES, tesseraError } from '../../core/errors.ts';
import { BoundedCache } from '../../core/boundedCache.ts';
import type { GatewayPlugin } from '../plugin.ts';
import { countTokens } from './countTokens.ts';
import { measureOperation, type OperationMeasures } from './measureOperation.ts';

/** The largest operation shape the gateway plans: `core/config` reads them (`TESSERA_LIMIT_*`). */
export type OperationLimits = OperationLimitsConfig;

/** The shape limits; the subgraph response size is checked elsewhere (`subgraphResponseSize.ts`). */
export type LimitName = Exclude<keyof OperationLimits, 'subgraphResponseBytes'>;

/** What each limit is called in messages, and the variable that sets it. */
const LIMITS: Readonly<Record<LimitName, { readonly what: string; readonly variable: string }>> = {
  tokens: { what: 'token count', variable: 'TESSERA_LIMIT_TOKENS' },
  depth: { what: 'depth', variable: 'TESSERA_LIMIT_DEPTH' },
  rootFields: { what: 'root field count', variable: 'TESSERA_LIMIT_ROOT_FIELDS' },
  aliases: { what: 'alias count', variable: 'TESSERA_LIMIT_ALIASES' },
  directivesPerField: { what: 'most directives on one field', variable: 'TESSERA_LIMIT_DIRECTIVES_PER_FIELD' },
  selections: { what: 'field count with fragments expanded', variable: 'TESSERA_LIMIT_SELECTIONS' },
  height: { what: 'height', variable: 'TESSERA_LIMIT_HEIGHT' },
};

export interface LimitsPluginOptions {
  /** Told of each refusal, with the limit exceeded (the `tessera_limit_refusals_total` counter). */
  readonly onRefused?: ((limit: LimitName) => void) | undefined;
  /** Operations whose measures are kept (least recently used forgotten first). @default 1000 */
  readonly cacheSize?: number | undefined;
  /** Told of each operation measured rather than found measured (tests count the walks). */
  readonly onMeasured?: (() => void) | undefined;
}

/** An operation's measures, or null when its name selects no operation. */
type Measured = (OperationMeasures & { readonly tokens: number }) | null;

/** The first limit an operation exceeds, in the order of `LIMITS`, or null when it is within all. */
export function exceededLimit(
  limits: Readonly<Record<LimitName, number>>,
  measures: OperationMeasures & { readonly tokens: number },
): { readonly limit: LimitName; readonly max: number; readonly actual: number } | null {
  for (const limit of Object.keys(LIMITS) as LimitName[]) {
    if (measures[limit] > limits[limit]) return { limit, max: limits[limit], actual: measures[limit] };
  }
  return null;
}

/**
 * Refuses an operation whose shape exceeds a limit (OPERATION_LIMIT_EXCEEDED, 400), before any
 * authorization work or subgraph call: it must be first in the plugin list. The measuring is
 * linear in the document (fragments measured once each), so a small document that expands
 * exponentially costs no more than its size. A refused request is marked in the host so the
 * plugins after this one, whose hook Apollo Server calls all the same, skip their work.
 * The measures depend on the text and the operation name only, so they are kept per query hash
 * (a bounded cache): a query seen before costs a lookup; the limits are compared on every request.
 */
export function limitsPlugin(limits: OperationLimits, options: LimitsPluginOptions = {}): GatewayPlugin {
  return {
    name: 'limits',
    create: ({ operations }) => {
      const cache = new BoundedCache<string, Measured>(options.cacheSize ?? 1000);
      const measuredOf = (requestContext: GraphQLRequestContextDidResolveOperation<RequestScope>): Measured => {
        const { operationName } = requestContext.request;
        const { document, queryHash } = operations.current(requestContext);
        // The source's hash and the document's: the same while no plugin before this one replaced the document.
        const key = `${requestContext.queryHash}\0${queryHash}\0${operationName ?? ''}`;
        let measured = cache.get(key);
        if (measured !== undefined) return measured;
        options.onMeasured?.();
        const measures = measureOperation(document, operationName);
        measured = measures && { ...measures, tokens: countTokens(requestContext.source) };
        cache.set(key, measured);
        return measured;
      };
      return {
        async requestDidStart() {
          return {
            async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<RequestScope>) {
              const measures = measuredOf(requestContext);
              if (!measures) return; // no operation selected: the gateway's own step refuses it
              const exceeded = exceededLimit(limits, measures);
              if (!exceeded) return;
              operations.refuse(requestContext);
              options.onRefused?.(exceeded.limit);
              const { what, variable } = LIMITS[exceeded.limit];
              throw tesseraError(
                'OPERATION_LIMIT_EXCEEDED',
                `The operation's ${what} is ${exceeded.actual}; the limit is ${exceeded.max} (${variable}).`,
                { extensions: { http: { status: ERROR_CODES.OPERATION_LIMIT_EXCEEDED.status }, ...exceeded } },
              );
            },
          };
        },
      };
    },
  };
}
