/**
 * Every way a request can be wrong, answered with the exact envelope: HTTP status, catalog code,
 * path, `data`. Plus the rest of the HTTP surface: the IDE, health, unknown routes, request ids.
 * No response is ever a 500 or carries a stack trace or a server file path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, stackLeaks, type RawResponse } from '../harness/rawHttp.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const MAX_BODY_BYTES = 1024;
const GRAPHQL_RESPONSE = 'application/graphql-response+json; charset=utf-8';
const JSON_RESPONSE = 'application/json; charset=utf-8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let tessera: TestTessera;
let origin: string;
/** A full-access token: these cases are about bad input, not about access (test/policies covers that). */
let authorization: string;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 'none', config: { maxBodyBytes: MAX_BODY_BYTES } });
  origin = new URL(tessera.url).origin;
  authorization = `Bearer ${await tessera.token()}`;
});
afterAll(() => tessera?.stop());

/** Any request to the gateway; checks what must hold for every response. */
async function call(path: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await rawRequest(`${origin}${path}`, init);
  expect(response.status).not.toBe(500);
  expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  if (response.headers.get('content-type')?.includes('json')) expect(stackLeaks(response.text)).toEqual([]);
  return response;
}

/** POST /graphql with a JSON body (a string is sent as is), asking for graphql-response+json. */
function post(body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return call('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GET /graphql with the given search parameters. */
function get(params: Record<string, string>, headers: Record<string, string> = { accept: 'application/graphql-response+json' }) {
  return call(`/graphql?${new URLSearchParams(params).toString()}`, { headers });
}

/** The status, content type and parsed body, for one `toEqual` on the whole envelope. */
function envelope(response: RawResponse) {
  return { status: response.status, contentType: response.headers.get('content-type'), body: response.json };
}

function requestError(status: number, code: string, message: string, contentType = GRAPHQL_RESPONSE) {
  return { status, contentType, body: { errors: [{ message, extensions: { code } }] } };
}

describe('malformed requests', () => {
  it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
    expect(envelope(await post('{"query": "{ __typename }"'))).toEqual(
      requestError(400, 'BAD_REQUEST', 'The request body is not valid JSON.'),
    );
  });

  it('answers an empty POST body with 400 BAD_REQUEST', async () => {
    expect(envelope(await post(''))).toEqual(requestError(400, 'BAD_REQUEST', 'The request body is not valid JSON.'));
  });

  it('answers a JSON body that is not an object (a batch, a string, null) with 400 BAD_REQUEST', async () => {
    const expected = requestError(400, 'BAD_REQUEST', 'The request body must be a JSON object with a query.');
    expect(envelope(await post([{ query: '{ __typename }' }]))).toEqual(expected);
    expect(envelope(await post('"{ __typename }"'))).toEqual(expected);
    expect(envelope(await post('null'))).toEqual(expected);
  });

  it('answers a missing query with 400 BAD_REQUEST', async () => {
    const expected = requestError(400, 'BAD_REQUEST', 'The query parameter is required: send a GraphQL document.');
    expect(envelope(await post({ variables: {} }))).toEqual(expected);
    expect(envelope(await post({ query: '   ' }))).toEqual(expected);
    expect(envelope(await get({}))).toEqual(expected);
  });

  it('answers a query that is not a string with 400 BAD_REQUEST', async () => {
    const expected = requestError(400, 'BAD_REQUEST', 'The query parameter must be a string.');
    expect(envelope(await post({ query: 42 }))).toEqual(expected);
    expect(envelope(await post({ query: { kind: 'Document' } }))).toEqual(expected);
  });

  it('answers variables that are not an object with 400 BAD_REQUEST', async () => {
    expect(envelope(await post({ query: '{ __typename }', variables: '{"id":1}' }))).toEqual(
      requestError(400, 'BAD_REQUEST', 'The variables parameter must be a JSON object.'),
    );
    expect(envelope(await get({ query: '{ __typename }', variables: '{not json' }))).toEqual(
      requestError(400, 'BAD_REQUEST', 'The variables parameter is not valid JSON.'),
    );
  });

  it('answers a body that is not application/json with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const send = (contentType: string) => post(body, { 'content-type': contentType });
    expect(envelope(await send('text/plain'))).toEqual(
      requestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type "text/plain": send application/json (UTF-8).'),
    );
    expect(envelope(await send('application/x-www-form-urlencoded'))).toEqual(
      requestError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Unsupported Content-Type "application/x-www-form-urlencoded": send application/json (UTF-8).',
      ),
    );
    expect(envelope(await send('application/json; charset=latin1'))).toEqual(
      requestError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Unsupported Content-Type "application/json; charset=latin1": send application/json (UTF-8).',
      ),
    );
  });

  it('answers a body over the configured limit with 413 PAYLOAD_TOO_LARGE, declared or streamed', async () => {
    const query = `{ __typename ${' '.repeat(MAX_BODY_BYTES)}}`;
    // Refused by the HTTP layer before the GraphQL handler runs, still in the media type the client accepts.
    const expected = requestError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    // Content-Length announces the size: refused before reading.
    expect(envelope(await post({ query }))).toEqual(expected);
    // Chunked, no Content-Length: refused once the limit is crossed.
    const chunks = [JSON.stringify({ query }).slice(0, 600), JSON.stringify({ query }).slice(600)];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const streamed = await call('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(envelope(streamed)).toEqual(expected);
    // A body just under the limit is served.
    expect(envelope(await post({ query: '{ __typename }' }))).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: { data: { __typename: 'Query' } },
    });
  });
});

