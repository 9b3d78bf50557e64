/**
 * The network calls of subgraphs served alone (docs/resilience.md#connection-pools): undici's
 * dispatcher API over one keep-alive `Agent` (a `Pool` per origin), at most `connections` sockets
 * per origin, so consecutive calls reuse a connection instead of opening one each (TCP and TLS
 * handshakes). Closed at shutdown, after the gateway stopped sending.
 *
 * Not undici's `fetch`: under the federation benchmark its WHATWG machinery (Request, Headers,
 * Response, web streams) cost 22–34% of the gateway's CPU. Here the handler gathers the body's
 * chunks itself and the response is the few fields callers read (gateway/resilience/pooledResponse.ts).
 * Measured with bench/federation/fetcherMicro.ts on 2026-12-07 (2 CPUs under a load of 15–19 from
 * other work, so compare ratios within the run; 5 interleaved rounds, medians; the benchmark's
 * reviews `_entities` fetch, a 4.4 KB answer; this process's CPU per request, the limit on in both):
 *                   undici fetch   fetch, no limit   this fetcher    post    undici request()
 *   sequential        701 µs        487 (0.70×)      65 (0.09×)   66 (0.09×)   87 (0.12×)
 *   50 concurrent     427 µs        309 (0.72×)      60 (0.14×)   60 (0.14×)   93 (0.22×)
 * An earlier run (7 rounds, same load) gave this fetcher 0.21× of fetch both ways, `post` 0.18×.
 * The limit's old path alone (web stream read, a new `Response`) was 30% of the old path's CPU.
 *
 * What differs from fetch: request headers go out as given (fetch adds `accept`, `accept-language`,
 * `sec-fetch-mode`, `user-agent` and `accept-encoding: gzip, deflate`); an answer compressed anyway
 * (gzip, deflate, br) is still decoded. Redirects are not followed: a subgraph URL is configured
 * exactly, and a 3xx reaches `RemoteGraphQLDataSource` as the non-2xx it is.
 */
import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import { Agent } from 'undici';
import { SubgraphResponseTooLargeError } from '../limits/subgraphResponseSize.ts';
import { PooledCall, type PooledResponse, type ResponseHeaders } from './pooledResponse.ts';

/** What the lower-level call answers: for a plan executor that sends and parses bodies itself. */
export interface PostAnswer {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly bodyText: string;
}

export interface PooledFetcher {
  readonly fetcher: Fetcher;
  /**
   * POSTs `body` with exactly `headers`; `signal` aborts it (the socket is given up). A body above
   * `maxBytes` (default: none) is refused while it streams, with `SubgraphResponseTooLargeError`.
   */
  post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal, maxBytes?: number): Promise<PostAnswer>;
  /** Lets calls in flight finish, then closes every socket. */
  close(): Promise<void>;
}

/** An idle connection is kept this long (subgraph servers keep theirs 5 s by default in Node; undici closes first). */
const KEEP_ALIVE_MS = 4_000;

/** A URL's origin and path, parsed once: a gateway calls a handful of subgraph URLs over and over. */
interface Target {
  readonly origin: string;
  readonly path: string;
}
const MAX_TARGETS = 1_000;

export function createPooledFetcher(connections: number): PooledFetcher {
  const agent = new Agent({ connections, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 60_000 });
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (targets.size < MAX_TARGETS) targets.set(url, target);
    }
    return target;
  };

  /** The one code path of both calls: resolves once the status and headers are in, like fetch. */
  const send = (url: string, init: FetcherRequestInit = {}): Promise<PooledResponse> => {
    const signal = init.signal as AbortSignal | undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { origin, path } = targetOf(url);
    return new Promise<PooledResponse>((resolve, reject) => {
      const call = new PooledCall(url, signal, resolve, reject);
      agent.dispatch({ origin, path, method: init.method ?? 'GET', headers: init.headers ?? null, body: init.body ?? null }, call);
    });
  };

  return {
    fetcher: send,
    async post(url, body, headers, signal, maxBytes = Number.POSITIVE_INFINITY) {
      const response = await send(url, { method: 'POST', body, headers, signal });
      if (!(await response.readAtMost(maxBytes))) throw new SubgraphResponseTooLargeError(url, maxBytes);
      return { status: response.status, headers: response.headers, bodyText: await response.text() };
    },
    close: () => agent.close(),
  };
}
