/**
 * The schema registry in the embedded mode (docs/registry.md#hot-reload): its own store beside the
 * systems' (`registry.sqlite`, or the `registry` schema), `schema/` published at start, the
 * `partner` contract, and the gateway's supergraphs pulled from it. A version published here
 * (the API under `/registry/`, or the CLI on the same store) is served without a restart: the
 * systems running in this process take their new SDL first, then the gateway swaps it in; a publish
 * through the API answers once the gateway serves it. It only wires.
 */
import { parse } from 'graphql';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import type { UsageSink } from '../gateway/usage/usageRecorder.ts';
import { diffSubgraphSdls } from '../registry/checks/diff.ts';
import type { RegistryHttpHandler } from '../registry/http/handler.ts';
import type { Registry } from '../registry/registry.ts';
import type { LocalRegistry } from '../registry/service/createRegistry.ts';
import { openRegistry } from '../registry/service/openRegistry.ts';
import { publishAtStart } from '../registry/service/publishAtStart.ts';
import type { Contract } from '../registry/types.ts';
import { readSubgraphSdl } from '../schema/subgraphSdl.ts';
import type { SubgraphServer } from '../systems/kernel/subgraphServer.ts';
import { registryDeclarations, START_AUTHOR } from './registry.ts';
import { registryHttpHandler } from './registryHttp.ts';
import { registryManifestSource, type ManifestSource } from './manifestSource.ts';
import { registrySources, type RegistrySources, type SwapHooks } from './registrySources.ts';
import type { Shutdown } from './shutdown.ts';
import type { SystemUrls } from './systemUrls.ts';

/** The contracts `npm start` creates when they are missing (docs/registry.md#contracts). */
export const DEFAULT_CONTRACTS: readonly Omit<Contract, 'createdAt' | 'createdBy'>[] = [
  { name: 'partner', includeTags: ['partner'], excludeTags: [] },
];

export interface EmbeddedRegistryOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  readonly urls: SystemUrls;
  /** The subgraph servers of the systems running in this process, by system name: they follow their published SDL. */
  readonly servers: ReadonlyMap<string, SubgraphServer>;
  /** The registry's clock (publish times, the usage window, sunsets). */
  readonly clock?: (() => Date) | undefined;
  readonly jwksFetch?: typeof fetch | undefined;
}

export interface EmbeddedRegistry {
  readonly registry: LocalRegistry;
  /** The gateway's supergraph sources: `/graphql` and each contract. */
  readonly sources: RegistrySources;
  /** Where the gateway's usage batches go. */
  readonly usageSink: UsageSink;
  /** The API and the page under `/registry/`; resolves false for other paths. */
  readonly handler: RegistryHttpHandler;
  /** The gateway's persisted-operation manifests (docs/persisted-operations.md#through-the-registry). */
  readonly manifests: ManifestSource;
}

export async function startEmbeddedRegistry(options: EmbeddedRegistryOptions, shutdown: Shutdown): Promise<EmbeddedRegistry> {
  const { config, logger, urls } = options;
  const declarations = registryDeclarations(config, 'in-process');
  const { registry, close } = await openRegistry({ config, declarations, logger, clock: options.clock });
  shutdown.add(close);
  const startSdl = new Map(urls.all.map(({ name }) => [name, readSubgraphSdl(name)]));
  await publishAtStart(
    registry,
    urls.all.map(({ name, url }) => ({ name, url, sdl: startSdl.get(name)! })),
    START_AUTHOR,
    logger,
  );
  await createMissingContracts(registry, logger);

  const sources = registrySources({
    registry,
    pollMs: config.registry.pollMs,
    logger,
    hooks: followPublishedSdl(registry, options.servers, startSdl, logger),
  });
  shutdown.add(async () => sources.stop());
  const manifests = registryManifestSource(registry);
  return {
    registry,
    sources,
    manifests,
    usageSink: (entries) => registry.recordUsage({ entries }),
    handler: await registryHttpHandler({
      config,
      registry: servedOnceApplied(registry, sources, manifests),
      declarations,
      logger,
      jwksFetch: options.jwksFetch,
    }),
  };
}

async function createMissingContracts(registry: LocalRegistry, logger: Logger): Promise<void> {
  const existing = new Set((await registry.contracts()).map((contract) => contract.name));
  for (const contract of DEFAULT_CONTRACTS) {
    if (existing.has(contract.name)) continue;
    try {
      await registry.createContract({ ...contract, createdBy: START_AUTHOR });
    } catch (error) {
      logger.warn({ contract: contract.name, err: error }, 'registry: the default contract could not be created; it is not served');
    }
  }
}

