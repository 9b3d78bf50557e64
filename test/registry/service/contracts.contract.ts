/**
 * The registry's contracts contract, the same on SQLite and PostgreSQL: a contract is created once
 * it composes, recomposed by every publish, and a publish that breaks it is refused.
 */
import { describe, expect, it } from 'vitest';
import type { SupergraphArtifact } from '../../../registry/types.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { registryError } from './publish.contract.ts';
import { ORDERS_V1, T0, USERS_V1, USERS_V2, eachRegistry, tableCounts } from './fixtures.ts';

const PARTNER = { name: 'partner', includeTags: ['partner'], excludeTags: [], createdBy: 'alice' } as const;

export function contractsContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`registry contracts on ${label}`, () => {
    const open = eachRegistry(makeStore);

    it('creates a contract from the current heads and recomposes it on every publish', async () => {
      const { registry } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      await registry.publish({ subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' });
      const announced: (readonly SupergraphArtifact[])[] = [];
      registry.onPublish((artifacts) => announced.push(artifacts));

      const contract = await registry.createContract({ ...PARTNER, includeTags: ['partner', 'partner'] });
      expect(contract).toEqual({ name: 'partner', includeTags: ['partner'], excludeTags: [], createdBy: 'alice', createdAt: T0 });
      expect(await registry.contracts()).toEqual([contract]);
      const first = await registry.supergraph('partner');
      expect(first).toMatchObject({ contract: 'partner', id: 1, subgraphVersions: { users: 1, orders: 1 } });
      expect(announced).toEqual([[first]]);
      expect(await registry.supergraph('partner', (first as SupergraphArtifact).etag)).toBe('not-modified');

      const published = await registry.publish({ subgraph: 'users', sdl: USERS_V2, author: 'bob' });
      const second = await registry.supergraph('partner');
      expect(second).toMatchObject({ contract: 'partner', id: 2, subgraphVersions: { users: 2, orders: 1 } });
      expect(announced[1]).toEqual([published.supergraph, second]);
      expect(published.report.sections.find((section) => section.name === 'contracts')).toEqual({
        name: 'contracts',
        passed: true,
        findings: [],
      });
      expect((await registry.audit(3)).map((entry) => [entry.action, entry.detail])).toEqual([
        ['publish', 'users v2 at http://users.test/graphql; supergraph 3, check 3'],
        ['contract.create', 'contract partner: include [partner], exclude []'],
        ['publish', 'orders v1 at http://orders.test/graphql; supergraph 2, check 2'],
      ]);
    });

    it("checks a contract's own API: taking a field out of it is refused while its clients use it, and passes once none does", async () => {
      const { registry, clock } = open;
      // The partner contract keeps Order.id and Order.total.
      const tagged = ORDERS_V1.replace(
        'type Order @key(fields: "id") @requiresScopes(scopes: [["orders:read"]]) {\n  id: ID!',
        'type Order @key(fields: "id") @requiresScopes(scopes: [["orders:read"]]) {\n  id: ID! @tag(name: "partner")',
      );
      expect(tagged).not.toBe(ORDERS_V1);
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      await registry.publish({ subgraph: 'orders', sdl: tagged, author: 'alice' });
      await registry.createContract(PARTNER);
      // Order.total stays in the full graph; only the partner contract loses it.
      const untagged = tagged.replace('total: Int! @tag(name: "partner")', 'total: Int!');
      const unused = await registry.check({ subgraph: 'orders', sdl: untagged }, 'bob');
      expect(unused.passed).toBe(true);
      expect(unused.sections.find((section) => section.name === 'contracts')!.findings).toEqual([
        expect.objectContaining({
          rule: 'CONTRACT_BREAKING_CHANGE_UNUSED',
          severity: 'info',
          coordinate: 'Order.total',
          subgraph: 'orders',
        }),
      ]);

      await registry.recordUsage({
        entries: [{ clientId: 'partner-portal', coordinate: 'Order.total', count: 3, lastUsedAt: clock.now.toISOString() }],
      });
      const used = await registry.check({ subgraph: 'orders', sdl: untagged }, 'bob');
      expect(used.passed).toBe(false);
      const contracts = used.sections.find((section) => section.name === 'contracts')!;
      expect(contracts.passed).toBe(false);
      expect(contracts.findings).toEqual([
        expect.objectContaining({
          rule: 'CONTRACT_BREAKING_CHANGE_IN_USE',
          severity: 'error',
          coordinate: 'Order.total',
          subgraph: 'orders',
          clients: [{ clientId: 'partner-portal', count: 3, lastUsedAt: clock.now.toISOString() }],
        }),
      ]);
      expect(contracts.findings[0]!.message).toMatch(/^Contract partner: /);
    });

    it('keeps a contract created before any publish and composes it with the first', async () => {
      const { registry } = open;
      await registry.createContract(PARTNER);
      expect(await registry.supergraph('partner')).toBeNull();
      expect((await registry.audit(1))[0]!.detail).toBe('contract partner: include [partner], exclude [] (composed at the first publish)');
      // users alone tags nothing for partners (the contract would keep no root field): both together.
      const refused = await registryError(registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' }));
      expect(refused.report!.sections.filter((section) => !section.passed).map((section) => section.name)).toEqual(['contracts']);
      const both = await registry.publishAll(
        [
          { subgraph: 'users', sdl: USERS_V1, author: 'alice' },
          { subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' },
        ],
        'alice',
      );
      expect(both.map((result) => [result.version.subgraph, result.version.version, result.published])).toEqual([
        ['users', 1, true],
        ['orders', 1, true],
      ]);
      expect(both[0]!.report).toMatchObject({ subgraph: 'users+orders', baseVersion: null, passed: true });
      expect(both[0]!.supergraph).toMatchObject({ contract: null, id: 1, subgraphVersions: { users: 1, orders: 1 } });
      expect(await registry.supergraph('partner')).toMatchObject({ contract: 'partner', id: 1, subgraphVersions: { users: 1, orders: 1 } });
    });

    it('refuses a publish that breaks a contract, naming the contract; nothing is published', async () => {
      const { registry, store } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      await registry.publish({ subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' });
      await registry.createContract(PARTNER);
      const before = await tableCounts(store);
      const untagged = ORDERS_V1.replace(' @tag(name: "partner")\n}', '\n}');
      const error = await registryError(registry.publish({ subgraph: 'orders', sdl: untagged, author: 'bob' }));
      expect(error.code).toBe('REGISTRY_CHECK_FAILED');
      const contracts = error.report!.sections.find((section) => section.name === 'contracts')!;
      expect(contracts.passed).toBe(false);
      expect(contracts.findings.length).toBeGreaterThan(0);
      for (const finding of contracts.findings) {
        expect(finding).toMatchObject({ rule: 'CONTRACT_COMPOSITION_ERROR', severity: 'error' });
        expect(finding.message).toContain('contract "partner"');
      }
      expect(error.report!.sections.filter((section) => !section.passed).map((section) => section.name)).toEqual(['contracts']);
      expect(await tableCounts(store)).toEqual({
        ...before,
        registry_checks: before.registry_checks! + 1,
        registry_audit: before.registry_audit! + 1,
      });
    });

    it('refuses a contract that does not compose, a second contract of a name, and a name that cannot be a path', async () => {
      const { registry, store } = open;
      await registry.publish({ subgraph: 'users', sdl: USERS_V1, author: 'alice' });
      const before = await tableCounts(store);
      const failed = await registryError(registry.createContract(PARTNER));
      expect(failed.code).toBe('REGISTRY_CHECK_FAILED');
      expect(failed.report).toMatchObject({ id: 2, subgraph: 'contract:partner', passed: false });
      expect(await tableCounts(store)).toEqual({ ...before, registry_checks: before.registry_checks! + 1 });
      expect(await registry.contracts()).toEqual([]);

      await registry.publish({ subgraph: 'orders', sdl: ORDERS_V1, author: 'alice' });
      await registry.createContract(PARTNER);
      const exists = await registryError(registry.createContract({ ...PARTNER, createdBy: 'bob' }));
      expect([exists.code, exists.message]).toEqual(['REGISTRY_CONTRACT_EXISTS', 'A contract named partner already exists.']);
      const badName = await registryError(registry.createContract({ ...PARTNER, name: 'Partner/API' }));
      expect([badName.code, badName.message]).toEqual([
        'REGISTRY_INVALID_CONTRACT',
        '"Partner/API" cannot name a contract: use lower-case letters, digits and dashes, starting with a letter (at most 63).',
      ]);
    });
  });
}
