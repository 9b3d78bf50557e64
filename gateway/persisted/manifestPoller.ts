/**
 * Keeps a gateway's registry safelists current (docs/persisted-operations.md#through-the-registry):
 * asks the registry for every client's manifest with the last ETag (a 304 costs a header), and
 * replaces the safelists when they changed. One poll at a time, the next scheduled when it is done,
 * like the supergraph poller; a failed poll keeps the safelists it has.
 */
import { parseManifest } from '../../core/persistedManifest.ts';
import { unrefTimeout } from '../supergraph/poller.ts';
import type { ClientManifest, PersistedOperations } from './persistedOperations.ts';

/** The registry's manifests as served: each client's operations (`{ id, name, type, body }`) and one ETag for all. */
export type ManifestPollResult =
  | { readonly etag: string; readonly manifests: readonly { readonly client: string; readonly operations: readonly unknown[] }[] }
  | 'not-modified';

export interface ManifestPollerOptions {
  readonly fetch: (etag: string | null) => Promise<ManifestPollResult>;
  readonly target: Pick<PersistedOperations, 'setRegistryManifests'>;
  readonly intervalMs: number;
  readonly onError: (error: unknown) => void;
  /** Told of every set of manifests taken (the ETag and how many clients). */
  readonly onApplied?: ((etag: string, clients: number) => void) | undefined;
  /** Schedules the next poll; returns its cancel function. @default setTimeout (unref'd) */
  readonly schedule?: ((poll: () => void, ms: number) => () => void) | undefined;
}

export interface ManifestPoller {
  /** Settles once the first poll is done (its failure reported to `onError`, never a rejection). */
  readonly ready: Promise<void>;
  /** Polls now (after the poll under way, if any); resolves when the manifests it found are in use. */
  pollNow(): Promise<void>;
  stop(): void;
}

export function manifestPoller(options: ManifestPollerOptions): ManifestPoller {
  const schedule = options.schedule ?? unrefTimeout;
  let etag: string | null = null;
  let running: Promise<void> | null = null;
  let cancel: (() => void) | null = null;
  let stopped = false;

  const pollOnce = async () => {
    try {
      const result = await options.fetch(etag);
      if (result === 'not-modified' || stopped) return;
      const manifests: ClientManifest[] = result.manifests.map(({ client, operations }) => ({
        client,
        manifest: parseManifest({ format: 'apollo-persisted-query-manifest', version: 1, operations }),
      }));
      options.target.setRegistryManifests(manifests);
      etag = result.etag;
      options.onApplied?.(result.etag, manifests.length);
    } catch (error) {
      options.onError(error);
    }
  };
  const poll = (): Promise<void> => {
    if (running) return running;
    cancel?.();
    cancel = null;
    running = pollOnce().finally(() => {
      running = null;
      if (!stopped) cancel = schedule(() => void poll(), options.intervalMs);
    });
    return running;
  };
  const ready = poll();
  return {
    ready,
    // A poll under way may have read the registry before the change the caller knows of: poll once more after it.
    pollNow: () => (running ? running.then(() => poll()) : poll()),
    stop() {
      stopped = true;
      cancel?.();
      cancel = null;
    },
  };
}
