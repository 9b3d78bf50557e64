import type { Fetcher } from '@apollo/utils.fetcher';
import type { SubgraphServer } from '../systems/kernel/subgraphServer.ts';
import { toHeaderMap } from '../core/http/headers.ts';
import { readApolloBody } from '../core/http/apolloBody.ts';

/**
 * A fetch that answers subgraph URLs in process: the embedded mode keeps the HTTP contract
 * between gateway and subgraphs (headers, status, JSON bodies) without sockets. URLs it does
 * not serve go to `fallback` (the network fetch of subgraphs served alone).
 */
export function createInProcessFetcher(servers: ReadonlyMap<string, SubgraphServer>, fallback?: Fetcher): Fetcher {
  return async (url, init = {}) => {
    const server = servers.get(url);
    if (!server) {
      if (fallback) return fallback(url, init);
      throw new Error(`no subgraph is served at ${url}`);
    }
    const text = typeof init.body === 'string' ? init.body : (init.body?.toString('utf8') ?? '');
    const response = await server.execute({
      method: init.method ?? 'POST',
      headers: toHeaderMap(init.headers ?? {}),
      search: '',
      body: text ? JSON.parse(text) : undefined,
    });
    return new Response(await readApolloBody(response.body), {
      status: response.status ?? 200,
      headers: [...response.headers.entries()],
    });
  };
}
