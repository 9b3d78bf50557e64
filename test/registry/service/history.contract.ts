/**
 * The registry's history contract, the same on SQLite and PostgreSQL: versions newest first, one
 * version, the diff of two (API changes and a unified text diff), rollback as a checked publish,
 * stored check reports and the audit trail.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { ORDERS_V1, T0, USERS_V1, USERS_V2, eachRegistry } from './fixtures.ts';

const HOUR = 60 * 60 * 1000;

export function historyContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`registry history on ${label}`, () => {
    const open = eachRegistry(makeStore);
    const at = (hours: number) => new Date(Date.parse(T0) + hours * HOUR);
    beforeEach(async () => {
      const { registry, clock } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice', commit: 'c1' });
      clock.now = at(1);
      await registry.publish({ subgraph: 'users', sdl: USERS_V2, author: 'bob', commit: 'c2' });
      clock.now = at(2);
      await registry.publish({ subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' });
    });

    it('lists a subgraph’s versions and every version newest first', async () => {
      const { registry } = open;
      expect((await registry.history('users')).map((v) => [v.subgraph, v.version, v.author, v.commit, v.publishedAt])).toEqual([
        ['users', 2, 'bob', 'c2', at(1).toISOString()],
        ['users', 1, 'alice', 'c1', T0],
      ]);
      expect((await registry.history()).map((v) => `${v.subgraph} v${v.version}`)).toEqual(['orders v1', 'users v2', 'users v1']);
      expect(await registry.version('users', 2)).toEqual((await registry.history('users'))[0]);
      expect((await registry.version('users', 1)).sdl).toBe(USERS_V1);
    });

    it('diffs two versions: the API changes and a unified diff of the SDL text, both ways', async () => {
      const { registry } = open;
      const lines = USERS_V1.split('\n');
      const name = lines.indexOf('  name: String!');
      const context = (from: number, to: number) => lines.slice(from, to).map((line) => ` ${line}`);
      const forward = await registry.diff('users', 1, 2);
      expect(forward).toEqual({
        subgraph: 'users',
        from: 1,
        to: 2,
        changes: [
          { severity: 'SAFE', kind: 'FIELD_ADDED', coordinate: 'User.email', message: '`User.email` was added.', usageCoordinates: [] },
        ],
        text: [
          '--- users v1',
          '+++ users v2',
          `@@ -${name - 1},6 +${name - 1},7 @@`,
          ...context(name - 2, name + 1),
          '+  email: String',
          ...context(name + 1, name + 4),
          '',
        ].join('\n'),
      });
      const backward = await registry.diff('users', 2, 1);
      expect(backward.changes.map((change) => [change.severity, change.kind, change.coordinate])).toEqual([
        ['BREAKING', 'FIELD_REMOVED', 'User.email'],
      ]);
      expect(backward.text.split('\n').slice(0, 3)).toEqual(['--- users v2', '+++ users v1', `@@ -${name - 1},7 +${name - 1},6 @@`]);
      expect(await registry.diff('users', 2, 2)).toEqual({ subgraph: 'users', from: 2, to: 2, changes: [], text: '' });
    });

    it('rolls back by publishing the old SDL and URL again, checked like any publish', async () => {
      const { registry, clock } = open;
      clock.now = at(3);
      const rollback = await registry.rollback({ subgraph: 'users', version: 1, author: 'carol' });
      expect(rollback.published).toBe(true);
      expect(rollback.version).toMatchObject({
        subgraph: 'users',
        version: 3,
        sdl: USERS_V1,
        url: 'http://users.test/graphql',
        author: 'carol',
        commit: 'c1',
        rolledBackFrom: 1,
        publishedAt: at(3).toISOString(),
      });
      expect(rollback.report).toMatchObject({ baseVersion: 2, passed: true, author: 'carol' });
      expect(rollback.report.changes.breaking.map((change) => change.coordinate)).toEqual(['User.email']);
      expect(rollback.supergraph).toMatchObject({ id: 4, subgraphVersions: { users: 3, orders: 1 } });
      expect(rollback.supergraph.sdl).not.toContain('email');

      const again = await registry.rollback({ subgraph: 'users', version: 1, author: 'carol' });
      expect(again.published).toBe(false);
      expect(again.version.version).toBe(3);
    });

    it('keeps every check report, newest first, and an audit trail of who did what', async () => {
      const { registry, clock } = open;
      clock.now = at(3);
      const check = await registry.check({ subgraph: 'users', sdl: USERS_V1 }, 'dave');
      expect(check).toMatchObject({
        id: 4,
        subgraph: 'users',
        passed: true,
        baseVersion: 2,
        author: 'dave',
        checkedAt: at(3).toISOString(),
      });
      expect(await registry.checkReport(4)).toEqual(check);
      expect(await registry.checkReport(99)).toBeNull();
      expect((await registry.checks()).map((report) => [report.id, report.subgraph, report.author])).toEqual([
        [4, 'users', 'dave'],
        [3, 'orders', 'alice'],
        [2, 'users', 'bob'],
        [1, 'users', 'alice'],
      ]);
      expect((await registry.checks(2)).map((report) => report.id)).toEqual([4, 3]);
      clock.now = at(4);
      await registry.rollback({ subgraph: 'users', version: 1, author: 'carol' });

      expect(await registry.audit()).toEqual([
        {
          id: 5,
          at: at(4).toISOString(),
          actor: 'carol',
          action: 'rollback',
          subgraph: 'users',
          version: 3,
          detail: 'users v3 (the SDL of v1) at http://users.test/graphql; supergraph 4, check 5',
        },
        { id: 4, at: at(3).toISOString(), actor: 'dave', action: 'check', subgraph: 'users', version: null, detail: 'check 4 passed' },
        {
          id: 3,
          at: at(2).toISOString(),
          actor: 'alice',
          action: 'publish',
          subgraph: 'orders',
          version: 1,
          detail: 'orders v1 at http://orders.test/graphql; supergraph 3, check 3',
        },
        {
          id: 2,
          at: at(1).toISOString(),
          actor: 'bob',
          action: 'publish',
          subgraph: 'users',
          version: 2,
          detail: 'users v2 at http://users.test/graphql; supergraph 2, check 2',
        },
        {
          id: 1,
          at: T0,
          actor: 'alice',
          action: 'publish',
          subgraph: 'users',
          version: 1,
          detail: 'users v1 at http://users.test/graphql; supergraph 1, check 1',
        },
      ]);
      expect((await registry.audit(2)).map((entry) => entry.id)).toEqual([5, 4]);
    });
  });
}