describe('methods and media types', () => {
  it('answers PUT and DELETE with 405 METHOD_NOT_ALLOWED and Allow: GET, POST', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await call('/graphql', {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(envelope(response)).toEqual(requestError(405, 'METHOD_NOT_ALLOWED', 'Use POST (or GET for queries).'));
      expect(response.headers.get('allow')).toBe('GET, POST');
    }
  });

  it('answers a mutation over GET with 405 METHOD_NOT_ALLOWED and Allow: POST', async () => {
    // The schema has no mutations yet; the method is refused before anything else is checked.
    const response = await get({ query: 'mutation { __typename }' });
    expect(envelope(response)).toEqual(
      requestError(405, 'METHOD_NOT_ALLOWED', 'GET requests only run queries; send mutation operations with POST.'),
    );
    expect(response.headers.get('allow')).toBe('POST');
    const named = await get({ query: 'query Q { __typename } mutation M { __typename }', operationName: 'M' });
    expect(named.status).toBe(405);
    expect(named.headers.get('allow')).toBe('POST');
  });

  it('serves a query over GET', async () => {
    expect(
      envelope(await get({ query: 'query Q($name: String!) { __type(name: $name) { name } }', variables: '{"name":"Query"}' })),
    ).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: { data: { __type: { name: 'Query' } } },
    });
  });

  it('answers an Accept header that allows neither JSON media type with 406 NOT_ACCEPTABLE', async () => {
    const expected = requestError(
      406,
      'NOT_ACCEPTABLE',
      'Accept must allow application/graphql-response+json or application/json.',
      JSON_RESPONSE,
    );
    expect(envelope(await post({ query: '{ __typename }' }, { accept: 'text/html' }))).toEqual(expected);
    expect(
      envelope(await post({ query: '{ __typename }' }, { accept: 'application/json;q=0, application/graphql-response+json;q=0' })),
    ).toEqual(expected);
    expect(envelope(await get({ query: '{ __typename }' }, { accept: 'application/xml' }))).toEqual(expected);
  });

  it('answers with the media type the client prefers', async () => {
    const prefersJson = await post({ query: '{ __typename }' }, { accept: 'application/graphql-response+json;q=0.5, application/json' });
    expect(envelope(prefersJson)).toEqual({ status: 200, contentType: JSON_RESPONSE, body: { data: { __typename: 'Query' } } });
  });
});

