/**
 * A registry (in process, or `tessera serve registry` over HTTP: both are a `Registry`) as the
 * gateway's supergraph sources (docs/registry.md#hot-reload): the full graph for `/graphql` and one
 * per contract for `/contracts/<name>/graphql`, each polled with its ETag. New contracts are found on
 * the same schedule. `refresh()` polls everything at once (an in-process publish calls it) and
 * resolves when the gateway serves the result, or refused it.
 */
import type { Logger } from '../core/logger.ts';
import { supergraphPoller, type PollResult, type SupergraphPoller } from '../gateway/supergraph/poller.ts';
import type { ContractSources, Supergraph, SupergraphSource } from '../gateway/supergraph/source.ts';
import type { Registry, SupergraphFetch } from '../registry/registry.ts';
import type { SupergraphArtifact } from '../registry/types.ts';

export interface RegistrySourcesOptions {
  readonly registry: Registry;
  readonly pollMs: number;
  readonly logger: Logger;
  /** What `/graphql` starts with when the registry has nothing composed yet (or cannot be reached). */
  readonly fallback?: Supergraph | undefined;
  /**
   * Runs before a new full-graph supergraph is offered (the embedded subgraphs take their new SDL
   * first); when it throws, the supergraph is not offered and the poll counts as failed.
   */
  readonly beforeOffer?: ((artifact: SupergraphArtifact) => Promise<void>) | undefined;
}

export interface RegistrySources {
  readonly supergraph: SupergraphSource;
  readonly contracts: ContractSources;
  /** Polls the full graph, every contract and the contract list now; resolves when the gateway is done with them. */
  refresh(): Promise<void>;
  stop(): void;
}

export function registrySources(options: RegistrySourcesOptions): RegistrySources {
  const { registry, logger } = options;
  const pollers = new Map<string, SupergraphPoller>();
  const onError = (variant: string) => (error: unknown) =>
    logger.error({ variant, err: error }, 'registry: polling the supergraph failed; the one loaded keeps serving');

  const main = supergraphPoller({
    intervalMs: options.pollMs,
    onError: onError('main'),
    fallback: options.fallback,
    fetch: async (etag) => {
      const fetched = await registry.supergraph(null, etag);
      if (fetched !== null && fetched !== 'not-modified') await options.beforeOffer?.(fetched);
      return pollResult(fetched);
    },
  });

  const contractPoller = (name: string): SupergraphPoller => {
    const poller = supergraphPoller({
      intervalMs: options.pollMs,
      onError: onError(`contracts/${name}`),
      fetch: async (etag) => pollResult(await registry.supergraph(name, etag)),
    });
    pollers.set(name, poller);
    return poller;
  };

  let serve: ((name: string, source: SupergraphSource) => Promise<void>) | null = null;
  /** Serves the contracts the registry has and the gateway does not yet (each once it has a supergraph). */
  const discover = async (): Promise<void> => {
    if (!serve) return;
    const serveNew = serve;
    for (const contract of await registry.contracts()) {
      if (pollers.has(contract.name)) continue;
      if ((await registry.supergraph(contract.name)) === null) continue;
      await serveNew(contract.name, contractPoller(contract.name)).catch((error: unknown) =>
        logger.error({ contract: contract.name, err: error }, 'registry: contract not served'),
      );
    }
  };
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    timer = setTimeout(() => {
      discover()
        .catch(onError('contracts'))
        .finally(() => {
          if (timer) schedule();
        });
    }, options.pollMs);
    timer.unref();
  };

  return {
    supergraph: main,
    contracts: {
      async initial() {
        const sources = new Map<string, SupergraphSource>();
        for (const contract of await registry.contracts()) {
          if ((await registry.supergraph(contract.name)) !== null) sources.set(contract.name, contractPoller(contract.name));
        }
        return sources;
      },
      subscribe(next) {
        serve = next;
        schedule();
        return () => {
          serve = null;
          if (timer) clearTimeout(timer);
          timer = null;
        };
      },
    },
    async refresh() {
      await main.pollNow();
      await Promise.all([...pollers.values()].map((poller) => poller.pollNow()));
      await discover();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

function pollResult(fetched: SupergraphFetch): PollResult {
  if (fetched === null || fetched === 'not-modified') return fetched;
  return { etag: fetched.etag, supergraph: { id: `${fetched.contract ?? 'main'}#${fetched.id}`, sdl: fetched.sdl } };
}
