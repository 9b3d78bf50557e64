/**
 * What a production gateway shows of itself (issue 11, production defaults): with introspection
 * and the IDE off (their production defaults), a client learns the schema neither by asking
 * (`__schema`), nor by guessing (no "Did you mean" in validation errors), nor from the IDE.
 * A development gateway beside it shows all three, so the difference is the configuration's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

let hidden: TestTessera;
let shown: TestTessera;

beforeAll(async () => {
  [hidden, shown] = await Promise.all([
    startTestTessera({ scale: 'none', config: { introspection: false, ide: false } }),
    startTestTessera({ scale: 'none' }),
  ]);
});
afterAll(() => Promise.all([hidden?.stop(), shown?.stop()]));

const INTROSPECTION = '{ __schema { queryType { name } } }';
const MISSPELT = '{ opportunitie { id } }';

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

describe('the development defaults beside it', () => {
  it('answers introspection, suggests the field and serves the IDE', async () => {
    expect(await shown.query(INTROSPECTION)).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const misspelt = await shown.request({ query: MISSPELT });
    expect(misspelt.body.errors?.[0]?.message).toMatch(
      /^Cannot query field "opportunitie" on type "Query"\. Did you mean .*"opportunities"/,
    );
    expect((await fetch(new URL(shown.url).origin + '/')).status).toBe(200);
  });
});
