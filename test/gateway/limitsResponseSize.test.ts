/**
 * The subgraph response-size limit (README "Operation limits", TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES):
 * a body of exactly the limit is handed on whole, one byte more is refused, a declared
 * Content-Length above the limit is refused unread, and a streamed body is abandoned as soon as it
 * passes the limit: never more than the limit (plus the chunk that crossed it) is read. The same
 * over the keep-alive pool's sockets, whose responses bound their own bodies (decoded bytes counted).
 */
import zlib from 'node:zlib';
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitResponseSize, SubgraphResponseTooLargeError } from '../../gateway/limits/subgraphResponseSize.ts';
import { createPooledFetcher, type PooledFetcher } from '../../gateway/resilience/pool.ts';
import { startScriptedSubgraph, type ScriptedSubgraph } from '../harness/scriptedSubgraph.ts';

const URL_ = 'http://crm.test/graphql';
const LIMIT = 1000;

/** A fetcher answering `body` (a string, or chunks streamed without a length), recording how many chunks were pulled. */
function answering(body: string | readonly string[], headers: Record<string, string> = {}) {
  const pulled = { chunks: 0, cancelled: false };
  const fetcher: Fetcher = async () => {
    if (typeof body === 'string') return new Response(body, { status: 200, headers: { 'content-type': 'application/json', ...headers } });
    let next = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled.chunks++;
        if (next === body.length) return controller.close();
        controller.enqueue(new TextEncoder().encode(body[next++]));
      },
      cancel() {
        pulled.cancelled = true;
      },
    });
    return new Response(stream, { status: 200, headers });
  };
  return { fetcher, pulled };
}

/** A JSON body of exactly `bytes` bytes. */
function jsonOf(bytes: number): string {
  const shell = JSON.stringify({ data: { s: '' } });
  return JSON.stringify({ data: { s: 'x'.repeat(bytes - shell.length) } });
}

describe('limitResponseSize', () => {
  it('hands on a body of exactly the limit, whole, with its status and headers', async () => {
    const body = jsonOf(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const response = await limitResponseSize(answering(body).fetcher, LIMIT)(URL_, { method: 'POST' });
    expect({ status: response.status, type: response.headers.get('content-type'), body: await response.json() }).toEqual({
      status: 200,
      type: 'application/json',
      body: JSON.parse(body),
    });
  });

  it('refuses one byte more, naming the URL and the limit', async () => {
    const call = limitResponseSize(answering(jsonOf(LIMIT + 1)).fetcher, LIMIT)(URL_, { method: 'POST' });
    await expect(call).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    await expect(call).rejects.toMatchObject({
      url: URL_,
      limitBytes: LIMIT,
      message: `The subgraph at ${URL_} answered with more than ${LIMIT} bytes (TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES).`,
    });
  });

  it('refuses a declared Content-Length above the limit without reading the body', async () => {
    const chunks = Array.from({ length: 50 }, () => 'y'.repeat(100));
    const { fetcher, pulled } = answering(chunks, { 'content-length': String(LIMIT + 1) });
    await expect(limitResponseSize(fetcher, LIMIT)(URL_)).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    expect(pulled).toEqual({ chunks: 1, cancelled: true }); // a stream pulls once when it is made; nothing was read
  });

  it('stops reading a streamed body as soon as it passes the limit', async () => {
    // 100 chunks of 100 bytes: the 11th crosses 1000; the other 89 are never pulled.
    const { fetcher, pulled } = answering(Array.from({ length: 100 }, () => 'z'.repeat(100)));
    await expect(limitResponseSize(fetcher, LIMIT)(URL_)).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    expect(pulled.cancelled).toBe(true);
    expect(pulled.chunks).toBeLessThanOrEqual(12);
  });

  it('reads a streamed body of exactly the limit', async () => {
    const { fetcher } = answering(Array.from({ length: 10 }, () => 'z'.repeat(100)));
    const response = await limitResponseSize(fetcher, LIMIT)(URL_);
    expect((await response.text()).length).toBe(LIMIT);
  });

  it('passes a status without a body through', async () => {
    const fetcher: Fetcher = async () => new Response(null, { status: 204 });
    expect((await limitResponseSize(fetcher, LIMIT)(URL_)).status).toBe(204);
  });
});

describe('limitResponseSize over the keep-alive pool (no web streams)', () => {
  let subgraph: ScriptedSubgraph;
  let pool: PooledFetcher;
  beforeAll(async () => {
    subgraph = await startScriptedSubgraph();
    pool = createPooledFetcher(2);
  });
  afterAll(async () => {
    await pool?.close();
    await subgraph?.close();
  });
  const call = () => limitResponseSize(pool.fetcher, LIMIT)(subgraph.url, { method: 'POST', body: '{}' });
  const lastSocket = () => subgraph.received.at(-1)!.socket;

  it('hands on a body of exactly the limit, whole, with its status and headers', async () => {
    const body = jsonOf(LIMIT);
    subgraph.answer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const response = await call();
    expect({ status: response.status, type: response.headers.get('content-type'), body: await response.json() }).toEqual({
      status: 200,
      type: 'application/json',
      body: JSON.parse(body),
    });
  });

  it('refuses a declared Content-Length above the limit before any of the body came, and gives up the socket', async () => {
    subgraph.answer((_request, response) => response.writeHead(200, { 'content-length': String(LIMIT + 1) }).flushHeaders());
    await expect(call()).rejects.toMatchObject({ name: 'SubgraphResponseTooLargeError', url: subgraph.url, limitBytes: LIMIT });
    await subgraph.closed(lastSocket());
  });

  it('stops a streamed body as soon as it passes the limit (the subgraph never ends it) and gives up the socket', async () => {
    subgraph.answer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 11; i++) response.write('z'.repeat(100));
    });
    await expect(call()).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    await subgraph.closed(lastSocket());
    subgraph.answer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
    expect(await (await call()).json()).toEqual({ data: {} }); // the pool goes on
  });

  it('counts the decoded bytes of a compressed body', async () => {
    const packed = zlib.gzipSync(jsonOf(LIMIT + 1));
    expect(packed.byteLength).toBeLessThan(LIMIT);
    subgraph.answer((_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end(packed));
    await expect(call()).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    subgraph.answer((_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(jsonOf(LIMIT))));
    expect(Buffer.byteLength(await (await call()).text())).toBe(LIMIT);
  });

  it('bounds the lower-level post the same way', async () => {
    subgraph.answer((_request, response) => response.writeHead(200).end(jsonOf(LIMIT + 1)));
    await expect(pool.post(subgraph.url, '{}', {}, undefined, LIMIT)).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    subgraph.answer((_request, response) => response.writeHead(200).end(jsonOf(LIMIT)));
    expect((await pool.post(subgraph.url, '{}', {}, undefined, LIMIT)).bodyText).toBe(jsonOf(LIMIT));
  });
});
