/**
 * The keep-alive pool's client (gateway/resilience/pool.ts, docs/resilience.md#connection-pools),
 * over real sockets: `RemoteGraphQLDataSource` makes of each kind of answer exactly what it made of
 * undici's fetch (a differential check); request headers go out as given; one connection serves
 * sequential calls and at most `connections` serve concurrent ones; an abort (a timeout, a client
 * gone) rejects with the signal's reason and closes the socket, before the answer, during its body,
 * or while the call waits for a socket; `post` answers status, headers and text.
 */
import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import type { GraphQLError } from 'graphql';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectError } from '../../gateway/resilience/failure.ts';
import { createPooledFetcher, type PooledFetcher } from '../../gateway/resilience/pool.ts';
import { startScriptedSubgraph, type ScriptedSubgraph } from '../harness/scriptedSubgraph.ts';

let subgraph: ScriptedSubgraph;
let pool: PooledFetcher;
let fetchAgent: Agent;
/** The client the pool replaced: undici's fetch over its own keep-alive agent. */
let viaFetch: Fetcher;

beforeAll(async () => {
  subgraph = await startScriptedSubgraph();
  fetchAgent = new Agent({ connections: 2 });
  viaFetch = async (url, init) => (await undiciFetch(url, { ...(init as object), dispatcher: fetchAgent })) as unknown as FetcherResponse;
});
beforeEach(async () => {
  await pool?.close();
  pool = createPooledFetcher(2);
  subgraph.received.length = 0;
});
afterAll(async () => {
  await pool?.close();
  await fetchAgent?.close();
  await subgraph?.close();
});

const JSON_TYPE = { 'content-type': 'application/json' };

/** What `RemoteGraphQLDataSource` answers (its `http` aside) or throws for one call through `fetcher`. */
async function outcome(fetcher: Fetcher): Promise<unknown> {
  const source = new RemoteGraphQLDataSource({ url: subgraph.url, fetcher });
  try {
    const { http: _http, ...answer } = await source.process({
      kind: 'health check', // GraphQLDataSourceRequestKind.HEALTH_CHECK (the enum is not exported at run time)
      request: { query: '{ __typename }' },
      context: {},
    } as GraphQLDataSourceProcessOptions);
    return { answer };
  } catch (error) {
    const { name, message, extensions } = error as GraphQLError;
    return { threw: { name, message, extensions } };
  }
}

