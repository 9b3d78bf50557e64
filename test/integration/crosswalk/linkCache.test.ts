/**
 * The composite CRM's link cache (docs/crosswalk.md#the-link-cache) on a counting lookup and an
 * injected clock: repeated reads ask once; an invalidation (a crosswalk event through its consumer)
 * makes the next read ask; the TTL makes a read past it ask; concurrent reads share one call; a
 * call that was under way when the cache was cleared, or that failed, is not kept.
 */
import { describe, expect, it } from 'vitest';
import type { CrosswalkLink, CrosswalkLookup } from '../../../systems/crm/adapters/composite/crosswalkLookup.ts';
import { createLinkCache, LINK_EVENT_TYPES, linkCacheConsumer } from '../../../systems/crm/adapters/composite/linkCache.ts';
import { CROSSWALK_EVENT_TYPES } from '../../../systems/integration/crosswalk/events.ts';
import { crosswalkChanged } from '../../../runtime/crosswalkLinks.ts';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';

const LINK: CrosswalkLink = {
  entityType: 'ACCOUNT',
  survivorId: 'acc_00001',
  duplicateId: 'acc_00046',
  survivorship: { name: 'salesforce' },
};

/** A lookup answering `current` (what the integration system holds now), counting its calls. */
function countingLookup() {
  const state = { calls: 0, current: [] as CrosswalkLink[], fail: false };
  const lookup: CrosswalkLookup = {
    links() {
      state.calls += 1;
      if (state.fail) return Promise.reject(new Error('integration is down'));
      return Promise.resolve([...state.current]);
    },
  };
  return { state, lookup };
}

function clock(start = 1_000_000) {
  let at = start;
  return { now: () => at, advance: (ms: number) => (at += ms) };
}

describe('the crosswalk link cache', () => {
  it('asks once for repeated reads within the TTL, and again once the TTL has passed', async () => {
    const { state, lookup } = countingLookup();
    const time = clock();
    const links = createLinkCache({ ttlMs: 30_000, now: time.now }).over(lookup);
    expect(await links.links()).toEqual([]);
    state.current = [LINK];
    expect(await links.links()).toEqual([]);
    time.advance(29_999);
    expect(await links.links()).toEqual([]);
    expect(state.calls).toBe(1);
    time.advance(1);
    expect(await links.links()).toEqual([LINK]);
    expect(await links.links()).toEqual([LINK]);
    expect(state.calls).toBe(2);
  });

  it('asks again after a crosswalk event reached its consumer, whatever the TTL', async () => {
    const { state, lookup } = countingLookup();
    const cache = createLinkCache({ ttlMs: 30_000, now: clock().now });
    const links = cache.over(lookup);
    expect(await links.links()).toEqual([]);
    state.current = [LINK];
    const consumer = linkCacheConsumer(cache);
    expect({ name: consumer.name, types: consumer.types }).toEqual({
      name: 'crm-crosswalk-links',
      types: ['AccountsMerged', 'OpportunitiesMerged', 'RecordsUnmerged'],
    });
    await consumer.handle({ type: 'AccountsMerged' } as EventEnvelope, { trx: null as never, attempt: 1, now: new Date() });
    expect(await links.links()).toEqual([LINK]);
    expect(await links.links()).toEqual([LINK]);
    expect(state.calls).toBe(2);
  });

  it('is cleared in embedded mode when a crosswalk capability of the integration system commits, and by no other', async () => {
    const { state, lookup } = countingLookup();
    const cache = createLinkCache({ ttlMs: 30_000, now: clock().now });
    const links = cache.over(lookup);
    const committed = crosswalkChanged([cache]);
    await links.links();
    committed('integration.createWebhookSubscription');
    committed('crm.openOpportunity');
    await links.links();
    expect(state.calls).toBe(1);
    for (const capability of ['integration.mergeAccounts', 'integration.mergeOpportunities', 'integration.unmergeRecords']) {
      committed(capability);
      await links.links();
    }
    expect(state.calls).toBe(4);
  });

  it('wants exactly the event types the integration system emits on a merge or unmerge', () => {
    expect([...LINK_EVENT_TYPES]).toEqual([...CROSSWALK_EVENT_TYPES]);
  });

  it('shares one call between concurrent reads, and keeps no answer of a call under way when the cache was cleared', async () => {
    let release: (links: CrosswalkLink[]) => void = () => undefined;
    let calls = 0;
    const slow: CrosswalkLookup = {
      links() {
        calls += 1;
        return new Promise((resolve) => (release = resolve));
      },
    };
    const cache = createLinkCache({ ttlMs: 30_000, now: clock().now });
    const links = cache.over(slow);
    const first = links.links();
    const second = links.links();
    expect(calls).toBe(1);
    // A merge commits while the call (which may have read the crosswalk before it) is under way.
    cache.invalidate();
    const stale = release;
    const third = links.links();
    expect(calls).toBe(2);
    release([LINK]);
    stale([]);
    expect(await Promise.all([first, second, third])).toEqual([[], [], [LINK]]);
    expect(await links.links()).toEqual([LINK]);
    expect(calls).toBe(2);
  });

  it('keeps no failed call: the next read asks again', async () => {
    const { state, lookup } = countingLookup();
    const links = createLinkCache({ ttlMs: 30_000, now: clock().now }).over(lookup);
    state.fail = true;
    await expect(links.links()).rejects.toThrow('integration is down');
    state.fail = false;
    state.current = [LINK];
    expect(await links.links()).toEqual([LINK]);
    expect(state.calls).toBe(2);
  });

  it('caches nothing with a TTL of 0, nor a snapshot above its bound', async () => {
    const off = countingLookup();
    const uncached = createLinkCache({ ttlMs: 0 }).over(off.lookup);
    expect(uncached).toBe(off.lookup);

    const { state, lookup } = countingLookup();
    state.current = [LINK, { ...LINK, duplicateId: 'acc_00047' }];
    const bounded = createLinkCache({ ttlMs: 30_000, now: clock().now, maxLinks: 1 }).over(lookup);
    await bounded.links();
    await bounded.links();
    expect(state.calls).toBe(2);
  });
});
