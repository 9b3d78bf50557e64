/**
 * Persisted operations through the whole embedded gateway (docs/persisted-operations.md): a
 * safelisted operation by hash or documentId, per-client safelists, clients required to use them,
 * APQ (not found, register, hash only; a wrong hash; the bounded cache), and APQ off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { sha256Hex } from '../../core/persistedManifest.ts';
import { FULL_ACCESS, startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const PROJECTS = 'query Projects { projects(first: 2) { totalCount nodes { code name customer { name } } } }';
const ACCOUNTS = 'query Accounts { accounts(first: 1) { totalCount } }';
const ONLY_OTHER = 'query OtherOnly { projects(first: 1) { totalCount } }';
const FREE = '{ projects(first: 1) { nodes { code } } }';
const MUTATION = 'mutation Touch { __typename }';
const EXTRA = 'query Extra { accounts(first: 2) { nodes { name } } }';

const op = (name: string, body: string, clients?: string[]) => ({
  id: sha256Hex(body),
  name,
  type: 'query',
  body,
  ...(clients ? { clients } : {}),
});
const manifest = {
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: [op('Projects', PROJECTS), op('OtherOnly', ONLY_OTHER, ['other-app']), { ...op('Touch', MUTATION), type: 'mutation' }],
};
const persistedQuery = (body: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(body) } });

const NOT_FOUND = {
  status: 200,
  body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] },
};
const notAllowed = (client: string) => ({
  status: 403,
  body: {
    errors: [
      {
        message: `The client "${client}" may run only its persisted operations: send the id of a safelisted operation.`,
        extensions: { code: 'OPERATION_NOT_ALLOWED' },
      },
    ],
  },
});

let dir: string;
let tessera: TestTessera;
let strict: TestTessera;
const bearer = async (instance: TestTessera, claims: Partial<PrincipalClaims>) => ({
  authorization: `Bearer ${await instance.token({ ...FULL_ACCESS, ...claims })}`,
});
const send = async (instance: TestTessera, body: unknown, headers: Record<string, string> = {}) => {
  const { status, body: result, headers: responseHeaders } = await instance.request(body, headers);
  return { status, body: result, cacheControl: responseHeaders.get('cache-control') };
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-persisted-'));
  const file = path.join(dir, 'manifest.json');
  fs.writeFileSync(file, JSON.stringify(manifest));
  [tessera, strict] = await Promise.all([
    startTestTessera({
      config: {
        persistedOperations: { file, required: { kind: 'some', clients: ['locked-app'], partners: false }, apq: true, apqCacheSize: 2 },
      },
    }),
    startTestTessera({
      scale: 'none',
      config: {
        persistedOperations: { file: undefined, required: { kind: 'some', clients: [], partners: true }, apq: false, apqCacheSize: 10 },
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([tessera?.stop(), strict?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('safelisted operations', () => {
  it('answers an operation by its hash with exactly the data its full text gets', async () => {
    const full = await send(tessera, { query: PROJECTS });
    expect(full.status).toBe(200);
    expect(full.body.errors).toBeUndefined();
    expect((full.body.data as { projects: { nodes: unknown[] } }).projects.nodes).toHaveLength(2);
    expect(await send(tessera, { extensions: persistedQuery(PROJECTS) })).toEqual({ ...full, cacheControl: full.cacheControl });
    expect(await send(tessera, { documentId: `sha256:${sha256Hex(PROJECTS)}` })).toEqual(full);
    const locked = await bearer(tessera, { client_id: 'locked-app' });
    expect(await send(tessera, { extensions: persistedQuery(PROJECTS) }, locked)).toEqual(full);
  });

  it('serves a hash over GET too, and still refuses a mutation over GET', async () => {
    const search = new URLSearchParams({ extensions: JSON.stringify(persistedQuery(PROJECTS)) });
    const response = await fetch(`${tessera.url}?${search}`, {
      headers: { accept: 'application/graphql-response+json', ...(await bearer(tessera, {})) },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown };
    expect(body).toEqual((await send(tessera, { query: PROJECTS })).body);

    const mutation = new URLSearchParams({ extensions: JSON.stringify(persistedQuery(MUTATION)) });
    const refused = await fetch(`${tessera.url}?${mutation}`, {
      headers: { accept: 'application/graphql-response+json', ...(await bearer(tessera, {})) },
    });
    expect({ status: refused.status, allow: refused.headers.get('allow'), body: await refused.json() }).toEqual({
      status: 405,
      allow: 'POST',
      body: {
        errors: [
          {
            message: 'GET requests only run queries; send mutation operations with POST.',
            extensions: { code: 'METHOD_NOT_ALLOWED' },
          },
        ],
      },
    });
  });

  it('answers an unknown hash PERSISTED_QUERY_NOT_FOUND (HTTP 200, as Apollo clients expect) and an unknown documentId the same', async () => {
    const unknown = '0'.repeat(64);
    expect(await send(tessera, { extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } })).toEqual({
      ...NOT_FOUND,
      cacheControl: 'private, no-cache, must-revalidate',
    });
    expect(await send(tessera, { documentId: `sha256:${unknown}` })).toEqual({
      ...NOT_FOUND,
      cacheControl: 'private, no-cache, must-revalidate',
    });
  });

  it('keeps an operation listed for some clients from every other client', async () => {
    expect((await send(tessera, { extensions: persistedQuery(ONLY_OTHER) })).body).toEqual(NOT_FOUND.body);
    const other = await send(tessera, { extensions: persistedQuery(ONLY_OTHER) }, await bearer(tessera, { client_id: 'other-app' }));
    expect(other).toMatchObject({ status: 200, body: { data: { projects: { totalCount: expect.any(Number) } } } });
  });

  it('refuses malformed persisted-query parameters with BAD_REQUEST', async () => {
    const bad = async (body: unknown) => {
      const { status, body: result } = await send(tessera, body);
      return { status, code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message };
    };
    expect(await bad({ extensions: { persistedQuery: { version: 2, sha256Hash: sha256Hex(PROJECTS) } } })).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'Unsupported persisted query version: send version 1.',
    });
    expect(await bad({ extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } })).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'The persistedQuery sha256Hash must be 64 lower-case hex digits.',
    });
    expect(await bad({ documentId: 'md5:abc' })).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'The documentId must be sha256:<64 lower-case hex digits>.',
    });
    expect(await bad({ documentId: `sha256:${sha256Hex(PROJECTS)}`, query: PROJECTS })).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'Send either query or documentId, not both.',
    });
  });
});

describe('a client required to use persisted operations', () => {
  it('is refused free text with OPERATION_NOT_ALLOWED (403) before anything runs', async () => {
    const locked = await bearer(tessera, { client_id: 'locked-app' });
    expect(await send(tessera, { query: FREE }, locked)).toEqual({ ...notAllowed('locked-app'), cacheControl: null });
    // Other clients are not affected.
    expect((await send(tessera, { query: FREE })).status).toBe(200);
  });

  it('may send the exact text of a safelisted operation', async () => {
    const locked = await bearer(tessera, { client_id: 'locked-app' });
    const answer = await send(tessera, { query: PROJECTS }, locked);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('cannot run an operation another client registered through APQ, nor register one', async () => {
    expect((await send(tessera, { query: ACCOUNTS, extensions: persistedQuery(ACCOUNTS) })).status).toBe(200);
    const locked = await bearer(tessera, { client_id: 'locked-app' });
    expect((await send(tessera, { extensions: persistedQuery(ACCOUNTS) }, locked)).body).toEqual(notAllowed('locked-app').body);
    expect((await send(tessera, { query: ACCOUNTS, extensions: persistedQuery(ACCOUNTS) }, locked)).status).toBe(403);
  });

  it('is every partner token by default in production (partners), while internal tokens send free text', async () => {
    const partner = await bearer(strict, { client_id: 'acme-portal', partner_accounts: [] });
    expect((await send(strict, { query: FREE }, partner)).body).toEqual(notAllowed('acme-portal').body);
    expect((await send(strict, { query: FREE })).status).toBe(200);
  });
});

describe('metrics', () => {
  const scrape = async (instance: TestTessera) => {
    const text = await (await fetch(instance.url.replace(/\/graphql$/, '/metrics'))).text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${series} `))
          ?.split(' ')[1] ?? 0,
      );
    return value;
  };

  it('counts each outcome and reports how many operations are safelisted', async () => {
    const before = await scrape(tessera);
    await send(tessera, { extensions: { persistedQuery: { version: 1, sha256Hash: '1'.repeat(64) } } });
    await send(tessera, { extensions: persistedQuery(PROJECTS) });
    await send(tessera, { query: FREE }, await bearer(tessera, { client_id: 'locked-app' }));
    const after = await scrape(tessera);
    const delta = (outcome: string) => {
      const series = `tessera_persisted_operations_total{outcome="${outcome}"}`;
      return after(series) - before(series);
    };
    expect([delta('not_found'), delta('safelist'), delta('not_allowed')]).toEqual([1, 1, 1]);
    expect(after('tessera_persisted_operations_safelisted')).toBe(3);
  });
});

describe('automatic persisted queries', () => {
  it('round trip: not found, registered with the text, then the hash alone answers', async () => {
    const hashOnly = { extensions: persistedQuery(EXTRA) };
    expect((await send(tessera, hashOnly)).body).toEqual(NOT_FOUND.body);
    const registered = await send(tessera, { query: EXTRA, extensions: persistedQuery(EXTRA) });
    expect(registered.status).toBe(200);
    expect(registered.body.errors).toBeUndefined();
    expect(await send(tessera, hashOnly)).toEqual(registered);
  });

  it('refuses a hash that is not the text’s SHA-256 (400 BAD_REQUEST) and registers nothing', async () => {
    const wrong = await send(tessera, { query: FREE, extensions: persistedQuery(EXTRA + ' ') });
    expect(wrong).toEqual({
      status: 400,
      body: { errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] },
      cacheControl: null,
    });
    expect((await send(tessera, { extensions: persistedQuery(EXTRA + ' ') })).body).toEqual(NOT_FOUND.body);
  });

  it('keeps at most TESSERA_APQ_CACHE_SIZE operations, forgetting the least recently used', async () => {
    const bodies = [
      'query A { accounts(first: 1) { totalCount } }',
      'query B { accounts(first: 3) { totalCount } }',
      'query C { accounts(first: 4) { totalCount } }',
    ];
    for (const body of bodies) expect((await send(tessera, { query: body, extensions: persistedQuery(body) })).status).toBe(200);
    expect((await send(tessera, { extensions: persistedQuery(bodies[0]!) })).body).toEqual(NOT_FOUND.body);
    expect((await send(tessera, { extensions: persistedQuery(bodies[2]!) })).body.errors).toBeUndefined();
  });

  it('with APQ off, a hash-only request is PERSISTED_QUERY_NOT_SUPPORTED and hash plus text simply runs', async () => {
    const hashOnly = await send(strict, { extensions: persistedQuery(EXTRA) });
    expect(hashOnly).toEqual({
      status: 400,
      body: { errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] },
      cacheControl: 'private, no-cache, must-revalidate',
    });
    expect((await send(strict, { query: EXTRA, extensions: persistedQuery(EXTRA) })).status).toBe(200);
    expect((await send(strict, { extensions: persistedQuery(EXTRA) })).status).toBe(400);
  });
});
