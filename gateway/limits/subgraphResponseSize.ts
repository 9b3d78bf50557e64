import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';

/**
 * A subgraph answered with a body larger than `TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES`: the body
 * was not read past the limit. The data source turns it into SUBGRAPH_RESPONSE_TOO_LARGE errors
 * at the paths that fetch was to supply (README "Operation limits").
 */
export class SubgraphResponseTooLargeError extends Error {
  constructor(
    /** The subgraph URL that answered. */
    readonly url: string,
    /** The limit, in bytes. */
    readonly limitBytes: number,
  ) {
    super(`The subgraph at ${url} answered with more than ${limitBytes} bytes (TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES).`);
    this.name = 'SubgraphResponseTooLargeError';
  }
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** What a fetch response is at run time (undici's, the in-process fetcher's): its body streams. */
type StreamingResponse = FetcherResponse & { readonly body?: ReadableStream<Uint8Array> | null };

/**
 * A response that bounds its own body without web streams (the keep-alive pool's,
 * gateway/resilience/pooledResponse.ts): it reads the body whole, or refuses it (a declared length
 * or the bytes received above `maxBytes`), stopping the request, and resolves false.
 */
interface BoundedResponse extends FetcherResponse {
  readAtMost(maxBytes: number): Promise<boolean>;
}

function isBounded(response: FetcherResponse): response is BoundedResponse {
  return typeof (response as Partial<BoundedResponse>).readAtMost === 'function';
}

/**
 * Wraps a fetcher so that no subgraph response body above `maxBytes` is ever held: a declared
 * `content-length` above it is refused before reading, and a body without one is read chunk by
 * chunk and abandoned (the stream cancelled, the connection released) as soon as it passes the
 * limit. Either way the call throws `SubgraphResponseTooLargeError`. The response handed on is
 * the body read, whole, with the original status and headers.
 */
export function limitResponseSize(fetcher: Fetcher, maxBytes: number): Fetcher {
  return async (url, init) => {
    const fetched = await fetcher(url, init);
    if (isBounded(fetched)) {
      // Its body is then in memory, and the response handed on as it is: no copy, no `Response` made.
      if (await fetched.readAtMost(maxBytes)) return fetched;
      throw new SubgraphResponseTooLargeError(url, maxBytes);
    }
    const response = fetched as StreamingResponse;
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new SubgraphResponseTooLargeError(url, maxBytes);
    }
    const body = response.body ? await readAtMost(response.body, maxBytes, url) : await bufferedAtMost(response, maxBytes, url);
    // A status that has no body (204, 304) cannot be given one, not even an empty one.
    const bodyless = NULL_BODY_STATUSES.has(response.status);
    return new Response(bodyless ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
    });
  };
}

async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number, url: string): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new SubgraphResponseTooLargeError(url, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, received);
}

/** A response without a stream (a fetcher of another kind) can only be measured once it is read. */
async function bufferedAtMost(response: FetcherResponse, maxBytes: number, url: string): Promise<Uint8Array> {
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.byteLength > maxBytes) throw new SubgraphResponseTooLargeError(url, maxBytes);
  return body;
}
