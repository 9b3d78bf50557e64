/**
 * The supergraph poller (docs/registry.md#hot-reload): ETag-conditional polls on a schedule the
 * test drives by hand, one at a time, a new supergraph offered once, errors reported and survived.
 */
import { describe, expect, it } from 'vitest';
import { supergraphPoller, type PollResult } from '../../gateway/supergraph/poller.ts';
import type { Supergraph, SupergraphOutcome } from '../../gateway/supergraph/source.ts';

/** A registry whose answers the test sets, recording the ETag each poll sent. */
function fakeRegistry() {
  const sent: (string | null)[] = [];
  let current: { etag: string; supergraph: Supergraph } | null = null;
  let failure: Error | null = null;
  return {
    sent,
    set: (etag: string, id: string) => (current = { etag, supergraph: { id, sdl: `# ${id}` } }),
    fail: (error: Error | null) => (failure = error),
    fetch: async (etag: string | null): Promise<PollResult> => {
      sent.push(etag);
      if (failure) throw failure;
      if (current && current.etag === etag) return 'not-modified';
      return current;
    },
  };
}

/** A schedule the test fires by hand. */
function manualSchedule() {
  const pending: { poll: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    pending,
    schedule: (poll: () => void, ms: number) => {
      const entry = { poll, ms, cancelled: false };
      pending.push(entry);
      return () => void (entry.cancelled = true);
    },
    /** The scheduled polls not cancelled nor fired yet. */
    live: () => pending.filter((entry) => !entry.cancelled),
  };
}

describe('supergraphPoller', () => {
  it('starts from the first poll, then offers a new supergraph once, sending the last ETag seen', async () => {
    const registry = fakeRegistry();
    registry.set('"v1"', '1');
    const timer = manualSchedule();
    const offered: string[] = [];
    const poller = supergraphPoller({ fetch: registry.fetch, intervalMs: 5000, onError: () => {}, schedule: timer.schedule });
    expect(await poller.initial()).toEqual({ id: '1', sdl: '# 1' });
    const stop = poller.subscribe(async (next): Promise<SupergraphOutcome> => {
      offered.push(next.id);
      return { result: 'applied', id: next.id };
    });
    expect(timer.live().map((entry) => entry.ms)).toEqual([5000]);

    expect(await poller.pollNow()).toBeNull();
    registry.set('"v2"', '2');
    expect(await poller.pollNow()).toEqual({ result: 'applied', id: '2' });
    expect(await poller.pollNow()).toBeNull();
    expect(registry.sent).toEqual([null, '"v1"', '"v1"', '"v2"']);
    expect(offered).toEqual(['2']);
    // Each poll cancelled the scheduled one and scheduled the next: one is ever pending.
    expect(timer.live()).toHaveLength(1);
    stop();
    expect(timer.live()).toHaveLength(0);
  });

  it('never polls twice at once: a poll asked for while one runs follows it, and sees what changed meanwhile', async () => {
    const registry = fakeRegistry();
    registry.set('"v1"', '1');
    const poller = supergraphPoller({ fetch: registry.fetch, intervalMs: 1000, onError: () => {}, schedule: manualSchedule().schedule });
    await poller.initial();
    let release: () => void = () => {};
    const swapping = new Promise<void>((resolve) => (release = resolve));
    poller.subscribe(async (next) => {
      await swapping;
      return { result: 'applied', id: next.id };
    });
    registry.set('"v2"', '2');
    const first = poller.pollNow();
    // Published while the first poll runs (it may have read the registry already): the second poll finds it.
    registry.set('"v3"', '3');
    const second = poller.pollNow();
    release();
    expect(await first).toEqual({ result: 'applied', id: '2' });
    expect(await second).toEqual({ result: 'applied', id: '3' });
    expect(registry.sent).toEqual([null, '"v1"', '"v2"']);
  });

  it('reports a failed poll and polls again on schedule; a refused supergraph is not offered again', async () => {
    const registry = fakeRegistry();
    registry.set('"v1"', '1');
    const timer = manualSchedule();
    const errors: unknown[] = [];
    const poller = supergraphPoller({
      fetch: registry.fetch,
      intervalMs: 1000,
      onError: (error) => errors.push(error),
      schedule: timer.schedule,
    });
    await poller.initial();
    const offered: string[] = [];
    poller.subscribe(async (next) => {
      offered.push(next.id);
      return { result: 'failed', id: next.id, error: 'does not compose' };
    });
    registry.fail(new Error('registry down'));
    expect(await poller.pollNow()).toBeNull();
    expect(errors).toEqual([new Error('registry down')]);
    expect(timer.live()).toHaveLength(1);
    registry.fail(null);
    registry.set('"v2"', '2');
    expect(await poller.pollNow()).toEqual({ result: 'failed', id: '2', error: 'does not compose' });
    expect(await poller.pollNow()).toBeNull();
    expect(offered).toEqual(['2']);
  });

  it('starts from the fallback when the registry has nothing yet or cannot be reached, and fails without one', async () => {
    const empty = fakeRegistry();
    const fallback = { id: 'schema-folder', sdl: '# local' };
    expect(await supergraphPoller({ fetch: empty.fetch, intervalMs: 1000, onError: () => {}, fallback }).initial()).toEqual(fallback);
    await expect(supergraphPoller({ fetch: empty.fetch, intervalMs: 1000, onError: () => {} }).initial()).rejects.toThrow(
      'the registry has no supergraph yet, and this gateway has none to start with',
    );
    const down = fakeRegistry();
    down.fail(new Error('connection refused'));
    const errors: unknown[] = [];
    expect(await supergraphPoller({ fetch: down.fetch, intervalMs: 1000, onError: (e) => errors.push(e), fallback }).initial()).toEqual(
      fallback,
    );
    expect(errors).toEqual([new Error('connection refused')]);
  });
});