describe('RemoteGraphQLDataSource over the pool', () => {
  const truncated = '{"data":{"__typ';
  const parseError = (() => {
    try {
      JSON.parse(truncated);
    } catch (error) {
      return (error as Error).message;
    }
  })();
  const cases: [string, (response: ServerResponse) => void, unknown][] = [
    [
      'a JSON answer',
      (r) => r.writeHead(200, JSON_TYPE).end('{"data":{"__typename":"Query"}}'),
      { answer: { data: { __typename: 'Query' } } },
    ],
    [
      'a gzip-compressed JSON answer',
      (r) => r.writeHead(200, { ...JSON_TYPE, 'content-encoding': 'gzip' }).end(zlib.gzipSync('{"data":{"__typename":"Query"}}')),
      { answer: { data: { __typename: 'Query' } } },
    ],
    [
      'a GraphQL answer with errors',
      (r) => r.writeHead(200, { 'content-type': 'application/graphql-response+json' }).end('{"data":null,"errors":[{"message":"no"}]}'),
      { answer: { data: null, errors: [{ message: 'no' }] } },
    ],
    [
      'a 400 refusal with GraphQL errors',
      (r) => r.writeHead(400, JSON_TYPE).end('{"errors":[{"message":"bad value"}]}'),
      {
        threw: {
          name: 'GraphQLError',
          message: '400: Bad Request',
          extensions: { response: { url: 'URL', status: 400, statusText: 'Bad Request', body: { errors: [{ message: 'bad value' }] } } },
        },
      },
    ],
    [
      'a 401',
      (r) => r.writeHead(401, JSON_TYPE).end('{"errors":[{"message":"who?"}]}'),
      {
        threw: {
          name: 'GraphQLError',
          message: '401: Unauthorized',
          extensions: {
            code: 'UNAUTHENTICATED',
            response: { url: 'URL', status: 401, statusText: 'Unauthorized', body: { errors: [{ message: 'who?' }] } },
          },
        },
      },
    ],
    [
      'a 503 page',
      (r) => r.writeHead(503, { 'content-type': 'text/html' }).end('<h1>down</h1>'),
      {
        threw: {
          name: 'GraphQLError',
          message: '503: Service Unavailable',
          extensions: { response: { url: 'URL', status: 503, statusText: 'Service Unavailable', body: '<h1>down</h1>' } },
        },
      },
    ],
    [
      'an HTML page with 200',
      (r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'),
      { threw: { name: 'Error', message: 'Expected JSON response body, but received: <p>hi</p>', extensions: undefined } },
    ],
    [
      'a truncated JSON body',
      (r) => r.writeHead(200, JSON_TYPE).end(truncated),
      { threw: { name: 'SyntaxError', message: parseError, extensions: undefined } },
    ],
    [
      'a 204',
      (r) => r.writeHead(204).end(),
      { threw: { name: 'Error', message: 'Expected JSON response body, but received: ', extensions: undefined } },
    ],
  ];

  it.each(cases)('makes of %s what it made of fetch', async (_kind, script, expected) => {
    subgraph.answer((_request, response) => script(response));
    const exact = JSON.parse(JSON.stringify(expected).replaceAll('"URL"', JSON.stringify(subgraph.url))) as unknown;
    expect(await outcome(viaFetch)).toEqual(exact);
    expect(await outcome(pool.fetcher)).toEqual(exact);
  });
});

describe('the request', () => {
  it('goes out with exactly the headers given', async () => {
    subgraph.answer((_request, response) => response.writeHead(200, JSON_TYPE).end('{}'));
    const headers = { 'content-type': 'application/json', 'x-request-id': 'r-1', 'x-tessera-principal': 'signed' };
    await (await pool.fetcher(subgraph.url, { method: 'POST', headers, body: '{"query":"{ a }"}' })).text();
    const [{ method, headers: sent, body }] = subgraph.received as [(typeof subgraph.received)[0]];
    const port = new URL(subgraph.url).port;
    expect({ method, sent, body }).toEqual({
      method: 'POST',
      sent: { ...headers, host: `127.0.0.1:${port}`, connection: 'keep-alive', 'content-length': '17' },
      body: '{"query":"{ a }"}',
    });
  });
});

describe('keep-alive and the connection cap', () => {
  beforeEach(() => subgraph.answer((_request, response) => response.writeHead(200, JSON_TYPE).end('{"data":{}}')));

  it('sends 20 sequential calls over one connection', async () => {
    // A pool of one: undici reuses a socket only an event loop turn after its answer, so a call made
    // at once after another may take a second socket of a larger pool (undici's fetch did the same).
    const single = createPooledFetcher(1);
    const before = subgraph.connections().opened;
    for (let i = 0; i < 20; i++)
      expect(await (await single.fetcher(subgraph.url, { method: 'POST', body: '{}' })).json()).toEqual({ data: {} });
    expect(subgraph.connections().opened - before).toBe(1);
    await single.close();
  });

  it('opens at most `connections` sockets for 16 concurrent calls', async () => {
    const before = subgraph.connections().opened;
    const calls = Array.from({ length: 16 }, async () => (await pool.fetcher(subgraph.url, { method: 'POST', body: '{}' })).text());
    expect(await Promise.all(calls)).toEqual(Array(16).fill('{"data":{}}'));
    expect(subgraph.connections().opened - before).toBe(2);
  });
});

describe('an abort', () => {
  it('before the answer: rejects with the signal reason and closes the socket', async () => {
    subgraph.answer(() => {}); // never answers
    const controller = new AbortController();
    const call = pool.fetcher(subgraph.url, { method: 'POST', body: '{}', signal: controller.signal });
    await expect.poll(() => subgraph.received.length).toBe(1);
    const reason = new DOMException('no answer within 5 ms', 'TimeoutError');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await subgraph.closed(subgraph.received[0]!.socket);
  });

  it('during the body: the body rejects with the reason and the socket closes', async () => {
    subgraph.answer((_request, response) => response.writeHead(200, JSON_TYPE).write('{"data":'));
    const controller = new AbortController();
    const response = await pool.fetcher(subgraph.url, { method: 'POST', body: '{}', signal: controller.signal });
    const reason = new Error('client gone');
    controller.abort(reason);
    await expect(response.text()).rejects.toBe(reason);
    await subgraph.closed(subgraph.received[0]!.socket);
  });

  it('already aborted: nothing is sent', async () => {
    const reason = new Error('cancelled first');
    await expect(pool.fetcher(subgraph.url, { method: 'POST', body: '{}', signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(subgraph.received).toEqual([]);
  });

  it('while waiting for a socket: rejects at once, is never sent, and the pool goes on', async () => {
    const single = createPooledFetcher(1);
    const held: ServerResponse[] = [];
    subgraph.answer((_request, response) => held.push(response));
    const first = single.fetcher(subgraph.url, { method: 'POST', body: '"first"' });
    await expect.poll(() => held.length).toBe(1);
    const controller = new AbortController();
    const queued = single.fetcher(subgraph.url, { method: 'POST', body: '"queued"', signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(queued).rejects.toThrow('gone');
    held[0]!.writeHead(200, JSON_TYPE).end('1');
    expect(await (await first).json()).toBe(1);
    subgraph.answer((_request, response) => response.writeHead(200, JSON_TYPE).end('2'));
    expect(await (await single.fetcher(subgraph.url, { method: 'POST', body: '"after"' })).json()).toBe(2);
    expect(subgraph.received.map((request) => request.body)).toEqual(['"first"', '"after"']);
    await single.close();
  });
});

describe('post', () => {
  it('answers the status, the headers and the text', async () => {
    subgraph.answer((_request, response) => response.writeHead(202, { ...JSON_TYPE, 'X-Thing': 'a' }).end('{"data":{"ok":true}}'));
    const answer = await pool.post(subgraph.url, '{"query":"{ ok }"}', JSON_TYPE);
    expect({
      status: answer.status,
      type: answer.headers.get('Content-Type'),
      thing: answer.headers.get('x-thing'),
      text: answer.bodyText,
    }).toEqual({
      status: 202,
      type: 'application/json',
      thing: 'a',
      text: '{"data":{"ok":true}}',
    });
    expect(subgraph.received[0]!.method).toBe('POST');
  });

  it('rejects with a connect error that the resilience code recognizes when nothing listens', async () => {
    const error: unknown = await pool.post('http://127.0.0.1:9/graphql', '{}', JSON_TYPE).catch((reason: unknown) => reason);
    expect(isConnectError(error)).toBe(true);
  });
});
