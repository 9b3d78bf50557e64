/**
 * Stopping a subgraph's reads once the request that asked for them is called off
 * (docs/demand-control.md#client-disconnect): the gateway's deadline passed, or its client went
 * away. graphql-js 16 cannot abort an execution, but every read of a reference system goes through
 * its read port (the request's loaders batch over it), so a port that refuses once the request's
 * signal has aborted ends the execution after the reads already under way: the fields still
 * waiting resolve to this error at once instead of querying the store.
 */
import { tesseraError } from '../../core/errors.ts';
import { NEVER_ABORTED } from '../../auth/requestScope.ts';

/** `port` with each of its functions refusing once `signal` has aborted; `port` itself when nothing can abort it. */
export function stoppable<Port extends object>(port: Port, signal: AbortSignal): Port {
  if (signal === NEVER_ABORTED) return port;
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(port)) {
    guarded[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            if (signal.aborted) throw calledOff();
            return (value as (...args: unknown[]) => unknown).apply(port, args);
          }
        : value;
  }
  return guarded as Port;
}

function calledOff() {
  return tesseraError(
    'OPERATION_TIMEOUT',
    'The request was called off (its deadline passed or its client went away): its remaining reads were not run.',
  );
}
