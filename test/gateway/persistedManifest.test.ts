/**
 * The persisted-operation manifest and its configuration (docs/persisted-operations.md#manifest):
 * parsing and id verification, the file a gateway refuses to start with, the variables, and the
 * safelist lookup per client (a property over random manifests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readPersistedOperationsConfig } from '../../core/config/persistedOperations.ts';
import { ManifestError, parseManifest, sha256Hex } from '../../core/persistedManifest.ts';
import { loadManifestFile } from '../../gateway/persisted/loadManifestFile.ts';
import { buildSafelist } from '../../gateway/persisted/safelist.ts';
import { startTestTessera } from '../harness/startTestTessera.ts';

const BODY = 'query Projects { projects(first: 1) { totalCount } }';
const OTHER = 'query Accounts { accounts(first: 1) { totalCount } }';
const entry = (body: string, extra: Record<string, unknown> = {}) => ({
  id: sha256Hex(body),
  name: body.split(' ')[1],
  type: 'query',
  body,
  ...extra,
});
const manifest = (...operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
const refusal = (raw: unknown) => {
  try {
    parseManifest(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('parseManifest accepted it');
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-manifest-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('parseManifest', () => {
  it('reads Apollo’s format, with an optional clients list per operation (duplicates dropped)', () => {
    expect(parseManifest(manifest(entry(BODY), entry(OTHER, { clients: ['a', 'b', 'a'] })))).toEqual({
      operations: [
        { id: sha256Hex(BODY), name: 'Projects', type: 'query', body: BODY, clients: null },
        { id: sha256Hex(OTHER), name: 'Accounts', type: 'query', body: OTHER, clients: ['a', 'b'] },
      ],
    });
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses an id that is not the SHA-256 of the body, naming the operation and both hashes', () => {
    expect(refusal(manifest(entry(BODY), { ...entry(OTHER), id: sha256Hex(BODY + ' ') }))).toBe(
      `operation 1 (Accounts): the id ${sha256Hex(BODY + ' ')} is not the SHA-256 of its body (${sha256Hex(OTHER)})`,
    );
    expect(refusal(manifest({ ...entry(BODY), id: sha256Hex(BODY).toUpperCase() }))).toBe(
      'operation 0 (Projects): "id" must be the lower-case hex SHA-256 of the body',
    );
  });

  it('refuses what is not the format, naming the problem', () => {
    expect(refusal([])).toBe('a manifest is a JSON object');
    expect(refusal({ ...manifest(), format: 'persisted-queries' })).toBe(
      '"format" must be "apollo-persisted-query-manifest"; got "persisted-queries"',
    );
    expect(refusal({ ...manifest(), version: 2 })).toBe('"version" must be 1; got 2');
    expect(refusal({ format: 'apollo-persisted-query-manifest', version: 1 })).toBe('"operations" must be an array');
    expect(refusal(manifest(entry(BODY), entry(BODY)))).toBe(`operation 1 (Projects): the id ${sha256Hex(BODY)} is listed twice`);
    expect(refusal(manifest({ ...entry(BODY), type: 'fragment' }))).toBe(
      'operation 0 (Projects): "type" must be one of query, mutation, subscription; got "fragment"',
    );
    expect(refusal(manifest({ ...entry(BODY), name: '' }))).toBe('operation 0: "name" must be a non-empty string');
    expect(refusal(manifest({ ...entry(BODY), body: ' ' }))).toBe('operation 0 (Projects): "body" must be a GraphQL document');
    expect(refusal(manifest(entry(BODY, { clients: [] })))).toBe(
      'operation 0 (Projects): "clients" must be a non-empty array of client ids (omit it for every client)',
    );
    expect(refusal(manifest('x'))).toBe('operation 0 must be an object with id, name, type and body');
  });
});

describe('the manifest file', () => {
  it('is read and verified, or refused naming the variable, the file and the problem', () => {
    const good = path.join(dir, 'good.json');
    fs.writeFileSync(good, JSON.stringify(manifest(entry(BODY))));
    expect(loadManifestFile(good).operations.map((operation) => operation.name)).toEqual(['Projects']);
    const missing = path.join(dir, 'missing.json');
    expect(() => loadManifestFile(missing)).toThrow(`TESSERA_PERSISTED_OPERATIONS_FILE (${missing}) cannot be read: ENOENT`);
    const text = path.join(dir, 'text.json');
    fs.writeFileSync(text, 'operations:');
    expect(() => loadManifestFile(text)).toThrow(`TESSERA_PERSISTED_OPERATIONS_FILE (${text}) is not valid JSON`);
  });

  it('stops the gateway’s start when an id does not match its body', async () => {
    const forged = path.join(dir, 'forged.json');
    fs.writeFileSync(forged, JSON.stringify(manifest({ ...entry(BODY), id: sha256Hex(OTHER) })));
    await expect(
      startTestTessera({
        scale: 'none',
        config: { persistedOperations: { file: forged, required: { kind: 'off' }, apq: false, apqCacheSize: 1 } },
      }),
    ).rejects.toThrow(
      `TESSERA_PERSISTED_OPERATIONS_FILE (${forged}): operation 0 (Projects): the id ${sha256Hex(OTHER)} is not the SHA-256 of its body (${sha256Hex(BODY)})`,
    );
  });
});

describe('readPersistedOperationsConfig', () => {
  it('defaults: APQ on and nobody required in development; APQ off and partners required in production', () => {
    expect(readPersistedOperationsConfig({}, 'development', '/srv')).toEqual({
      file: undefined,
      required: { kind: 'off' },
      apq: true,
      apqCacheSize: 1000,
    });
    expect(readPersistedOperationsConfig({}, 'production', '/srv')).toEqual({
      file: undefined,
      required: { kind: 'some', clients: [], partners: true },
      apq: false,
      apqCacheSize: 1000,
    });
  });

  it('reads every variable', () => {
    const env = {
      TESSERA_PERSISTED_OPERATIONS_FILE: 'ops/manifest.json',
      TESSERA_PERSISTED_OPERATIONS_REQUIRED: 'portal, partners,mobile,portal',
      TESSERA_APQ: 'on',
      TESSERA_APQ_CACHE_SIZE: '250',
    };
    expect(readPersistedOperationsConfig(env, 'production', '/srv')).toEqual({
      file: '/srv/ops/manifest.json',
      required: { kind: 'some', clients: ['portal', 'mobile'], partners: true },
      apq: true,
      apqCacheSize: 250,
    });
    expect(readPersistedOperationsConfig({ TESSERA_PERSISTED_OPERATIONS_REQUIRED: 'all' }, 'development').required).toEqual({
      kind: 'all',
    });
    expect(readPersistedOperationsConfig({ TESSERA_PERSISTED_OPERATIONS_REQUIRED: 'off' }, 'production').required).toEqual({ kind: 'off' });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => readPersistedOperationsConfig({ TESSERA_APQ: 'yes' }, 'development')).toThrow('TESSERA_APQ must be on or off; got "yes"');
    expect(() => readPersistedOperationsConfig({ TESSERA_APQ_CACHE_SIZE: '0' }, 'development')).toThrow(
      'TESSERA_APQ_CACHE_SIZE must be a whole number from 1 to 9999999; got "0"',
    );
    expect(() => readPersistedOperationsConfig({ TESSERA_PERSISTED_OPERATIONS_REQUIRED: 'a,,b' }, 'development')).toThrow(
      'TESSERA_PERSISTED_OPERATIONS_REQUIRED must be off, all, or a comma-separated list of client ids and/or partners; got ""',
    );
    expect(() => readPersistedOperationsConfig({ TESSERA_PERSISTED_OPERATIONS_REQUIRED: 'a,all' }, 'development')).toThrow('got "all"');
  });
});

describe('buildSafelist', () => {
  it('finds an operation for a client exactly when some manifest lists it for every client or for that client', () => {
    const client = fc.constantFrom('a', 'b', 'c');
    const scope = fc.option(fc.uniqueArray(client, { minLength: 1 }), { nil: null });
    const source = fc.record({
      client: fc.option(client, { nil: null }),
      ops: fc.array(fc.record({ body: fc.constantFrom(BODY, OTHER, '{ x }'), clients: scope }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(source, { maxLength: 4 }), client, (sources, asker) => {
        const manifests = sources.map(({ client: owner, ops }) => {
          const unique = [...new Map(ops.map((op) => [op.body, op])).values()];
          return {
            client: owner,
            manifest: {
              operations: unique.map(({ body, clients }) => ({ id: sha256Hex(body), name: 'n', type: 'query' as const, body, clients })),
            },
          };
        });
        const safelist = buildSafelist(manifests);
        for (const body of [BODY, OTHER, '{ x }']) {
          const allowed = manifests.some(({ client: owner, manifest: m }) =>
            m.operations.some(
              (operation) =>
                operation.body === body &&
                (owner !== null ? owner === asker : operation.clients === null || operation.clients.includes(asker)),
            ),
          );
          expect(safelist.find(sha256Hex(body), asker)).toBe(allowed ? body : undefined);
        }
        const any = manifests.some(({ client: owner, manifest: m }) =>
          m.operations.some((operation) =>
            owner !== null ? owner === asker : operation.clients === null || operation.clients.includes(asker),
          ),
        );
        expect(safelist.hasAny(asker)).toBe(any);
      }),
      { numRuns: 300 },
    );
  });
});
