/**
 * The gateway service's supergraph wiring (docs/registry.md#hot-reload): the default supergraph
 * (composed from `schema/`), the metrics of every swap, and the contracts served.
 */
import type { Gateway, SupergraphEvent } from '../gateway/createGateway.ts';
import type { ContractSources } from '../gateway/supergraph/source.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { composeSupergraph } from '../schema/compose.ts';
import { readSubgraphSdl } from '../schema/subgraphSdl.ts';
import { SYSTEM_LIST } from '../systems/systems.ts';
import type { Shutdown } from './shutdown.ts';
import type { SystemUrls } from './systemUrls.ts';

export type { ContractSources } from '../gateway/supergraph/source.ts';

/** The supergraph composed from `schema/` with each system's URL (what the gateway serves without a registry). */
export function composedFromSchemaFolder(urls: SystemUrls): string {
  return composeSupergraph(
    urls.all.map(({ name, url }) => ({
      name,
      url,
      sdl: readSubgraphSdl(name),
      system: SYSTEM_LIST.find((entry) => entry.name === name)?.systemOfRecord,
    })),
  );
}

/** `tessera_supergraph_updates_total` and, for the one now serving, `tessera_supergraph_loaded_timestamp_seconds`. */
export function recordSupergraph(metrics: Metrics, event: SupergraphEvent): void {
  metrics.increment('tessera_supergraph_updates_total', { variant: event.variant, result: event.result });
  if (event.result !== 'applied') return;
  metrics.clear('tessera_supergraph_loaded_timestamp_seconds', { variant: event.variant });
  metrics.set('tessera_supergraph_loaded_timestamp_seconds', { variant: event.variant, id: event.id }, event.at.getTime() / 1000);
}

/**
 * Serves the contracts known now (the service starts once each has loaded or was refused) and
 * each one created later. A contract that cannot load is reported and does not stop the gateway.
 */
export async function serveContracts(gateway: Gateway, contracts: ContractSources, logger: Logger, shutdown: Shutdown): Promise<void> {
  // Subscribed first, so a contract created while the initial ones load is not missed (serving is idempotent by name).
  const unsubscribe = contracts.subscribe((name, source) => gateway.serveContract(name, source));
  shutdown.add(async () => unsubscribe());
  const initial = await contracts.initial();
  await Promise.all(
    [...initial].map(([name, source]) =>
      gateway.serveContract(name, source).catch((error: unknown) => logger.error({ contract: name, err: error }, 'contract not served')),
    ),
  );
}
