/**
 * Where a gateway's registry safelists come from (docs/persisted-operations.md#through-the-registry):
 * the registry's manifests (in process, or `tessera serve registry` over HTTP), polled with their
 * ETag by the gateway's manifest poller. `refresh` polls at once: the embedded registry's API
 * answers a manifest publish once the gateway uses it. It only wires.
 */
import type { ManifestPoller, ManifestPollResult } from '../gateway/persisted/manifestPoller.ts';
import type { Registry } from '../registry/registry.ts';

export interface ManifestSource {
  fetch(etag: string | null): Promise<ManifestPollResult>;
  /** The gateway's poller, once it runs. */
  bind(poller: ManifestPoller): void;
  /** Polls now; resolves once what it found is in use (at once when no gateway polls). */
  refresh(): Promise<void>;
}

export function registryManifestSource(registry: Pick<Registry, 'manifests'>): ManifestSource {
  let poller: ManifestPoller | null = null;
  return {
    async fetch(etag) {
      const result = await registry.manifests(etag);
      if (result === 'not-modified') return result;
      return { etag: result.etag, manifests: result.manifests.map(({ client, operations }) => ({ client, operations })) };
    },
    bind(next) {
      poller = next;
    },
    refresh: async () => poller?.pollNow(),
  };
}
