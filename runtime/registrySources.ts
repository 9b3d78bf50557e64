/**
 * A registry (in process, or `tessera serve registry` over HTTP: both are a `Registry`) as the
 * gateway's supergraph sources (docs/registry.md#hot-reload): the full graph for `/graphql` and one
 * per contract for `/contracts/<name>/graphql`, each polled with its ETag. New contracts are found on
 * the same schedule; a contract that could not be served yet is tried again there. `refresh()`
 * polls everything at once (an in-process publish calls it) and resolves when the gateway serves
 * the result, or refused it. A registry that cannot be reached at start leaves `/graphql` on its
 * fallback and the contracts to be found later: the gateway starts anyway.
 */
import type { Logger } from '../core/logger.ts';
import { supergraphPoller, type PollResult, type SupergraphPoller } from '../gateway/supergraph/poller.ts';
import type { ContractSources, OfferSupergraph, Supergraph, SupergraphOutcome, SupergraphSource } from '../gateway/supergraph/source.ts';
import type { Registry, SupergraphFetch } from '../registry/registry.ts';
import type { SupergraphArtifact } from '../registry/types.ts';

/** What the systems running beside the gateway do around a swap (the embedded mode's subgraphs follow their published SDL). */
export interface SwapHooks {
  /**
   * Runs before a supergraph (the full graph's, or a contract's) is offered; when it throws, the
   * supergraph is not offered and the poll counts as failed.
   */
  before(artifact: SupergraphArtifact): Promise<void>;
  /** Runs after the gateway decided on a full-graph supergraph (`failed`: the systems go back to what it serves). */
  after(outcome: SupergraphOutcome): Promise<void>;
}

export interface RegistrySourcesOptions {
  readonly registry: Registry;
  readonly pollMs: number;
  readonly logger: Logger;
  /** What `/graphql` starts with when the registry has nothing composed yet (or cannot be reached). */
  readonly fallback?: Supergraph | undefined;
  readonly hooks?: SwapHooks | undefined;
}

export interface RegistrySources {
  readonly supergraph: SupergraphSource;
  readonly contracts: ContractSources;
  /** Polls the full graph, every contract and the contract list now; resolves when the gateway is done with them. */
  refresh(): Promise<void>;
  stop(): void;
}

export function registrySources(options: RegistrySourcesOptions): RegistrySources {
  const { registry, logger, hooks } = options;
  const onError = (variant: string) => (error: unknown) =>
    logger.error({ variant, err: error }, 'registry: polling the supergraph failed; the one loaded keeps serving');
  const fetchFor = (contract: string | null) => async (etag: string | null) => {
    const fetched = await registry.supergraph(contract, etag);
    if (fetched !== null && fetched !== 'not-modified') await hooks?.before(fetched);
    return pollResult(fetched);
  };

  const mainPoller = supergraphPoller({
    intervalMs: options.pollMs,
    onError: onError('main'),
    fallback: options.fallback,
    fetch: fetchFor(null),
  });
  const main: SupergraphPoller = hooks
    ? {
        ...mainPoller,
        subscribe: (offer: OfferSupergraph) =>
          mainPoller.subscribe(async (next) => {
            const outcome = await offer(next);
            await hooks.after(outcome);
            return outcome;
          }),
      }
    : mainPoller;

  /** The contracts the gateway serves, by name: a contract is added once it serves, so one that failed is tried again. */
  const served = new Map<string, SupergraphPoller>();
  const contractPoller = (name: string): SupergraphPoller =>
    supergraphPoller({ intervalMs: options.pollMs, onError: onError(`contracts/${name}`), fetch: fetchFor(name) });

  let serve: ((name: string, source: SupergraphSource) => Promise<void>) | null = null;
  let discovering: Promise<void> = Promise.resolve();
  /** Serves the contracts the registry has and the gateway does not yet; one discovery at a time. */
  const discover = (): Promise<void> => {
    const run = discovering.then(async () => {
      if (!serve) return;
      const serveNew = serve;
      for (const contract of await registry.contracts()) {
        if (served.has(contract.name) || (await registry.supergraph(contract.name)) === null) continue;
        const poller = contractPoller(contract.name);
        try {
          await serveNew(contract.name, poller);
          served.set(contract.name, poller);
        } catch (error) {
          logger.error({ contract: contract.name, err: error }, 'registry: contract not served; tried again at the next poll');
        }
      }
    });
    // The next discovery waits for this one, whether it failed or not.
    discovering = run.catch(() => {});
    return run;
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
      // The gateway subscribes first (runtime/supergraphs.ts serveContracts): the first discovery serves
      // what the registry has before the gateway starts; an unreachable registry starts it without.
      async initial() {
        await discover().catch(onError('contracts'));
        return new Map<string, SupergraphSource>();
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
      await Promise.all([...served.values()].map((poller) => poller.pollNow()));
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
