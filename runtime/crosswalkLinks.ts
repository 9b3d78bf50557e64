/**
 * Embedded mode's direct path from the crosswalk to the composite CRM's link cache
 * (docs/crosswalk.md#the-link-cache): when the CRM and the integration system run in one process,
 * a merge or unmerge that committed clears the cache before the capability answers, so the
 * steward's next read already shows the new link. The crosswalk's events clear it too (through the
 * relay, a moment later); this only spares the wait for them.
 */
import type { CrosswalkLinkCache } from '../systems/crm/adapters/composite/linkCache.ts';
import { crosswalkCapabilities } from '../systems/integration/crosswalk/capabilities.ts';

/** The capabilities that change the crosswalk's links (`integration.mergeAccounts`, ...). */
const LINK_CHANGES: ReadonlySet<string> = new Set(Object.keys(crosswalkCapabilities).map((field) => `integration.${field}`));

/** The integration system's `onEventsCommitted`: clears every cache in `caches` (filled as the CRM is bound) after a crosswalk capability. */
export function crosswalkChanged(caches: readonly CrosswalkLinkCache[]): (capability: string) => void {
  return (capability) => {
    if (!LINK_CHANGES.has(capability)) return;
    for (const cache of caches) cache.invalidate();
  };
}
