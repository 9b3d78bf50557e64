/**
 * Tessera's own schema through the registry, the same on SQLite and PostgreSQL: `npm start`
 * publishes `schema/` as one set (its subgraphs do not compose one at a time), a restart publishes
 * nothing again, an architect's later publish survives a restart, and a refused start is a
 * warning while the registry keeps serving its head.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../core/logger.ts';
import { createRegistry, type LocalRegistry } from '../../../registry/service/createRegistry.ts';
import { publishAtStart } from '../../../registry/service/publishAtStart.ts';
import { openRegistryStore, type RegistryStore } from '../../../registry/store/openRegistryStore.ts';
import type { SubgraphDeclaration } from '../../../registry/types.ts';
import { readSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import { SYSTEM_LIST } from '../../../systems/systems.ts';
import { logSink } from '../../harness/logSink.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { tableCounts, T0 } from './fixtures.ts';

const DECLARATIONS: readonly SubgraphDeclaration[] = SYSTEM_LIST.map((entry) => ({
  name: entry.name,
  system: entry.systemOfRecord,
  url: `http://${entry.name}.test/graphql`,
}));
const SOURCES = DECLARATIONS.map((declaration) => ({
  name: declaration.name,
  url: declaration.url,
  sdl: readSubgraphSdl(declaration.name),
}));
const START = 'system:tessera-start';

export function realSchemaContract(label: string, makeStore: () => Promise<TempStore>): void {
  describe(`Tessera's schema through the registry on ${label}`, () => {
    let temp: TempStore;
    let store: RegistryStore;
    let registry: LocalRegistry;
    let logs: Record<string, unknown>[];
    let logger: Logger;
    beforeEach(async () => {
      temp = await makeStore();
      store = await openRegistryStore(temp.store);
      const sink = logSink();
      logs = sink.records;
      logger = createLogger('info', sink.stream);
      registry = createRegistry({
        db: store.db,
        declarations: DECLARATIONS,
        clock: () => new Date(T0),
        usageWindowDays: 30,
        maxSdlBytes: 2 * 1024 * 1024,
        logger,
      });
    });
    afterEach(async () => {
      await store.close();
      await temp.remove();
    });

    it('publishes schema/ at start as one set, and nothing again at a restart', async () => {
      await publishAtStart(registry, SOURCES, START, logger);
      expect((await registry.subgraphs()).map((summary) => [summary.name, summary.version, summary.author])).toEqual([
        ['crm', 1, START],
        ['psa', 1, START],
        ['erp', 1, START],
        ['integration', 1, START],
      ]);
      expect(await registry.supergraph()).toMatchObject({ id: 1, subgraphVersions: { crm: 1, psa: 1, erp: 1, integration: 1 } });
      expect(await registry.checks()).toEqual([
        expect.objectContaining({ subgraph: 'crm+psa+erp+integration', passed: true, baseVersion: null }),
      ]);

      const before = await tableCounts(store);
      await publishAtStart(registry, SOURCES, START, logger);
      expect(await tableCounts(store)).toEqual(before);
    });

    it('keeps an architect’s later publish at a restart, and publishes what changed in schema/', async () => {
      await publishAtStart(registry, SOURCES, START, logger);
      const crm = SOURCES[0]!;
      await registry.publish({ subgraph: 'crm', sdl: `${crm.sdl}\n# Reviewed by the architects.\n`, author: 'architect' });
      const psaChanged = `${SOURCES[1]!.sdl}\n# Changed in schema/.\n`;
      await publishAtStart(
        registry,
        SOURCES.map((source) => (source.name === 'psa' ? { ...source, sdl: psaChanged } : source)),
        START,
        logger,
      );
      expect((await registry.subgraphs()).map((summary) => [summary.name, summary.version, summary.author])).toEqual([
        ['crm', 2, 'architect'],
        ['psa', 2, START],
        ['erp', 1, START],
        ['integration', 1, START],
      ]);
      expect(await registry.supergraph()).toMatchObject({ id: 3, subgraphVersions: { crm: 2, psa: 2, erp: 1, integration: 1 } });
    });

    it('logs a refused start as a warning with its rules and keeps serving the head', async () => {
      await publishAtStart(registry, SOURCES, START, logger);
      const served = await registry.supergraph();
      await registry.recordUsage({ entries: [{ clientId: 'partner-portal', coordinate: 'Account.website', count: 3, lastUsedAt: T0 }] });
      const crm = SOURCES[0]!;
      const withoutWebsite = crm.sdl.replace('  website: String @tag(name: "partner")\n', '');
      expect(withoutWebsite).not.toBe(crm.sdl);
      await publishAtStart(registry, [{ ...crm, sdl: withoutWebsite }, ...SOURCES.slice(1)], START, logger);
      expect(logs.filter((record) => record.level === 40)).toEqual([
        expect.objectContaining({
          msg: 'registry: schema/ was refused by the checks; the registry keeps serving its current supergraph',
          subgraphs: ['crm'],
          check: 2,
          rules: ['BREAKING_CHANGE_IN_USE'],
        }),
      ]);
      expect(await registry.supergraph()).toEqual(served);
    });

    it('names the subgraph and the coordinate of real composition errors: the ownership rule and Apollo’s', async () => {
      await publishAtStart(registry, SOURCES, START, logger);
      const psa = SOURCES[1]!.sdl;
      const withQueryField = (field: string) => psa.replace('\ntype Query {\n', `\ntype Query {\n  ${field}\n`);
      const ownership = await registry.check(
        { subgraph: 'psa', sdl: withQueryField('crmOwned: Int @owner(system: CRM) @public') },
        'alice',
      );
      expect(ownership.sections[0]).toEqual({
        name: 'composition',
        passed: false,
        findings: [
          expect.objectContaining({ rule: 'COMPOSITION_ERROR', severity: 'error', subgraph: 'psa', coordinate: 'Query.crmOwned' }),
        ],
      });
      const unknown = await registry.check(
        { subgraph: 'psa', sdl: withQueryField('nowhere: Nowhere @owner(system: PSA) @public') },
        'alice',
      );
      expect(unknown.sections[0]!.findings).toEqual([
        { rule: 'COMPOSITION_ERROR', severity: 'error', subgraph: 'psa', coordinate: 'Nowhere', message: '[psa] Unknown type Nowhere' },
      ]);
    });
  });
}
