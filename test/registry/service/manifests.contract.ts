/**
 * The registry's persisted-operation manifests, the same on SQLite and PostgreSQL
 * (docs/persisted-operations.md#through-the-registry): a manifest is validated against the current
 * supergraph, stored per client as its next version with an audit entry, refused whole (nothing
 * stored) when an operation does not validate, and served to gateways with one ETag.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../core/persistedManifest.ts';
import type { ManifestSet } from '../../../registry/manifests.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { registryError } from './publish.contract.ts';
import { ORDERS_V1, T0, USERS_V1, eachRegistry } from './fixtures.ts';

const GET_USER = 'query GetUser($id: ID!) { user(id: $id) { id name } }';
const GET_ORDER = 'query GetOrder($id: ID!) { order(id: $id) { id total } }';
const BAD = 'query Bad { user(id: "1") { id nickname } }';

const operation = (name: string, body: string, type = 'query') => ({ id: sha256Hex(body), name, type, body });
const manifest = (...operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });

export function manifestsContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`registry manifests on ${label}`, () => {
    const open = eachRegistry(makeStore);
    const composed = async () => {
      await open.registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      await open.registry.publish({ subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' });
    };

    it('stores a valid manifest as the client’s next version, audits it, and serves it with an ETag', async () => {
      await composed();
      const { registry } = open;
      const empty = (await registry.manifests()) as ManifestSet;
      expect(empty.manifests).toEqual([]);

      const first = await registry.publishManifest({
        client: 'partner-app',
        manifest: manifest(operation('GetUser', GET_USER)),
        author: 'bob',
      });
      expect(first).toEqual({
        client: 'partner-app',
        version: 1,
        operations: [{ id: sha256Hex(GET_USER), name: 'GetUser', type: 'query', body: GET_USER }],
        publishedBy: 'bob',
        publishedAt: T0,
      });
      const set = (await registry.manifests()) as ManifestSet;
      expect(set.manifests).toEqual([first]);
      expect(set.etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(set.etag).not.toBe(empty.etag);
      expect(await registry.manifests(set.etag)).toBe('not-modified');

      const second = await registry.publishManifest({
        client: 'partner-app',
        manifest: manifest(operation('GetUser', GET_USER), operation('GetOrder', GET_ORDER)),
        author: 'carol',
      });
      expect(second.version).toBe(2);
      const after = (await registry.manifests(set.etag)) as ManifestSet;
      expect(after.manifests).toEqual([second]);
      expect(after.etag).not.toBe(set.etag);

      const [latest] = await registry.audit(1);
      expect(latest).toEqual({
        id: expect.any(Number),
        at: T0,
        actor: 'carol',
        action: 'manifest.publish',
        subgraph: null,
        version: 2,
        detail: 'manifest of client partner-app v2: 2 operation(s), validated against supergraph 2',
      });
    });

    it('keeps each client’s manifest apart', async () => {
      await composed();
      await open.registry.publishManifest({ client: 'b-app', manifest: manifest(operation('GetOrder', GET_ORDER)), author: 'bob' });
      await open.registry.publishManifest({ client: 'a-app', manifest: manifest(operation('GetUser', GET_USER)), author: 'bob' });
      const set = (await open.registry.manifests()) as ManifestSet;
      expect(set.manifests.map(({ client, version, operations }) => [client, version, operations.map((o) => o.name)])).toEqual([
        ['a-app', 1, ['GetUser']],
        ['b-app', 1, ['GetOrder']],
      ]);
    });

    it('refuses an operation that does not validate against the supergraph, naming it, and stores nothing', async () => {
      await composed();
      const before = (await open.registry.manifests()) as ManifestSet;
      const auditBefore = await open.registry.audit(1000);
      const error = await registryError(
        open.registry.publishManifest({
          client: 'partner-app',
          manifest: manifest(operation('GetUser', GET_USER), operation('Bad', BAD)),
          author: 'bob',
        }),
      );
      expect(error.code).toBe('REGISTRY_INVALID_OPERATION');
      expect(error.status).toBe(422);
      expect(error.message).toBe(
        `The operation "Bad" (${sha256Hex(BAD)}) does not validate against supergraph 2: Cannot query field "nickname" on type "User". Did you mean "name"?`,
      );
      const wrongType = await registryError(
        open.registry.publishManifest({
          client: 'partner-app',
          manifest: manifest(operation('GetUser', GET_USER, 'mutation')),
          author: 'bob',
        }),
      );
      expect(wrongType.message).toContain('the document is a query, the manifest says mutation');
      expect(await open.registry.manifests()).toEqual(before);
      expect(await open.registry.audit(1000)).toEqual(auditBefore);
    });

    it('refuses a malformed manifest: an id that is not its body’s SHA-256, per-operation clients, a bad client id', async () => {
      await composed();
      const forged = { ...operation('GetUser', GET_USER), id: sha256Hex(GET_ORDER) };
      const mismatch = await registryError(
        open.registry.publishManifest({ client: 'partner-app', manifest: manifest(forged), author: 'bob' }),
      );
      expect(mismatch.code).toBe('REGISTRY_INVALID_MANIFEST');
      expect(mismatch.status).toBe(400);
      expect(mismatch.message).toBe(
        `The manifest is refused: operation 0 (GetUser): the id ${sha256Hex(GET_ORDER)} is not the SHA-256 of its body (${sha256Hex(GET_USER)}).`,
      );
      const scoped = await registryError(
        open.registry.publishManifest({
          client: 'partner-app',
          manifest: manifest({ ...operation('GetUser', GET_USER), clients: ['x'] }),
          author: 'bob',
        }),
      );
      expect(scoped.code).toBe('REGISTRY_INVALID_MANIFEST');
      const client = await registryError(open.registry.publishManifest({ client: 'no spaces', manifest: manifest(), author: 'bob' }));
      expect(client.code).toBe('REGISTRY_INVALID_MANIFEST');
      const format = await registryError(
        open.registry.publishManifest({ client: 'a', manifest: { format: 'x', version: 1, operations: [] }, author: 'bob' }),
      );
      expect(format.message).toBe('The manifest is refused: "format" must be "apollo-persisted-query-manifest"; got "x".');
      expect(((await open.registry.manifests()) as ManifestSet).manifests).toEqual([]);
    });

    it('refuses a manifest before anything is composed', async () => {
      const error = await registryError(
        open.registry.publishManifest({ client: 'a', manifest: manifest(operation('GetUser', GET_USER)), author: 'bob' }),
      );
      expect(error.code).toBe('REGISTRY_NO_SUPERGRAPH');
    });
  });
}