describe('GraphQL request errors', () => {
  const unknownField = {
    errors: [
      {
        message: 'Cannot query field "nope" on type "Query".',
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ],
  };

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED and no data', async () => {
    expect(envelope(await post({ query: '{ nope }' }))).toEqual({ status: 400, contentType: GRAPHQL_RESPONSE, body: unknownField });
  });

  it('answers an unknown field with 200 when the client accepts only application/json (the legacy media type)', async () => {
    expect(envelope(await post({ query: '{ nope }' }, { accept: 'application/json' }))).toEqual({
      status: 200,
      contentType: JSON_RESPONSE,
      body: unknownField,
    });
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED and no data', async () => {
    expect(envelope(await post({ query: '{ projects(first: 1) { nodes { id }' }))).toEqual({
      status: 400,
      contentType: GRAPHQL_RESPONSE,
      body: {
        errors: [
          {
            message: 'Syntax Error: Expected Name, found <EOF>.',
            locations: [{ line: 1, column: 36 }],
            extensions: { code: 'GRAPHQL_PARSE_FAILED' },
          },
        ],
      },
    });
  });

  it('answers a variable of the wrong type with 400 BAD_USER_INPUT', async () => {
    const response = await post({ query: 'query P($id: ID!) { project(id: $id) { id } }', variables: { id: { nested: true } } });
    expect(envelope(response)).toEqual({
      status: 400,
      contentType: GRAPHQL_RESPONSE,
      body: {
        errors: [
          {
            message: 'Variable "$id" got invalid value { nested: true }; ID cannot represent value: { nested: true }',
            locations: [{ line: 1, column: 9 }],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      },
    });
  });

  it('answers a missing required variable with 400 BAD_USER_INPUT', async () => {
    const response = await post({ query: 'query P($id: ID!) { project(id: $id) { id } }' });
    expect(envelope(response)).toEqual({
      status: 400,
      contentType: GRAPHQL_RESPONSE,
      body: {
        errors: [
          {
            message: 'Variable "$id" of required type "ID!" was not provided.',
            locations: [{ line: 1, column: 9 }],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      },
    });
  });

  it('answers an operationName the document does not define with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const response = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'C' });
    expect(envelope(response)).toEqual(requestError(400, 'OPERATION_RESOLUTION_FAILURE', 'Unknown operation named "C".'));
  });

  it('answers several operations without an operationName with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const response = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(envelope(response)).toEqual(
      requestError(400, 'OPERATION_RESOLUTION_FAILURE', 'Must provide operation name if query contains multiple operations.'),
    );
  });

  it('runs the operation operationName selects', async () => {
    const response = await post({ query: 'query A { a: __typename } query B { b: __typename }', operationName: 'B' });
    expect(envelope(response)).toEqual({ status: 200, contentType: GRAPHQL_RESPONSE, body: { data: { b: 'Query' } } });
  });
});

describe('field errors (HTTP 200, partial data)', () => {
  it('answers an unknown ID with data.project null and one NOT_FOUND error at ["project"]', async () => {
    expect(envelope(await post({ query: '{ project(id: "prj_nope") { id code } }' }))).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { project: null },
        errors: [
          { message: 'Project "prj_nope" was not found.', path: ['project'], extensions: { code: 'NOT_FOUND', serviceName: 'psa' } },
        ],
      },
    });
  });

  it('answers a page size over the maximum with BAD_USER_INPUT at ["projects"] (nullable, so projects is null)', async () => {
    expect(envelope(await post({ query: '{ projects(first: 10000) { totalCount } }' }))).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { projects: null },
        errors: [
          {
            message: 'first must be between 0 and 500; got 10000.',
            path: ['projects'],
            extensions: { code: 'BAD_USER_INPUT', argument: 'first', serviceName: 'psa' },
          },
        ],
      },
    });
  });

  it('answers a page size below zero with BAD_USER_INPUT', async () => {
    expect(envelope(await post({ query: '{ resources(first: -1) { totalCount } }' }))).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { resources: null },
        errors: [
          {
            message: 'first must be between 0 and 500; got -1.',
            path: ['resources'],
            extensions: { code: 'BAD_USER_INPUT', argument: 'first', serviceName: 'psa' },
          },
        ],
      },
    });
  });

  it('answers a cursor this API did not issue with BAD_USER_INPUT', async () => {
    const forged = Buffer.from('not-a-cursor', 'utf8').toString('base64url');
    expect(envelope(await post({ query: `{ projects(after: "${forged}") { totalCount } }` }))).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { projects: null },
        errors: [
          {
            message: 'after is not a cursor returned by this API.',
            path: ['projects'],
            extensions: { code: 'BAD_USER_INPUT', argument: 'after', serviceName: 'psa' },
          },
        ],
      },
    });
  });

  // The gateway's Date is an opaque scalar; the ERP subgraph refuses the value (HTTP 400), and the
  // gateway relays its error at the field. Its message reaches the client through graphql-js,
  // which prefixes a generic sentence when the scalar's error is not its own GraphQLError class:
  // under Node (tsx) there is one graphql instance and no prefix; under vitest, vite resolves the
  // subgraph's `graphql` import to the ESM build while Apollo runs the CJS one. Both are allowed.
  it("answers an invalid Date literal with the subgraph's own error at the field, not SUBGRAPH_UNAVAILABLE", async () => {
    const response = await post({ query: '{ rateCard(id: "rc_1") { lines(effectiveOn: "2026-02-30") { effectiveFrom } } }' });
    expect(envelope(response)).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { rateCard: null },
        errors: [
          {
            message: expect.stringMatching(
              /^(Expected value of type "Date", found "2026-02-30"; )?Date must be a date YYYY-MM-DD; got "2026-02-30"\.$/,
            ),
            path: ['rateCard'],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', serviceName: 'erp' },
          },
        ],
      },
    });
  });

  it('answers an invalid Date variable with BAD_USER_INPUT at the field', async () => {
    const response = await post({
      query: 'query Lines($on: Date) { rateCard(id: "rc_1") { lines(effectiveOn: $on) { effectiveFrom } } }',
      variables: { on: '26/11/2026' },
    });
    expect(envelope(response)).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { rateCard: null },
        errors: [
          {
            message: expect.stringMatching(
              /^Variable "\$on" got invalid value "26\/11\/2026"; (Expected type "Date"\. )?Date must be a date YYYY-MM-DD; got "26\/11\/2026"\.$/,
            ),
            path: ['rateCard'],
            extensions: { code: 'BAD_USER_INPUT', serviceName: 'erp' },
          },
        ],
      },
    });
  });
});

