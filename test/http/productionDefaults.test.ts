/**
 * The production defaults of issue 11, end to end (README "Running in production",
 * docs/production.md). A gateway started with the configuration `TESSERA_ENV=production` loads
 * from a minimal production environment shows no schema (no introspection, no "Did you mean", no
 * IDE), seeds nothing, serves /metrics only with its token, sends no CORS allowance, gives no token
 * hint and calls nowhere else; and the configuration refuses the unsafe settings: a weak secret, an
 * http subgraph URL, 0.0.0.0, an unknown variable, no metrics token. A development gateway beside
 * it shows what the defaults turn off, so the difference is the configuration's.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { DEVELOPMENT_TOKEN_HINT } from '../../gateway/http/tokenHint.ts';
import { watchOutboundCalls } from '../harness/outboundCalls.ts';
import { startTestTessera, type GraphQLBody, type TestTessera } from '../harness/startTestTessera.ts';
import { PRODUCTION_ENV as PRODUCTION } from '../harness/productionEnv.ts';

const production = loadConfig(PRODUCTION, '/srv/tessera');

/**
 * The production configuration's defaults on the test instance. Its signing key stays the
 * harness's development key (the JWKS above is not served here): tokens are how the test calls it.
 */
const PRODUCTION_DEFAULTS: Partial<TesseraConfig> = {
  env: production.env,
  introspection: production.introspection,
  ide: production.ide,
  seedScale: production.seedScale,
  metricsToken: production.metricsToken,
  corsOrigins: production.corsOrigins,
};

let hidden: TestTessera;
let shown: TestTessera;
let outbound: string[];
const APOLLO = { APOLLO_KEY: process.env.APOLLO_KEY, APOLLO_GRAPH_REF: process.env.APOLLO_GRAPH_REF };

