/**
 * A supergraph source that polls (docs/registry.md#hot-reload): the registry's
 * `GET /registry/api/supergraph` with `If-None-Match`, or an in-process registry's store. One poll
 * at a time: the next is scheduled when the previous one (and the gateway's swap) is done, so a
 * slow registry or a slow swap never piles polls up.
 */
import type { OfferSupergraph, Supergraph, SupergraphOutcome, SupergraphSource } from './source.ts';

/** One poll's answer: a supergraph and its ETag, `not-modified` (304), or `null` (nothing composed yet). */
export type PollResult = { readonly etag: string; readonly supergraph: Supergraph } | 'not-modified' | null;

export interface PollerOptions {
  /** Fetches the current supergraph; `etag` is the last one seen (null on the first poll). */
  readonly fetch: (etag: string | null) => Promise<PollResult>;
  readonly intervalMs: number;
  /** Called with every failed poll; the poller keeps going. */
  readonly onError: (error: unknown) => void;
  /**
   * The supergraph to start with when the first poll finds nothing or fails (the SDL composed from
   * `schema/`); without one, `initial()` rejects.
   */
  readonly fallback?: Supergraph | undefined;
  /** Schedules the next poll; returns its cancel function. @default setTimeout (unref'd) */
  readonly schedule?: ((poll: () => void, ms: number) => () => void) | undefined;
}

export interface SupergraphPoller extends SupergraphSource {
  /**
   * Polls now (an in-process registry calls it on publish), after the poll under way if there is
   * one; resolves with what the gateway made of a new supergraph, or null when there was none.
   */
  pollNow(): Promise<SupergraphOutcome | null>;
}

export function supergraphPoller(options: PollerOptions): SupergraphPoller {
  const schedule = options.schedule ?? unrefTimeout;
  let etag: string | null = null;
  let offer: OfferSupergraph | null = null;
  let running: Promise<SupergraphOutcome | null> | null = null;
  let cancel: (() => void) | null = null;

  const next = () => {
    cancel = offer ? schedule(() => void poll(), options.intervalMs) : null;
  };
  const pollOnce = async (): Promise<SupergraphOutcome | null> => {
    try {
      const result = await options.fetch(etag);
      if (result === null || result === 'not-modified' || !offer) return null;
      const outcome = await offer(result.supergraph);
      // A refused supergraph is not offered again until the registry has another one.
      etag = result.etag;
      return outcome;
    } catch (error) {
      options.onError(error);
      return null;
    }
  };
  const poll = (): Promise<SupergraphOutcome | null> => {
    if (running) return running;
    cancel?.();
    cancel = null;
    running = pollOnce().finally(() => {
      running = null;
      next();
    });
    return running;
  };

  return {
    async initial() {
      let first: PollResult = null;
      try {
        first = await options.fetch(null);
      } catch (error) {
        if (!options.fallback) throw error;
        options.onError(error);
      }
      if (first !== null && first !== 'not-modified') {
        etag = first.etag;
        return first.supergraph;
      }
      if (options.fallback) return options.fallback;
      throw new Error('the registry has no supergraph yet, and this gateway has none to start with');
    },
    subscribe(offerNext) {
      offer = offerNext;
      next();
      return () => {
        offer = null;
        cancel?.();
        cancel = null;
      };
    },
    // A poll under way may have read the registry before the change the caller knows of: poll once more after it.
    pollNow: () => (running ? running.then(() => poll()) : poll()),
  };
}

/** A timer that does not keep the process alive; returns its cancel function. */
export function unrefTimeout(poll: () => void, ms: number): () => void {
  const timer = setTimeout(poll, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
