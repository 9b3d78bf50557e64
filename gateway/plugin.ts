import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../auth/requestScope.ts';
import type { PlannedOperations } from './plannedOperation.ts';

/** What the gateway shares with its plugins. */
export interface GatewayPluginHost {
  /** The operation each request runs, and the one supported way to replace it before planning. */
  readonly operations: PlannedOperations;
}

/**
 * One concern of the gateway's request pipeline (authorization, capability lifecycle, and the
 * ones to come: limits, usage), chosen by the composition root and passed to `createGateway`
 * in a list. The contract:
 *
 * - `create` is called once per supergraph the gateway loads (at start, then on every swap, and
 *   for each contract), before that supergraph serves; what it returns handles the requests
 *   planned against that supergraph (Apollo Server's `requestDidStart`; no server-level hook is
 *   called). A plugin that cannot serve a supergraph throws from `create`: at start the gateway
 *   does not start; on a swap the supergraph is refused and the previous one keeps serving
 *   (docs/registry.md#hot-reload).
 * - Order: the gateway's own step (refusing an operation name that selects nothing) runs first,
 *   then the plugins in list order. Apollo Server calls a hook of every plugin in that order
 *   without waiting for one to settle before calling the next: what a later plugin reads (a
 *   replaced operation) is done before the hook's first `await`; and when one refuses the request,
 *   the same hook of the later plugins has been called all the same.
 * - Apollo Server's request context is never mutated. A plugin reads the operation with
 *   `host.operations.current(...)` (it sees the replacements of the plugins before it) and
 *   replaces it with `host.operations.replace(...)`.
 * - A plugin refuses a request by throwing a `tesseraError` whose `extensions.http.status` is the
 *   catalog's status for its code (`core/errors.ts`).
 */
export interface GatewayPlugin {
  /** Names the plugin in logs and errors. */
  readonly name: string;
  create(host: GatewayPluginHost, supergraphSdl: string): ApolloServerPlugin<RequestScope>;
}