beforeAll(async () => {
  // With these set, an Apollo Server left to its defaults reports usage to Apollo's cloud.
  process.env.APOLLO_KEY = 'service:tessera:not-a-real-key';
  process.env.APOLLO_GRAPH_REF = 'tessera@production';
  ({ outbound } = watchOutboundCalls());
  [hidden, shown] = await Promise.all([
    startTestTessera({ scale: production.seedScale, config: PRODUCTION_DEFAULTS }),
    startTestTessera({ scale: 'none' }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([hidden?.stop(), shown?.stop()]);
  vi.restoreAllMocks();
  for (const [key, value] of Object.entries(APOLLO)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** A response's `data` and `errors`: its `extensions` (the cost report) are not this file's concern. */
function answer(body: GraphQLBody): GraphQLBody {
  const { extensions: _, ...rest } = body as GraphQLBody & { extensions?: unknown };
  return rest;
}

const INTROSPECTION = '{ __schema { queryType { name } } }';
const MISSPELT = '{ opportunitie { id } }';

describe('the defaults production loads', () => {
  it('are: introspection, suggestions and the IDE off, no seeding, /metrics behind its token, no CORS origin', () => {
    expect(PRODUCTION_DEFAULTS).toEqual({
      env: 'production',
      introspection: false,
      ide: false,
      seedScale: 'none',
      metricsToken: expect.objectContaining({ reveal: expect.any(Function) }),
      corsOrigins: [],
    });
    expect(production.metricsToken?.reveal()).toBe(PRODUCTION.TESSERA_METRICS_TOKEN);
  });
});

describe('introspection, suggestions and the IDE off', () => {
  it('refuses introspection as a validation error', async () => {
    const response = await hidden.request({ query: INTROSPECTION });
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('introspection is not allowed'),
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });

  it('names the unknown field without suggesting the real one', async () => {
    const response = await hidden.request({ query: MISSPELT });
    expect(response.status).toBe(400);
    expect(response.body.errors?.map((error) => error.message)).toEqual(['Cannot query field "opportunitie" on type "Query".']);
  });

  it('serves no IDE: / and its assets are unknown routes', async () => {
    const origin = new URL(hidden.url).origin;
    for (const path of ['/', '/ide/init.js', '/ide/graphiql.min.js']) {
      expect({ path, status: (await fetch(`${origin}${path}`)).status }).toEqual({ path, status: 404 });
    }
  });
});

describe('the rest of the running defaults', () => {
  it('seeds nothing into the empty store', async () => {
    expect(answer(await hidden.query('{ legalEntities { code } projects(first: 1) { totalCount } }'))).toEqual({
      data: { legalEntities: [], projects: { totalCount: 0 } },
    });
  });

  it('serves /metrics only with its token', async () => {
    const metrics = new URL('/metrics', hidden.url);
    expect((await fetch(metrics)).status).toBe(401);
    const scraped = await fetch(metrics, { headers: { authorization: `Bearer ${PRODUCTION.TESSERA_METRICS_TOKEN}` } });
    expect([scraped.status, (await scraped.text()).includes('tessera_http_requests_total')]).toEqual([200, true]);
  });

  it('allows no browser origin: a preflight gets no access-control-allow-origin', async () => {
    const preflight = await fetch(hidden.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers UNAUTHENTICATED without the development hint', async () => {
    const response = await hidden.request({ query: '{ projects(first: 1) { totalCount } }' }, { authorization: null });
    expect(response.status).toBe(200);
    expect(answer(response.body)).toEqual({
      data: { projects: null },
      errors: [
        {
          message: expect.stringMatching(/^Authentication is required to read Query\.projects/),
          path: ['projects'],
          extensions: { code: 'UNAUTHENTICATED', coordinate: 'Query.projects', reason: expect.any(String) },
        },
      ],
    });
  });

  it('calls nowhere but this machine, with APOLLO_KEY and APOLLO_GRAPH_REF set (Apollo reporting off)', async () => {
    await hidden.query('{ legalEntities { code } }');
    expect(outbound).toEqual([]);
  });
});

describe('the development defaults beside it', () => {
  it('answers introspection, suggests the field and serves the IDE', async () => {
    expect(answer(await shown.query(INTROSPECTION))).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const misspelt = await shown.request({ query: MISSPELT });
    expect(misspelt.body.errors?.[0]?.message).toMatch(
      /^Cannot query field "opportunitie" on type "Query"\. Did you mean .*"opportunities"/,
    );
    expect((await fetch(new URL(shown.url).origin + '/')).status).toBe(200);
  });

  it('says how to get a token when one is needed: on a field, and on a refused token', async () => {
    const anonymous = await shown.request({ query: '{ projects(first: 1) { totalCount } }' }, { authorization: null });
    expect(anonymous.body.errors).toEqual([
      expect.objectContaining({
        path: ['projects'],
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', hint: DEVELOPMENT_TOKEN_HINT }),
      }),
    ]);
    const refused = await shown.request({ query: '{ __typename }' }, { authorization: 'Bearer not.a.token' });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      errors: [
        {
          message: expect.stringMatching(/^The bearer token was refused/),
          extensions: { code: 'UNAUTHENTICATED', hint: DEVELOPMENT_TOKEN_HINT },
        },
      ],
    });
    expect(DEVELOPMENT_TOKEN_HINT).toContain('npm run token -- --sub alice --scope "crm:read psa:read"');
  });
});

describe('what production refuses at start (a TypeError naming the variable)', () => {
  it.each([
    [
      'a weak internal secret',
      { TESSERA_INTERNAL_SECRET: 'a'.repeat(32) },
      'TESSERA_INTERNAL_SECRET is too weak for TESSERA_ENV=production: it must have at least 10 distinct characters; it has 1 (generate one with `openssl rand -base64 32`)',
    ],
    [
      'an http subgraph URL',
      { TESSERA_SUBGRAPH_CRM_URL: 'http://crm.internal:4001/graphql' },
      'TESSERA_SUBGRAPH_CRM_URL must be an https:// URL when TESSERA_ENV=production (got "http://crm.internal:4001/graphql"); set TESSERA_ALLOW_HTTP_SUBGRAPHS=on only where the network itself is protected (mTLS at a sidecar)',
    ],
    [
      '0.0.0.0 as a subgraph host',
      { TESSERA_SUBGRAPH_CRM_URL: 'https://0.0.0.0:4001/graphql', TESSERA_ALLOW_HTTP_SUBGRAPHS: 'on' },
      'TESSERA_SUBGRAPH_CRM_URL names 0.0.0.0, an address to listen on, not one to call: use the host name or address of the service ("https://0.0.0.0:4001/graphql")',
    ],
    [
      'an unknown variable',
      { TESSERA_INTROSPECTON: 'on' },
      'TESSERA_ENV=production refuses unknown TESSERA_* variables: TESSERA_INTROSPECTON is not a Tessera variable and is ignored (did you mean TESSERA_INTROSPECTION?). Remove them or correct their names (README "Configuration").',
    ],
    [
      'no metrics token',
      { TESSERA_METRICS_TOKEN: '' },
      'TESSERA_METRICS_TOKEN is required when TESSERA_ENV=production (the bearer token /metrics requires), or TESSERA_METRICS=public to serve /metrics without one',
    ],
    [
      'the development signing key',
      { TESSERA_AUTH_JWKS_URL: '' },
      'TESSERA_ENV=production refuses the development signing key: set TESSERA_AUTH_JWKS_URL or TESSERA_AUTH_PUBLIC_KEY_FILE',
    ],
  ])('%s', (_, change, message) => {
    expect(() => loadConfig({ ...PRODUCTION, ...change })).toThrow(new TypeError(message));
  });
});
