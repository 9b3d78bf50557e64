/**
 * Records which clients use which schema coordinates (docs/registry.md#usage), for the registry's
 * usage-aware checks. Only operations that passed validation and every plugin's refusals and
 * started executing are recorded, as the client sent them (a field authorization removed is still
 * one the client's document depends on). The request pays for a sampling draw and a queue push;
 * everything else happens after the response (`UsageRecorder`).
 */
import type { GraphQLRequestContextExecutionDidStart } from '@apollo/server';
import type { Principal } from '../../auth/principal.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import type { GatewayPlugin } from '../plugin.ts';
import type { UsageOperation, UsageRecorder } from './usageRecorder.ts';

export interface UsagePluginOptions {
  readonly recorder: UsageRecorder;
  /** The share of operations recorded, 0 (none) to 1 (all). */
  readonly sampleRate: number;
  /** The sampling draw, in [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined;
}

export function usagePlugin(options: UsagePluginOptions): GatewayPlugin {
  const { recorder, sampleRate } = options;
  if (!(Number.isFinite(sampleRate) && sampleRate >= 0 && sampleRate <= 1)) {
    throw new TypeError(`usage plugin: sampleRate must be a number from 0 to 1: ${sampleRate}`);
  }
  const random = options.random ?? Math.random;
  return {
    name: 'usage',
    create: () => ({
      async requestDidStart() {
        let ran: UsageOperation | null = null;
        return {
          async executionDidStart(requestContext: GraphQLRequestContextExecutionDidStart<RequestScope>) {
            if (sampleRate === 0 || random() >= sampleRate) return;
            const { schema, document, queryHash, request, contextValue } = requestContext;
            ran = {
              schema,
              document,
              operationName: request.operationName ?? null,
              queryHash,
              variables: request.variables ?? {},
              clientId: usageClientId(contextValue.principal),
            };
          },
          // Queued once the response is complete, so the analysis never runs before it is sent.
          async willSendResponse() {
            if (ran) recorder.record(ran);
          },
        };
      },
    }),
  };
}

/** Who a usage entry is about: the token's `client_id`, else its subject, else `anonymous`. */
export function usageClientId(principal: Principal | null): string {
  if (principal === null) return 'anonymous';
  return principal.clientId ?? `sub:${principal.sub}`;
}
