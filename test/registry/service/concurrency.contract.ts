/**
 * Concurrent publishes from two registry instances over one database (a server and a CLI), the
 * same on a SQLite file and on PostgreSQL: exactly one wins each race, the other is checked again
 * against the winner's state (and published on top of it, or refused), never lost or doubled.
 * The races are made deterministic by holding instance B right after it read the state.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRegistryStore } from '../../../registry/store/openRegistryStore.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { registryError } from './publish.contract.ts';
import { ORDERS_V1, USERS_V1, USERS_V2, openRegistry, tableCounts, type OpenRegistry } from './fixtures.ts';

/** users v1 with one more field. */
const withField = (field: string) => USERS_V1.replace('  name: String!\n', `  name: String!\n  ${field}: String\n`);

/**
 * Calls `onStateRead` each time the registry has read its state (contracts are its last read, at
 * the start of every publish attempt) and holds that read's result until it settles: another
 * publish lands meanwhile, and the attempt decides on the state from before it.
 */
class AfterStateRead implements KyselyPlugin {
  readonly #reads = new WeakSet<object>();
  constructor(private readonly onStateRead: (attempt: number) => Promise<void>) {}
  #attempt = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node.from).includes('"registry_contracts"'))
      this.#reads.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#reads.has(args.queryId)) await this.onStateRead(++this.#attempt);
    return args.result;
  }
}

export function concurrencyContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`concurrent publishes from two registries on ${label}`, () => {
    let temp: TempStore;
    let a: OpenRegistry;
    let b: OpenRegistry;
    let onStateRead: (attempt: number) => Promise<void>;
    beforeEach(async () => {
      temp = await makeStore();
      a = await openRegistry(temp);
      const store = await openRegistryStore(temp.store);
      onStateRead = async () => {};
      b = await openRegistry(temp, {
        store: { db: store.db.withPlugin(new AfterStateRead((attempt) => onStateRead(attempt))), close: store.close },
      });
      await a.registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      await a.registry.publish({ subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' });
    });
    afterEach(async () => {
      await b.store.close();
      await a.store.close();
      await temp.remove();
    });

    it('two publishes to one subgraph at once: both land, with consecutive versions, the second on top of the first', async () => {
      const [first, second] = await Promise.all([
        a.registry.publish({ subgraph: 'users', sdl: withField('email'), author: 'alice' }),
        b.registry.publish({ subgraph: 'users', sdl: withField('phone'), author: 'bob' }),
      ]);
      const [winner, loser] = first.version.version === 2 ? [first, second] : [second, first];
      expect([winner.version.version, loser.version.version]).toEqual([2, 3]);
      expect([winner.report.baseVersion, loser.report.baseVersion]).toEqual([1, 2]);
      expect((await a.registry.history('users')).map((version) => version.version)).toEqual([3, 2, 1]);
      expect(await a.registry.supergraph()).toMatchObject({ id: 4, subgraphVersions: { users: 3, orders: 1 } });
    });

    it('the publish that lost the race is checked again against the winner and published on top of it', async () => {
      onStateRead = async (attempt) => {
        if (attempt === 1) await a.registry.publish({ subgraph: 'users', sdl: USERS_V2, author: 'alice' });
      };
      const late = await b.registry.publish({ subgraph: 'users', sdl: withField('phone'), author: 'bob' });
      const winner = await a.registry.version('users', 2);
      expect(winner).toMatchObject({ author: 'alice', sdl: USERS_V2 });
      expect(late.version).toMatchObject({ version: 3, author: 'bob' });
      // Compared with v2, not v1: the phone proposal lacks v2's email, and the report says so.
      expect(late.report).toMatchObject({ baseVersion: 2, passed: true });
      expect(late.report.changes.breaking.map((change) => change.coordinate)).toEqual(['User.email']);
      expect(late.report.changes.safe.map((change) => change.coordinate)).toEqual(['User.phone']);
      expect(b.logs.filter((record) => record.msg === 'registry publish lost a race: checking again')).toEqual([
        expect.objectContaining({ subgraphs: ['users'], attempt: 1 }),
      ]);
      expect((await a.registry.checks()).map((report) => [report.id, report.subgraph, report.baseVersion])).toEqual([
        [4, 'users', 2],
        [3, 'users', 1],
        [2, 'orders', null],
        [1, 'users', null],
      ]);
    });

    it('the publish that lost the race is refused when the winner’s state makes it fail', async () => {
      // Each alone composes; together both subgraphs resolve the non-shareable User.nickname.
      const nickname = '  nickname: String @requiresScopes(scopes: [["users:read"]])\n';
      const ordersNickname = ORDERS_V1.replace(
        'type User @key(fields: "id", resolvable: false) {\n  id: ID!\n',
        `type User @key(fields: "id") {\n  id: ID!\n${nickname}`,
      );
      onStateRead = async (attempt) => {
        if (attempt === 1) await a.registry.publish({ subgraph: 'users', sdl: withField('nickname'), author: 'alice' });
      };
      const error = await registryError(b.registry.publish({ subgraph: 'orders', sdl: ordersNickname, author: 'bob' }));
      expect(error.code).toBe('REGISTRY_CHECK_FAILED');
      expect(error.report).toMatchObject({ subgraph: 'orders', baseVersion: 1, passed: false });
      expect(error.report!.sections[0]!.findings).toEqual([
        expect.objectContaining({ rule: 'COMPOSITION_ERROR', subgraph: 'orders', coordinate: 'User.nickname' }),
      ]);
      expect(b.logs.filter((record) => record.msg === 'registry publish lost a race: checking again')).toHaveLength(1);
      expect((await a.registry.history('orders')).map((version) => version.version)).toEqual([1]);
      expect((await a.registry.history('users')).map((version) => version.version)).toEqual([2, 1]);
    });

    it('gives up with REGISTRY_PUBLISH_CONFLICT after five lost races, having published nothing', async () => {
      onStateRead = async (attempt) =>
        a.registry.publish({ subgraph: 'users', sdl: withField(`field${attempt}`), author: 'alice' }).then(() => {});
      const before = await tableCounts(a.store);
      const error = await registryError(b.registry.publish({ subgraph: 'users', sdl: withField('phone'), author: 'bob' }));
      expect([error.code, error.message]).toEqual([
        'REGISTRY_PUBLISH_CONFLICT',
        'Other publishes kept landing while users was checked (5 attempts); nothing was published. Retry.',
      ]);
      const after = await tableCounts(a.store);
      // Only alice's five publishes: a version, a supergraph, a report and an audit row each.
      expect(after).toEqual({
        ...before,
        registry_versions: before.registry_versions! + 5,
        registry_supergraphs: before.registry_supergraphs! + 5,
        registry_checks: before.registry_checks! + 5,
        registry_audit: before.registry_audit! + 5,
        generation: before.generation! + 5,
      });
      expect((await a.registry.history('users')).every((version) => version.author === 'alice')).toBe(true);
    });
  });
}
