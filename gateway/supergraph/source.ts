/**
 * Where the gateway's supergraphs come from (docs/registry.md#hot-reload). The gateway knows only
 * this interface: the runtime adapts a registry (in process or over HTTP) to it, and the SDL
 * composed from `schema/` at start is the static default.
 */
import { createHash } from 'node:crypto';

/** One composed supergraph; `id` names it in logs, metrics and `/health/ready`. */
export interface Supergraph {
  readonly id: string;
  readonly sdl: string;
}

/** What became of an offered supergraph: served now, or refused (the previous one keeps serving). */
export type SupergraphOutcome =
  | { readonly result: 'applied'; readonly id: string }
  | { readonly result: 'failed'; readonly id: string; readonly error: string }
  /** The same id as the one serving: nothing to do. */
  | { readonly result: 'unchanged'; readonly id: string };

/** Offers a newer supergraph to the gateway; resolves once it serves, or was refused (never rejects). */
export type OfferSupergraph = (next: Supergraph) => Promise<SupergraphOutcome>;

export interface SupergraphSource {
  /** The supergraph to start with; a gateway (or a contract) does not start without one. */
  initial(): Promise<Supergraph>;
  /**
   * Offers each newer supergraph, one at a time (a source awaits an offer before making the next).
   * Returns the function that stops the offers (the gateway calls it when it stops).
   */
  subscribe(offer: OfferSupergraph): () => void;
}

/** A supergraph's id when its source has none: a digest of its SDL. */
export function supergraphIdOf(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex').slice(0, 16);
}

/** A supergraph that never changes: the SDL composed from `schema/` at start, as before the registry. */
export function staticSupergraphSource(sdl: string, id: string = supergraphIdOf(sdl)): SupergraphSource {
  return {
    initial: async () => ({ id, sdl }),
    subscribe: () => () => {},
  };
}

/**
 * A source the caller pushes to: an in-process registry's publish, or a test. `push` resolves
 * with what the gateway made of the supergraph (so a publish can answer once the gateway serves
 * it); pushes are offered in order, one at a time. Before the gateway subscribes, a push only
 * replaces the initial supergraph.
 */
export interface SupergraphChannel extends SupergraphSource {
  push(next: Supergraph): Promise<SupergraphOutcome>;
}

export function supergraphChannel(initial: Supergraph): SupergraphChannel {
  let latest = initial;
  let offer: OfferSupergraph | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    initial: async () => latest,
    subscribe(next) {
      offer = next;
      return () => {
        if (offer === next) offer = null;
      };
    },
    push(next) {
      latest = next;
      const offered = queue.then(() => (offer ? offer(next) : ({ result: 'unchanged', id: next.id } as const)));
      queue = offered;
      return offered;
    },
  };
}

/** The contracts a gateway serves (docs/registry.md#hot-reload); more may be created while it runs. */
export interface ContractSources {
  /** The contracts to serve from the start, by name. */
  initial(): Promise<ReadonlyMap<string, SupergraphSource>>;
  /**
   * Tells the gateway of each contract created later: `serve` resolves once it serves there, or
   * rejects when its first supergraph cannot load. Returns the function that stops it.
   */
  subscribe(serve: (name: string, source: SupergraphSource) => Promise<void>): () => void;
}
