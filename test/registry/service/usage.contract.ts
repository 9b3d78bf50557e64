/**
 * The registry's usage contract, the same on SQLite and PostgreSQL: hour buckets summed within the
 * window, pruned after it, read per coordinate and client; a breaking change refused while a
 * client uses it and passed once the window has no use; deprecations with their sunset and use.
 */
import { describe, expect, it } from 'vitest';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { registryError } from './publish.contract.ts';
import { USERS_NO_NAME, USERS_V1, eachRegistry, tableCounts } from './fixtures.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export function usageContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`registry usage on ${label}`, () => {
    const open = eachRegistry(makeStore, { usageWindowDays: 30 });
    const ago = (ms: number) => new Date(open.clock.now.getTime() - ms).toISOString();

    it('sums counts per coordinate, client and hour, keeps the latest use, and forgets what left the window', async () => {
      const { registry, store, clock } = open;
      const tenDaysAgo = ago(10 * DAY);
      await registry.recordUsage({
        entries: [
          { clientId: 'portal', coordinate: 'User.name', count: 2, lastUsedAt: ago(HOUR + 60_000) },
          { clientId: 'portal', coordinate: 'User.name', count: 3, lastUsedAt: ago(HOUR + 120_000) },
          { clientId: 'mobile', coordinate: 'User.name', count: 1, lastUsedAt: tenDaysAgo },
          { clientId: 'mobile', coordinate: 'Query.user', count: 4, lastUsedAt: tenDaysAgo },
          { clientId: 'old', coordinate: 'Query.user', count: 9, lastUsedAt: ago(40 * DAY) },
        ],
      });
      await registry.recordUsage({ entries: [{ clientId: 'portal', coordinate: 'User.name', count: 5, lastUsedAt: ago(HOUR + 30_000) }] });
      expect(await registry.usage()).toEqual([
        { coordinate: 'Query.user', clients: [{ clientId: 'mobile', count: 4, lastUsedAt: tenDaysAgo }] },
        {
          coordinate: 'User.name',
          clients: [
            { clientId: 'portal', count: 10, lastUsedAt: ago(HOUR + 30_000) },
            { clientId: 'mobile', count: 1, lastUsedAt: tenDaysAgo },
          ],
        },
      ]);
      expect(await registry.usage(['Query.user', 'User.id'])).toEqual([
        { coordinate: 'Query.user', clients: [{ clientId: 'mobile', count: 4, lastUsedAt: tenDaysAgo }] },
        { coordinate: 'User.id', clients: [] },
      ]);
      expect((await tableCounts(store)).registry_usage).toBe(3);

      // 25 days later the ten-day-old rows are 35 days old: out of the window, then pruned.
      clock.now = new Date(clock.now.getTime() + 25 * DAY);
      expect((await registry.usage()).map((entry) => [entry.coordinate, entry.clients.map((client) => client.clientId)])).toEqual([
        ['User.name', ['portal']],
      ]);
      await registry.recordUsage({ entries: [] });
      expect((await tableCounts(store)).registry_usage).toBe(1);
    });

    it('refuses a breaking change on a coordinate a client used in the window, naming the client; passes it once unused', async () => {
      const { registry, store, clock } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      const lastUsedAt = ago(2 * DAY);
      await registry.recordUsage({ entries: [{ clientId: 'portal', coordinate: 'User.name', count: 7, lastUsedAt }] });
      const before = await tableCounts(store);
      const error = await registryError(registry.publish({ subgraph: 'users', sdl: USERS_NO_NAME, author: 'bob' }));
      expect(error.code).toBe('REGISTRY_CHECK_FAILED');
      const usage = error.report!.sections.find((section) => section.name === 'usage')!;
      expect(usage.passed).toBe(false);
      expect(usage.findings).toEqual([
        expect.objectContaining({
          rule: 'BREAKING_CHANGE_IN_USE',
          severity: 'error',
          coordinate: 'User.name',
          clients: [{ clientId: 'portal', count: 7, lastUsedAt }],
        }),
      ]);
      expect(error.report!.sections.find((section) => section.name === 'changes')).toMatchObject({ passed: true });
      expect(await tableCounts(store)).toEqual({
        ...before,
        registry_checks: before.registry_checks! + 1,
        registry_audit: before.registry_audit! + 1,
      });

      clock.now = new Date(clock.now.getTime() + 29 * DAY);
      const published = await registry.publish({ subgraph: 'users', sdl: USERS_NO_NAME, author: 'bob' });
      expect(published.version.version).toBe(2);
      expect(published.report.sections.find((section) => section.name === 'usage')!.findings).toEqual([
        expect.objectContaining({ rule: 'BREAKING_CHANGE_UNUSED', severity: 'info', coordinate: 'User.name' }),
      ]);
    });

    it('lists the deprecations of the current supergraph with their sunset, subgraph and use', async () => {
      const { registry } = open;
      expect(await registry.deprecations()).toEqual([]);
      const reason = 'Use displayName. Sunset 2026-09-30.';
      const deprecated = USERS_V1.replace('  name: String!\n', `  name: String! @deprecated(reason: "${reason}")\n  displayName: String\n`);
      await registry.publish({ subgraph: 'users', sdl: deprecated, author: 'alice' });
      const lastUsedAt = ago(HOUR);
      await registry.recordUsage({ entries: [{ clientId: 'portal', coordinate: 'User.name', count: 2, lastUsedAt }] });
      expect(await registry.deprecations()).toEqual([
        {
          coordinate: 'User.name',
          reason,
          sunsetAt: '2026-09-30',
          subgraph: 'users',
          clients: [{ clientId: 'portal', count: 2, lastUsedAt }],
        },
      ]);
    });
  });
}
