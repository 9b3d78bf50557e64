/**
 * The registry service's publish contract, the same on SQLite and PostgreSQL: version numbering,
 * the supergraph and its ETag, an unchanged publish, a refused publish and every bad input, with
 * nothing half-stored.
 */
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../../registry/registryError.ts';
import { sha256 } from '../../../registry/service/rows.ts';
import type { SupergraphArtifact } from '../../../registry/types.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { ORDERS_V1, T0, USERS_V1, USERS_V2, eachRegistry, tableCounts } from './fixtures.ts';

export async function registryError(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

export function publishContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`registry publish on ${label}`, () => {
    const open = eachRegistry(makeStore);

    it('numbers versions per subgraph from 1 and composes a new supergraph on each publish', async () => {
      const { registry } = open;
      const announced: (readonly SupergraphArtifact[])[] = [];
      registry.onPublish((artifacts) => announced.push(artifacts));
      expect(await registry.supergraph()).toBeNull();

      const first = await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice', commit: 'abc123' });
      expect(first.published).toBe(true);
      expect(first.version).toEqual({
        subgraph: 'users',
        version: 1,
        sdl: USERS_V1,
        sdlHash: sha256(USERS_V1),
        url: 'http://users.test/graphql',
        author: 'alice',
        commit: 'abc123',
        publishedAt: T0,
        rolledBackFrom: null,
      });
      expect(first.supergraph).toMatchObject({ contract: null, id: 1, composedAt: T0, subgraphVersions: { users: 1 } });
      expect(first.supergraph.etag).toBe(`"${sha256(first.supergraph.sdl)}"`);
      expect(first.report).toMatchObject({ id: 1, subgraph: 'users', passed: true, baseVersion: null, author: 'alice', checkedAt: T0 });

      open.clock.now = new Date('2026-03-02T10:00:00.000Z');
      const orders = await registry.publish({
        subgraph: 'orders',
        sdl: ORDERS_V1,
        url: 'https://orders.example.com/graphql',
        author: 'bob',
      });
      expect(orders.version).toMatchObject({ subgraph: 'orders', version: 1, url: 'https://orders.example.com/graphql', commit: null });
      expect(orders.supergraph).toMatchObject({ id: 2, subgraphVersions: { users: 1, orders: 1 } });

      const second = await registry.publish({ subgraph: 'users', sdl: USERS_V2, author: 'alice' });
      expect(second.version).toMatchObject({ version: 2, url: 'http://users.test/graphql', publishedAt: '2026-03-02T10:00:00.000Z' });
      expect(second.report).toMatchObject({ id: 3, baseVersion: 1, passed: true });
      expect(second.report.changes.safe.map((change) => change.coordinate)).toEqual(['User.email']);
      expect(second.supergraph).toMatchObject({ id: 3, subgraphVersions: { users: 2, orders: 1 } });
      expect(second.supergraph.sdl).toContain('email: String');

      expect(announced.map((artifacts) => artifacts.map((artifact) => [artifact.contract, artifact.id]))).toEqual([
        [[null, 1]],
        [[null, 2]],
        [[null, 3]],
      ]);
      expect(await registry.subgraphs()).toEqual([
        {
          name: 'users',
          system: null,
          url: 'http://users.test/graphql',
          version: 2,
          publishedAt: '2026-03-02T10:00:00.000Z',
          author: 'alice',
        },
        {
          name: 'orders',
          system: null,
          url: 'https://orders.example.com/graphql',
          version: 1,
          publishedAt: '2026-03-02T10:00:00.000Z',
          author: 'bob',
        },
      ]);
    });

    it('keeps a subgraph’s last routing URL when a publish gives none', async () => {
      const { registry } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, url: 'http://10.0.0.7:4001/graphql', author: 'alice' });
      const next = await registry.publish({ subgraph: 'users', sdl: USERS_V2, author: 'alice' });
      expect(next.version.url).toBe('http://10.0.0.7:4001/graphql');
    });

    it('stores nothing when the SDL and URL equal the head', async () => {
      const { registry, store } = open;
      const first = await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      let announced = 0;
      registry.onPublish(() => announced++);
      const before = await tableCounts(store);
      const again = await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'bob' });
      expect(again.published).toBe(false);
      expect(again.version).toEqual(first.version);
      expect(again.supergraph).toEqual(first.supergraph);
      expect(again.report).toMatchObject({ id: null, passed: true, baseVersion: 1 });
      expect(await tableCounts(store)).toEqual(before);
      expect(announced).toBe(0);
    });

    it('serves the supergraph with its ETag, and not-modified for the same ETag', async () => {
      const { registry } = open;
      const { supergraph } = await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      expect(await registry.supergraph()).toEqual(supergraph);
      expect(await registry.supergraph(null, supergraph.etag)).toBe('not-modified');
      expect(await registry.supergraph(null, '"0000"')).toEqual(supergraph);
      const next = await registry.publish({ subgraph: 'users', sdl: USERS_V2, author: 'alice' });
      expect(await registry.supergraph(null, supergraph.etag)).toEqual(next.supergraph);
      expect(next.supergraph.etag).not.toBe(supergraph.etag);
    });

    it('refuses a publish that does not compose: the report names subgraph and coordinate, only the report and the audit row are stored', async () => {
      const { registry, store } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      const before = await tableCounts(store);
      let announced = 0;
      registry.onPublish(() => announced++);
      const clashing = ORDERS_V1.replace(
        'type User @key(fields: "id", resolvable: false) {\n  id: ID!\n',
        'type User @key(fields: "id") {\n  id: ID!\n  name: Int\n',
      );
      const error = await registryError(registry.publish({ subgraph: 'orders', sdl: clashing, author: 'bob' }));
      expect(error.code).toBe('REGISTRY_CHECK_FAILED');
      expect(error.message).toBe(
        "The proposed schema of orders failed the registry's checks: composition (COMPOSITION_ERROR). Nothing was published; see check report 2.",
      );
      const report = error.report!;
      expect(report).toMatchObject({ id: 2, subgraph: 'orders', passed: false, baseVersion: null, author: 'bob' });
      expect(report.changes).toEqual({ breaking: [], dangerous: [], safe: [] });
      expect(report.sections[0]).toEqual({
        name: 'composition',
        passed: false,
        findings: [
          {
            rule: 'COMPOSITION_ERROR',
            severity: 'error',
            coordinate: 'User.name',
            subgraph: 'orders',
            message:
              'Type of field "User.name" is incompatible across subgraphs: it has type "Int" in subgraph "orders" but type "String!" in subgraph "users"',
          },
          {
            rule: 'COMPOSITION_ERROR',
            severity: 'error',
            coordinate: 'User.name',
            subgraph: 'orders',
            message:
              'Non-shareable field "User.name" is resolved from multiple subgraphs: it is resolved from subgraphs "orders" and "users" and defined as non-shareable in all of them',
          },
        ],
      });
      const notRun = {
        rule: 'NOT_RUN',
        severity: 'error',
        coordinate: null,
        subgraph: null,
        message: 'Not run: composition failed first. Fix the composition errors and check again.',
      };
      expect(report.sections.slice(1)).toEqual(
        ['changes', 'usage', 'governance', 'sunset', 'contracts'].map((name) => ({ name, passed: false, findings: [notRun] })),
      );
      expect(await tableCounts(store)).toEqual({
        ...before,
        registry_checks: before.registry_checks! + 1,
        registry_audit: before.registry_audit! + 1,
      });
      expect(await registry.checkReport(2)).toEqual(report);
      expect((await registry.audit(1))[0]).toMatchObject({
        actor: 'bob',
        action: 'publish.refused',
        subgraph: 'orders',
        version: null,
        detail: 'check 2 failed: composition (COMPOSITION_ERROR)',
      });
      expect(announced).toBe(0);
      expect((await registry.history('orders')).length).toBe(0);
    });

    describe('bad input: a clear error and nothing stored', () => {
      const cases: [string, () => Promise<unknown>, string, string][] = [
        [
          'an unknown subgraph',
          () => open.registry.publish({ subgraph: 'billing', sdl: USERS_V1, author: 'alice' }),
          'REGISTRY_UNKNOWN_SUBGRAPH',
          'No subgraph named "billing" is declared (known: users, orders).',
        ],
        [
          'an SDL over the byte limit (counted in UTF-8 bytes, before parsing)',
          () => open.registry.publish({ subgraph: 'users', sdl: `# ${'é'.repeat(33_000)}\n${USERS_V1}`, author: 'alice' }),
          'REGISTRY_SDL_TOO_LARGE',
          `The SDL of users is ${Buffer.byteLength(`# ${'é'.repeat(33_000)}\n${USERS_V1}`)} bytes; the registry accepts at most 65536.`,
        ],
        [
          'an SDL that does not parse',
          () => open.registry.publish({ subgraph: 'users', sdl: `${USERS_V1}\ntype Broken {\n  field: \n}`, author: 'alice' }),
          'REGISTRY_INVALID_SDL',
          `The SDL of users does not parse at line ${USERS_V1.split('\n').length + 3}, column 1: Expected Name, found "}".`,
        ],
        [
          'an SDL without the Federation 2 link',
          () => open.registry.publish({ subgraph: 'users', sdl: 'type Query { user: String }', author: 'alice' }),
          'REGISTRY_NOT_FEDERATION_2',
          'The SDL of users is not a Federation 2 subgraph: add extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [...]).',
        ],
        [
          'a Federation 1 link',
          () =>
            open.registry.publish({
              subgraph: 'users',
              sdl: USERS_V1.replace('https://specs.apollo.dev/federation/v2.5', 'https://specs.apollo.dev/federation/v1.0'),
              author: 'alice',
            }),
          'REGISTRY_NOT_FEDERATION_2',
          'The SDL of users is not a Federation 2 subgraph: add extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [...]).',
        ],
        [
          'a routing URL that is not http(s)',
          () => open.registry.publish({ subgraph: 'users', sdl: USERS_V1, url: 'ftp://users.test/graphql', author: 'alice' }),
          'REGISTRY_INVALID_URL',
          'The routing URL of users must be an absolute http(s) URL; got "ftp://users.test/graphql".',
        ],
        [
          'a relative routing URL',
          () => open.registry.check({ subgraph: 'users', sdl: USERS_V1, url: '/graphql' }, 'alice'),
          'REGISTRY_INVALID_URL',
          'The routing URL of users must be an absolute http(s) URL; got "/graphql".',
        ],
        ['an unknown version', () => open.registry.version('users', 9), 'REGISTRY_VERSION_NOT_FOUND', 'users has no version 9.'],
        [
          'a rollback to an unknown version',
          () => open.registry.rollback({ subgraph: 'users', version: 9, author: 'alice' }),
          'REGISTRY_VERSION_NOT_FOUND',
          'users has no version 9.',
        ],
        [
          'a diff with an unknown version',
          () => open.registry.diff('users', 1, 9),
          'REGISTRY_VERSION_NOT_FOUND',
          'users has no version 9.',
        ],
        [
          'the history of an unknown subgraph',
          () => open.registry.history('billing'),
          'REGISTRY_UNKNOWN_SUBGRAPH',
          'No subgraph named "billing" is declared (known: users, orders).',
        ],
        ['an unknown contract', () => open.registry.supergraph('partner'), 'REGISTRY_UNKNOWN_CONTRACT', 'No contract named partner.'],
      ];
      for (const [what, call, code, message] of cases) {
        it(what, async () => {
          await open.registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
          const before = await tableCounts(open.store);
          const error = await registryError(call());
          expect({ code: error.code, message: error.message, report: error.report }).toEqual({ code, message, report: null });
          expect(await tableCounts(open.store)).toEqual(before);
        });
      }
    });
  });
}
