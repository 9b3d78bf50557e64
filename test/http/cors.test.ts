/**
 * CORS, deny by default (issue 11: a browser preflight got 405). With `TESSERA_CORS_ORIGINS` unset no
 * response carries a CORS header, so a browser page of another origin is refused; with a list, only
 * those exact origins get `access-control-allow-origin`, on `/graphql` and the contracts. A preflight
 * never answers 405: it is 204, and the headers decide what the browser does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const APP = 'https://app.example.com';
const OTHER = 'https://evil.example.com';

let open: TestTessera;
let closed: TestTessera;

beforeAll(async () => {
  [open, closed] = await Promise.all([
    startTestTessera({ scale: 'none', config: { corsOrigins: [APP, 'http://localhost:5173'] } }),
    startTestTessera({ scale: 'none' }),
  ]);
});
afterAll(() => Promise.all([open?.stop(), closed?.stop()]));

const PREFLIGHT_HEADERS = {
  'access-control-allow-origin': APP,
  vary: 'origin',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, authorization, idempotency-key, x-request-id, x-correlation-id, traceparent, apollographql-client-name',
  'access-control-max-age': '600',
};

const CORS_HEADER_NAMES = [
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-allow-credentials',
];

/** The headers a browser sends before a cross-origin JSON POST with a bearer token. */
function preflight(gateway: TestTessera, path: string, origin: string): Promise<Response> {
  return fetch(new URL(path, gateway.url), {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
}

function corsHeadersOf(response: { readonly headers: Headers }): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => CORS_HEADER_NAMES.includes(name) || name === 'vary'));
}

describe('CORS with an allow list', () => {
  it.each(['/graphql', '/contracts/partner/graphql'])(
    'answers a preflight to %s from an allowed origin with 204 and every allow header',
    async (path) => {
      const response = await preflight(open, path, APP);
      expect(response.status).toBe(204);
      expect(corsHeadersOf(response)).toEqual(PREFLIGHT_HEADERS);
      expect(await response.text()).toBe('');
    },
  );

  it('answers the allowed origin exactly, not the first one listed', async () => {
    const response = await preflight(open, '/graphql', 'http://localhost:5173');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('lets the allowed origin read the actual answer, errors included', async () => {
    const ok = await open.request({ query: '{ __typename }' }, { origin: APP });
    expect([ok.status, ok.headers.get('access-control-allow-origin'), ok.headers.get('vary')]).toEqual([200, APP, 'origin']);
    expect(ok.headers.get('access-control-allow-methods')).toBeNull();
    // What a page may read of the answer: the request id, the rate limit, a capability's deprecation and sunset.
    expect(ok.headers.get('access-control-expose-headers')).toBe(
      'x-request-id, ratelimit, ratelimit-policy, retry-after, deprecation, sunset',
    );
    const refused = await open.request({ query: '{ nope }' }, { origin: APP });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([400, APP]);
  });

  it.each([OTHER, 'https://app.example.com.evil.example', 'http://app.example.com', 'null'])(
    'refuses %s: a 204 preflight and an answer without any allow header',
    async (origin) => {
      const response = await preflight(open, '/graphql', origin);
      expect(response.status).toBe(204);
      expect(corsHeadersOf(response)).toEqual({ vary: 'origin' });
      const actual = await open.request({ query: '{ __typename }' }, { origin });
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('adds nothing to routes that are not GraphQL', async () => {
    const response = await fetch(new URL('/health/live', open.url), { headers: { origin: APP } });
    expect(corsHeadersOf(response)).toEqual({});
  });
});

describe('CORS unset', () => {
  it.each(['/graphql', '/contracts/partner/graphql'])('answers a preflight to %s with 204 and no CORS header at all', async (path) => {
    const response = await preflight(closed, path, APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expect(corsHeadersOf(response)).toEqual({});
  });

  it('answers a cross-origin request without any CORS header, so the browser refuses it', async () => {
    const response = await closed.request({ query: '{ __typename }' }, { origin: APP });
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({});
  });
});
