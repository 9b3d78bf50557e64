/**
 * How the crosswalk's changes reach the composite CRM's link cache besides its TTL
 * (docs/crosswalk.md#the-link-cache), where the process engine's consumer cannot:
 * - In embedded mode, a merge or unmerge that committed in this process clears the cache before the
 *   capability answers, so the steward's next read already shows the new link (the events clear it
 *   too, through the relay, a moment later; this spares the wait for them).
 * - In a CRM process of its own with NATS, the process hears the crosswalk's events broadcast
 *   (docs/events.md#broadcast): every CRM replica clears its own cache.
 */
import type { NatsConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { LINK_EVENT_TYPES, type CrosswalkLinkCache } from '../systems/crm/adapters/composite/linkCache.ts';
import { crosswalkCapabilities } from '../systems/integration/crosswalk/capabilities.ts';
import { listenToEvents, type Broadcast } from '../systems/kernel/events/nats/broadcast.ts';

/** The capabilities that change the crosswalk's links (`integration.mergeAccounts`, ...). */
const LINK_CHANGES: ReadonlySet<string> = new Set(Object.keys(crosswalkCapabilities).map((field) => `integration.${field}`));

/** The integration system's `onEventsCommitted`: clears every cache in `caches` (filled as the CRM is bound) after a crosswalk capability. */
export function crosswalkChanged(caches: readonly CrosswalkLinkCache[]): (capability: string) => void {
  return (capability) => {
    if (!LINK_CHANGES.has(capability)) return;
    for (const cache of caches) cache.invalidate();
  };
}

/** Clears `cache` on every crosswalk event the relay publishes to NATS, until closed. */
export function hearLinkChanges(cache: CrosswalkLinkCache, nats: NatsConfig, logger: Logger): Promise<Broadcast> {
  return listenToEvents({
    url: nats.servers.join(','),
    ...(nats.credsFile ? { credsFile: nats.credsFile } : {}),
    prefix: nats.streamPrefix,
    source: 'integration',
    types: LINK_EVENT_TYPES,
    onEvent: () => cache.invalidate(),
    logger,
  });
}
