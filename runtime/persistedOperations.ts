/**
 * The gateway's persisted operations as configured (docs/persisted-operations.md): the manifest
 * file verified (a bad one stops the start), APQ, the required clients, and, with a registry, its
 * manifests polled at `TESSERA_REGISTRY_POLL_MS`. Resolves once the registry's first answer (or
 * failure, logged) is in. It only wires.
 */
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { definePersistedMetrics, PERSISTED_OPERATIONS, SAFELISTED_OPERATIONS } from '../gateway/persisted/persistedMetrics.ts';
import { loadManifestFile } from '../gateway/persisted/loadManifestFile.ts';
import { manifestPoller } from '../gateway/persisted/manifestPoller.ts';
import { createPersistedOperations, type PersistedOperations } from '../gateway/persisted/persistedOperations.ts';
import type { ManifestSource } from './manifestSource.ts';
import type { Shutdown } from './shutdown.ts';

export async function startPersistedOperations(
  config: TesseraConfig,
  logger: Logger,
  metrics: Metrics,
  source: ManifestSource | undefined,
  shutdown: Shutdown,
): Promise<PersistedOperations> {
  const settings = config.persistedOperations;
  const file = settings.file === undefined ? undefined : loadManifestFile(settings.file);
  definePersistedMetrics(metrics);
  const persisted = createPersistedOperations({
    ...settings,
    file,
    onOutcome: (outcome) => metrics.increment(PERSISTED_OPERATIONS, { outcome }),
    onSafelist: (size) => metrics.set(SAFELISTED_OPERATIONS, {}, size),
  });
  if (file) logger.info({ file: settings.file, operations: file.operations.length }, 'persisted operations: manifest file loaded');
  if (source) {
    const poller = manifestPoller({
      fetch: (etag) => source.fetch(etag),
      target: persisted,
      intervalMs: config.registry.pollMs,
      onError: (error) =>
        logger.warn({ err: error }, 'persisted operations: the registry manifests could not be read; the previous ones stay'),
      onApplied: (etag, clients) => logger.info({ etag, clients }, 'persisted operations: registry manifests in use'),
    });
    source.bind(poller);
    shutdown.add(async () => poller.stop());
    await poller.ready;
  }
  return persisted;
}