describe('the rest of the HTTP surface', () => {
  it('serves the IDE at / with a Content-Security-Policy and no CDN', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'",
    );
    expect(page.text).toContain('graphiql');
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script: the CSP forbids it
  });

  it('serves every /ide/ asset the page references, non-empty', async () => {
    const page = await call('/');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toEqual([
      '/ide/graphiql.min.css',
      '/ide/react.production.min.js',
      '/ide/react-dom.production.min.js',
      '/ide/graphiql.min.js',
      '/ide/init.js',
    ]);
    for (const asset of assets) {
      const response = await call(asset!);
      expect({ asset, status: response.status, type: response.headers.get('content-type') }).toEqual({
        asset,
        status: 200,
        type: asset!.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      });
      expect(response.text.length).toBeGreaterThan(asset === '/ide/init.js' ? 100 : 1000);
    }
  });

  it('answers a POST to the IDE with 405 and Allow: GET, HEAD', async () => {
    const response = await call('/', { method: 'POST', body: 'x' });
    expect(envelope(response)).toEqual(requestError(405, 'METHOD_NOT_ALLOWED', 'Use GET.', JSON_RESPONSE));
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers /health/live with 200 live', async () => {
    expect(envelope(await call('/health/live'))).toEqual({ status: 200, contentType: JSON_RESPONSE, body: { status: 'live' } });
  });

  it('answers /health/ready with 200 and every subgraph store checked', async () => {
    expect(envelope(await call('/health/ready'))).toEqual({
      status: 200,
      contentType: JSON_RESPONSE,
      body: {
        status: 'ready',
        checks: { crm: true, psa: true, erp: true, integration: true },
        // The supergraphs serving (the registry's first composition, and the partner contract's), reported
        // without deciding readiness (docs/registry.md#hot-reload).
        details: {
          supergraph: { id: 'main#1', loadedAt: expect.any(String), lastError: null },
          contracts: { partner: { id: 'partner#1', loadedAt: expect.any(String), lastError: null } },
        },
      },
    });
  });

  it('answers an unknown path with 404 NOT_FOUND', async () => {
    expect(envelope(await call('/graphiql'))).toEqual(
      requestError(404, 'NOT_FOUND', 'No route for /graphiql. The GraphQL endpoint is /graphql.', JSON_RESPONSE),
    );
    expect(envelope(await call('/graphql/extra'))).toEqual(
      requestError(404, 'NOT_FOUND', 'No route for /graphql/extra. The GraphQL endpoint is /graphql.', JSON_RESPONSE),
    );
  });

  it('gives every response a fresh request id, and echoes a safe one the caller sent', async () => {
    const first = await call('/health/live');
    const second = await post({ query: '{ nope }' });
    const third = await call('/nope');
    for (const response of [first, second, third]) expect(response.headers.get('x-request-id')).toMatch(UUID);
    expect(new Set([first, second, third].map((response) => response.headers.get('x-request-id'))).size).toBe(3);

    const echoed = await post({ query: '{ __typename }' }, { 'x-request-id': 'client-42.retry:1_a-b' });
    expect(echoed.headers.get('x-request-id')).toBe('client-42.retry:1_a-b');
    const onError = await post('{ broken', { 'x-request-id': 'client-43' });
    expect(onError.headers.get('x-request-id')).toBe('client-43');
  });

  it('replaces an unsafe or oversized caller request id with its own', async () => {
    for (const unsafe of ['has spaces', 'semi;colon', 'x'.repeat(129), '"quoted"']) {
      const response = await post({ query: '{ __typename }' }, { 'x-request-id': unsafe });
      expect(response.headers.get('x-request-id')).toMatch(UUID);
    }
  });
});
