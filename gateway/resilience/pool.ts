/**
 * The network fetch of subgraphs served alone (docs/resilience.md#connection-pools): undici's
 * fetch over one keep-alive `Agent`, at most `connections` sockets per origin, so consecutive
 * calls reuse a connection instead of opening one each (TCP and TLS handshakes). Closed at
 * shutdown, after the gateway stopped sending.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';

export interface PooledFetcher {
  readonly fetcher: Fetcher;
  /** Lets calls in flight finish, then closes every socket. */
  close(): Promise<void>;
}

/** An idle connection is kept this long (subgraph servers keep theirs 5 s by default in Node; undici closes first). */
const KEEP_ALIVE_MS = 4_000;

export function createPooledFetcher(connections: number): PooledFetcher {
  const agent = new Agent({ connections, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 60_000 });
  const fetcher: Fetcher = async (url, init) =>
    (await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: agent })) as unknown as Awaited<
      ReturnType<Fetcher>
    >;
  return { fetcher, close: () => agent.close() };
}
