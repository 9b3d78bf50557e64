/**
 * Per-client capability limits (docs/rate-limits.md#capability-limits), from the `@capability`
 * declarations of the supergraph each request is planned against. A call counts only when every
 * other check has let the request through: the limit is taken in `responseForOperation`, which
 * Apollo Server calls only after every plugin's `didResolveOperation` has passed (operation limits,
 * authorization, capability sunsets, idempotency keys, cost), and it reads the operation as those
 * plugins left it, so a mutation field the caller may not call is not counted. A refused request
 * is answered 429 RATE_LIMITED before planning; an admitted one carries the capabilities'
 * `RateLimit-Policy` and `RateLimit` items.
 */
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { parse } from 'graphql';
import type { RequestScope } from '../../auth/requestScope.ts';
import { clientIdOf } from '../../auth/clientId.ts';
import type { Logger } from '../../core/logger.ts';
import { capabilitiesOf, type CapabilityDeclaration } from '../../schema/capabilities.ts';
import { rootFields } from '../capabilities/capabilityPlugin.ts';
import { fragmentsOf } from '../fragments.ts';
import type { PlannedOperations } from '../plannedOperation.ts';
import type { GatewayPlugin } from '../plugin.ts';
import { capabilityRule, type RateLimiter } from './rateLimiter.ts';

export interface CapabilityLimitPluginOptions {
  readonly limiter: RateLimiter;
  /** Told of a configured capability name the supergraph does not declare (a typo stays visible). */
  readonly logger: Logger;
}

export function capabilityLimitPlugin(options: CapabilityLimitPluginOptions): GatewayPlugin {
  return {
    name: 'capabilityLimits',
    create: ({ operations }, supergraphSdl) => {
      const declarations = capabilitiesOf(parse(supergraphSdl));
      warnUndeclared(options, declarations);
      return capabilityLimits(declarations, operations, options.limiter);
    },
  };
}

function capabilityLimits(
  declarations: ReadonlyMap<string, CapabilityDeclaration>,
  operations: PlannedOperations,
  limiter: RateLimiter,
): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      let headers: Readonly<Record<string, string>> = {};
      const calls = new Map<string, number>();
      return {
        async didResolveOperation(requestContext) {
          // A refused operation (a fragment bomb over the limits) is not walked: it is answered without running.
          if (operations.refused(requestContext)) return;
          // As the plugins before this one left it (they run before it): a field authorization removed is not called.
          const { operation, document } = operations.current(requestContext);
          if (!operation || operation.operation !== 'mutation') return;
          // Versions of one capability share its limit: they change the same state downstream.
          for (const field of rootFields(operation, fragmentsOf(document.definitions))) {
            const declaration = declarations.get(field.name.value);
            if (declaration) calls.set(declaration.name, (calls.get(declaration.name) ?? 0) + 1);
          }
        },
        async responseForOperation(requestContext): Promise<GraphQLResponse | null> {
          if (calls.size === 0) return null;
          const outcome = await limiter.capabilities(clientIdOf(requestContext.contextValue.principal), calls);
          headers = outcome.headers;
          if (!outcome.refusal) return null;
          const { status, headers: refusalHeaders, error } = outcome.refusal;
          return {
            http: { status, headers: new HeaderMap(Object.entries(refusalHeaders)) },
            body: { kind: 'single', singleResult: { errors: [error] } },
          };
        },
        async willSendResponse({ response }) {
          for (const [name, value] of Object.entries(headers)) response.http.headers.set(name, value);
        },
      };
    },
  };
}

function warnUndeclared(options: CapabilityLimitPluginOptions, declarations: ReadonlyMap<string, CapabilityDeclaration>): void {
  const names = [...new Set([...declarations.values()].map((d) => d.name))];
  for (const configured of options.limiter.capabilityRuleNames) {
    if (!names.some((name) => capabilityRule({ [configured]: { count: 1, windowSeconds: 1 } }, name))) {
      options.logger.warn(
        { capability: configured },
        'TESSERA_RATE_LIMIT_CAPABILITIES names a capability this supergraph does not declare: its limit applies to nothing',
      );
    }
  }
}