/**
 * The systems running here follow the published SDL of their subgraph (docs/registry.md#hot-reload).
 * Before the gateway takes a full-graph supergraph, each whose SDL only gains takes it (a field the
 * gateway would plan must exist there first); each that loses something takes it once the gateway
 * serves the new supergraph (a request planned on the old one must still find what it asks). When
 * the gateway refuses the supergraph, each goes back to the SDL of the one still serving. A contract's supergraph is offered only once the full graph
 * serves the same subgraph versions (until then its poll fails, and the next one tries again). A
 * server that cannot build the new SDL throws: nothing is offered, the loaded supergraph keeps serving.
 */
function followPublishedSdl(
  registry: Registry,
  servers: ReadonlyMap<string, SubgraphServer>,
  startSdl: ReadonlyMap<string, string>,
  logger: Logger,
): SwapHooks {
  interface Target {
    readonly sdl: Map<string, string>;
    readonly versions: Readonly<Record<string, number>>;
  }
  const serving = new Map(startSdl);
  /** What the supergraph the gateway serves needs of each system here; null until the first one loads. */
  let confirmed: Target | null = null;
  let pending: Target | null = null;
  const reloadTo = async (target: ReadonlyMap<string, string>) => {
    for (const [name, sdl] of target) {
      const server = servers.get(name);
      if (!server?.reload || serving.get(name) === sdl) continue;
      await server.reload(parse(sdl));
      serving.set(name, sdl);
      logger.info({ subgraph: name }, 'registry: the subgraph serves the SDL of the supergraph being loaded');
    }
  };
  return {
    async before(artifact) {
      const followed = Object.entries(artifact.subgraphVersions).filter(([name]) => servers.get(name)?.reload);
      if (artifact.contract !== null) {
        const behind = followed.filter(([name, version]) => confirmed?.versions[name] !== version);
        if (behind.length > 0) {
          throw new Error(
            `contract ${artifact.contract} waits for the full graph to serve ${behind.map(([n, v]) => `${n} v${v}`).join(', ')}`,
          );
        }
        return;
      }
      const sdl = new Map(serving);
      for (const [name, version] of followed) sdl.set(name, (await registry.version(name, version)).sdl);
      const target = { sdl, versions: artifact.subgraphVersions };
      // The first supergraph is the gateway's start: it serves it, or does not start at all.
      if (confirmed === null) {
        await reloadTo(sdl);
        confirmed = target;
        return;
      }
      // A subgraph that only gains goes first (the gateway may plan the new fields at once); one that
      // loses or changes something goes after the gateway, which stops planning it first, so a
      // request planned on the old supergraph a moment before still finds it.
      const first = new Map([...sdl].filter(([name, next]) => !breaks(serving.get(name), next)));
      await reloadTo(first);
      pending = target;
    },
    async after(outcome) {
      const target = pending;
      pending = null;
      if (outcome.result === 'failed') {
        if (confirmed) await reloadTo(confirmed.sdl);
      } else if (target) {
        await reloadTo(target.sdl);
        confirmed = target;
      }
    },
  };
}

/** Whether serving `next` instead of `current` takes anything away from what a planned request may ask. */
function breaks(current: string | undefined, next: string): boolean {
  if (current === undefined || current === next) return false;
  return diffSubgraphSdls(current, next).some((change) => change.severity !== 'SAFE');
}

/** The registry as its API serves it here: a publish, rollback, new contract or manifest answers once the gateway serves it. */
function servedOnceApplied(registry: LocalRegistry, sources: RegistrySources, manifests: ManifestSource): Registry {
  return {
    subgraphs: () => registry.subgraphs(),
    check: (proposal, author) => registry.check(proposal, author),
    history: (subgraph) => registry.history(subgraph),
    version: (subgraph, version) => registry.version(subgraph, version),
    diff: (subgraph, from, to) => registry.diff(subgraph, from, to),
    supergraph: (contract, ifNoneMatch) => registry.supergraph(contract, ifNoneMatch),
    contracts: () => registry.contracts(),
    recordUsage: (batch) => registry.recordUsage(batch),
    usage: (coordinates) => registry.usage(coordinates),
    deprecations: () => registry.deprecations(),
    checks: (limit) => registry.checks(limit),
    checkReport: (id) => registry.checkReport(id),
    audit: (limit) => registry.audit(limit),
    manifests: (ifNoneMatch) => registry.manifests(ifNoneMatch),
    async publishManifest(input) {
      const published = await registry.publishManifest(input);
      await manifests.refresh();
      return published;
    },
    async publish(input) {
      const result = await registry.publish(input);
      if (result.published) await sources.refresh();
      return result;
    },
    async rollback(input) {
      const result = await registry.rollback(input);
      if (result.published) await sources.refresh();
      return result;
    },
    async createContract(input) {
      const contract = await registry.createContract(input);
      await sources.refresh();
      return contract;
    },
  };
}
