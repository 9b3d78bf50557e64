/**
 * Safelists through the registry in the embedded mode (docs/persisted-operations.md#through-the-registry):
 * a manifest published through the registry's API is used by the gateway as soon as the publish
 * answers; one that does not validate is refused whole; one published by the CLI on the same store
 * (the embedded registry, or a remote one over HTTP) is picked up; gateways poll with an ETag.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { sha256Hex } from '../../core/persistedManifest.ts';
import { runRegistryCli } from '../../registry/cli/main.ts';
import { FULL_ACCESS, startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { tempSqliteStore, type TempStore } from '../harness/tempDatabase.ts';

const PROJECTS = 'query Projects { projects(first: 2) { totalCount nodes { code name } } }';
const ACCOUNTS = 'query Accounts { accounts(first: 1) { totalCount } }';
const CUSTOMERS = 'query Customers { accounts(first: 2) { nodes { name } } }';
const BROKEN = 'query Broken { projects(first: 1) { nodes { codename } } }';

const op = (name: string, body: string) => ({ id: sha256Hex(body), name, type: 'query', body });
const manifest = (...operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
const byHash = (body: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(body) } } });
const NOT_FOUND = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

let store: TempStore;
let dir: string;
let tessera: TestTessera;
let base: string;
let architect: string;
let locked: Record<string, string>;

beforeAll(async () => {
  store = tempSqliteStore();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-manifests-'));
  tessera = await startTestTessera({
    store,
    config: {
      registry: { ...loadConfig({}).registry, pollMs: 25 },
      persistedOperations: {
        file: undefined,
        required: { kind: 'some', clients: ['locked-app'], partners: false },
        apq: true,
        apqCacheSize: 10,
      },
    },
  });
  base = tessera.url.replace(/\/graphql$/, '');
  architect = await tessera.token({ sub: 'ada', scope: 'registry:read registry:write' });
  locked = { authorization: `Bearer ${await tessera.token({ ...FULL_ACCESS, client_id: 'locked-app' })}` };
});
afterAll(async () => {
  await tessera?.stop();
  await store?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A manifest file in the test's folder. */
function manifestFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

async function api(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${base}/registry/api/${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? architect}`, 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), body: text ? (JSON.parse(text) as unknown) : undefined };
}

function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const run = runRegistryCli(argv, {
    config: { ...loadConfig({}), store: store.store },
    declarations: [],
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    logger: createLogger('silent'),
    cwd: process.cwd(),
    osUser: () => 'grace',
  });
  return run.then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
}

describe('safelists through the registry', () => {
  it('serves a manifest published through the API as soon as the publish answers', async () => {
    expect((await tessera.request(byHash(PROJECTS), locked)).body).toEqual(NOT_FOUND);
    const published = await api('manifests/locked-app', { method: 'POST', body: manifest(op('Projects', PROJECTS)) });
    expect(published).toEqual({
      status: 201,
      etag: null,
      body: {
        client: 'locked-app',
        version: 1,
        operations: [op('Projects', PROJECTS)],
        publishedBy: 'ada',
        publishedAt: expect.any(String),
      },
    });
    const answer = await tessera.request(byHash(PROJECTS), locked);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual((await tessera.request({ query: PROJECTS })).body);
    // Only the client it was published for.
    expect((await tessera.request(byHash(PROJECTS))).body).toEqual(NOT_FOUND);
  });

  it('refuses a manifest with an operation that does not validate, and the gateway keeps the one it has', async () => {
    const before = await api('manifests');
    const refused = await api('manifests/locked-app', { method: 'POST', body: manifest(op('Accounts', ACCOUNTS), op('Broken', BROKEN)) });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: {
        code: 'REGISTRY_INVALID_OPERATION',
        message: expect.stringMatching(
          new RegExp(
            `^The operation "Broken" \\(${sha256Hex(BROKEN)}\\) does not validate against supergraph \\d+: Cannot query field "codename" on type "Project"\\.`,
          ),
        ),
      },
    });
    expect(await api('manifests')).toEqual(before);
    expect((await tessera.request(byHash(ACCOUNTS), locked)).body).toEqual(NOT_FOUND);
  });

  it('answers GET manifests with an ETag and 304 when unchanged; writes need registry:write', async () => {
    const first = await api('manifests');
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(first.body).toMatchObject({ etag: first.etag });
    expect(await api('manifests', { headers: { 'if-none-match': first.etag! } })).toEqual({
      status: 304,
      etag: first.etag,
      body: undefined,
    });
    const reader = await tessera.token({ sub: 'rita', scope: 'registry:read' });
    const forbidden = await api('manifests/locked-app', { method: 'POST', body: manifest(), token: reader });
    expect(forbidden).toEqual({
      status: 403,
      etag: null,
      body: { error: { code: 'FORBIDDEN', message: 'This needs the registry:write scope.' } },
    });
  });

  it('picks up a manifest the CLI published on the same store by the next poll', async () => {
    const file = manifestFile('customers.json', manifest(op('Customers', CUSTOMERS)));
    const published = await cli(['manifest', 'publish', '--client', 'locked-app', '--file', file]);
    expect(published).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^published manifest of locked-app v\d+: 1 operation\(s\) \(Customers\) by local:grace at /),
      stderr: '',
    });
    await vi.waitFor(
      async () => {
        const answer = await tessera.request(byHash(CUSTOMERS), locked);
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
      },
      { timeout: 5000 },
    );
    // The new version replaced the client's list: its previous operations are no longer safelisted.
    expect((await tessera.request(byHash(PROJECTS), locked)).body).toEqual(NOT_FOUND);
  });

  it('publishes and lists through a remote registry (--registry URL), refusing a bad id with exit 1', async () => {
    const remote = ['--registry', base, '--token', architect];
    const good = manifestFile('accounts.json', manifest(op('Accounts', ACCOUNTS)));
    const published = await cli(['manifest', 'publish', '--client', 'remote-app', '--file', good, ...remote]);
    expect(published).toMatchObject({ code: 0, stderr: '' });
    expect(published.stdout).toMatch(/^published manifest of remote-app v1: 1 operation\(s\) \(Accounts\) by ada at /);
    const list = await cli(['manifest', 'list', '--json', ...remote]);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { client: string; operations: unknown[] }[]).find(({ client }) => client === 'remote-app')).toEqual({
      client: 'remote-app',
      version: 1,
      operations: [op('Accounts', ACCOUNTS)],
      publishedBy: 'ada',
      publishedAt: expect.any(String),
    });
    const forged = { ...op('Projects', PROJECTS), id: sha256Hex(ACCOUNTS) };
    const file = manifestFile('forged.json', manifest(forged));
    const refused = await cli(['manifest', 'publish', '--client', 'locked-app', '--file', file, '--registry', base, '--token', architect]);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `REGISTRY_INVALID_MANIFEST: The manifest is refused: operation 0 (Projects): the id ${sha256Hex(ACCOUNTS)} is not the SHA-256 of its body (${sha256Hex(PROJECTS)}).\n`,
    });
  });
});
