import type { Fetcher } from '@apollo/utils.fetcher';
import type { SubgraphServer } from '../systems/kernel/subgraphServer.ts';
import { toHeaderMap } from '../core/http/headers.ts';
import { readApolloBody } from '../core/http/apolloBody.ts';

/**
 * A fetch that answers subgraph URLs in process: the embedded mode keeps the HTTP contract
 * between gateway and subgraphs (headers, status, JSON bodies) without sockets. URLs it does
 * not serve go to `fallback` (the network fetch of subgraphs served alone). Like a network fetch,
 * it rejects with the signal's reason when `init.signal` aborts first (a subgraph timeout,
 * docs/resilience.md#timeouts), and the subgraph's execution gets the signal too, so it runs no
 * further reads (docs/demand-control.md#client-disconnect).
 */
export function createInProcessFetcher(servers: ReadonlyMap<string, SubgraphServer>, fallback?: Fetcher): Fetcher {
  return async (url, init = {}) => {
    const server = servers.get(url);
    if (!server) {
      if (fallback) return fallback(url, init);
      throw new Error(`no subgraph is served at ${url}`);
    }
    // The operation was called off (its client went away, its deadline passed): like a network
    // fetch with an aborted signal, nothing is executed (docs/demand-control.md#client-disconnect).
    const signal = init.signal as AbortSignal | undefined;
    if (signal?.aborted) throw signal.reason;
    const text = typeof init.body === 'string' ? init.body : (init.body?.toString('utf8') ?? '');
    const answer = (async () => {
      const response = await server.execute(
        {
          method: init.method ?? 'POST',
          headers: toHeaderMap(init.headers ?? {}),
          search: '',
          body: text ? JSON.parse(text) : undefined,
        },
        signal,
      );
      return new Response(await readApolloBody(response.body), {
        status: response.status ?? 200,
        headers: [...response.headers.entries()],
      });
    })();
    return signal ? abortable(answer, signal) : answer;
  };
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
