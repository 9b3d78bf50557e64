/**
 * The composite CRM's cache of the crosswalk's links (docs/crosswalk.md#the-link-cache): one snapshot
 * per process, so bound reads stop asking the integration subgraph every time. It is cleared by the
 * crosswalk's events (`AccountsMerged`, `OpportunitiesMerged`, `RecordsUnmerged`, through the event
 * relay: `linkCacheConsumer`) and, in embedded mode, at once when a local merge or unmerge commits;
 * a snapshot older than the TTL is read again whatever happened, a safety net for an event that
 * has not arrived (or a process that gets none). Concurrent reads share one call; a call that was
 * under way when the cache was cleared answers its callers but is not kept (it may predate the
 * merge); a failed call is not kept either.
 */
import type { EventConsumer } from '../../../kernel/events/transport.ts';
import type { CrosswalkLink, CrosswalkLookup } from './crosswalkLookup.ts';

export interface LinkCacheOptions {
  /** How long a snapshot is used at most (`TESSERA_CROSSWALK_LINK_CACHE_TTL_MS`); 0 caches nothing. */
  readonly ttlMs: number;
  /** Milliseconds now (tests inject a clock). @default Date.now */
  readonly now?: () => number;
  /** A snapshot of more links than this is not kept (each read asks): the cache's memory stays bounded. @default 100000 */
  readonly maxLinks?: number;
}

export interface CrosswalkLinkCache {
  /** `lookup` behind this cache (the process's one lookup: the cache keeps one snapshot). */
  over(lookup: CrosswalkLookup): CrosswalkLookup;
  /** Forgets the snapshot: the next read asks the integration system. */
  invalidate(): void;
}

/** The event types after which the links are read again (the integration system's crosswalk events). */
export const LINK_EVENT_TYPES = ['AccountsMerged', 'OpportunitiesMerged', 'RecordsUnmerged'] as const;

const MAX_LINKS = 100_000;

export function createLinkCache(options: LinkCacheOptions): CrosswalkLinkCache {
  const now = options.now ?? Date.now;
  const maxLinks = options.maxLinks ?? MAX_LINKS;
  let snapshot: { readonly links: readonly CrosswalkLink[]; readonly at: number } | null = null;
  let pending: Promise<readonly CrosswalkLink[]> | null = null;
  // Moves with every invalidation: a call started before one is not kept.
  let generation = 0;
  return {
    over(lookup) {
      if (options.ttlMs <= 0) return lookup;
      const fetchLinks = (): Promise<readonly CrosswalkLink[]> => {
        const started = generation;
        const call = lookup.links().then(
          (links) => {
            if (started === generation) {
              pending = null;
              if (links.length <= maxLinks) snapshot = { links, at: now() };
            }
            return links;
          },
          (error: unknown) => {
            if (started === generation) pending = null;
            throw error;
          },
        );
        pending = call;
        return call;
      };
      return {
        links() {
          if (snapshot && now() - snapshot.at < options.ttlMs) return Promise.resolve(snapshot.links);
          snapshot = null;
          return pending ?? fetchLinks();
        },
      };
    },
    invalidate() {
      generation += 1;
      snapshot = null;
      pending = null;
    },
  };
}

/** The consumer that clears `cache` on every crosswalk event the relay delivers (docs/crosswalk.md#the-link-cache). */
export function linkCacheConsumer(cache: CrosswalkLinkCache): EventConsumer {
  return {
    name: 'crm-crosswalk-links',
    types: LINK_EVENT_TYPES,
    handle() {
      cache.invalidate();
      return Promise.resolve();
    },
  };
}
