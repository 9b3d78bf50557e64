/**
 * The gateway's registry-manifest poller (docs/persisted-operations.md#through-the-registry): it
 * takes new manifests with their ETag, sends that ETag on the next poll, keeps what it has when a
 * poll fails or brings a manifest whose id does not match its body, and stops.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/persistedManifest.ts';
import { manifestPoller, type ManifestPollResult } from '../../gateway/persisted/manifestPoller.ts';
import type { ClientManifest } from '../../gateway/persisted/persistedOperations.ts';

const BODY = '{ a }';
const operation = { id: sha256Hex(BODY), name: 'A', type: 'query', body: BODY };

function harness(answers: (ManifestPollResult | Error)[]) {
  const asked: (string | null)[] = [];
  const applied: (readonly ClientManifest[])[] = [];
  const errors: string[] = [];
  const pending: (() => void)[] = [];
  let cancelled = 0;
  const poller = manifestPoller({
    fetch: async (etag) => {
      asked.push(etag);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more answers');
      if (answer instanceof Error) throw answer;
      return answer;
    },
    target: { setRegistryManifests: (manifests) => applied.push(manifests) },
    intervalMs: 1000,
    onError: (error) => errors.push((error as Error).message),
    schedule: (poll) => {
      pending.push(poll);
      return () => cancelled++;
    },
  });
  return { poller, asked, applied, errors, pending, cancelled: () => cancelled };
}

describe('manifestPoller', () => {
  it('applies new manifests, polls with their ETag, and leaves them on 304, errors and bad ids', async () => {
    const h = harness([
      { etag: '"1"', manifests: [{ client: 'app', operations: [operation] }] },
      'not-modified',
      new Error('registry down'),
      { etag: '"2"', manifests: [{ client: 'app', operations: [{ ...operation, id: sha256Hex('{ b }') }] }] },
    ]);
    await h.poller.ready;
    expect(h.applied).toEqual([[{ client: 'app', manifest: { operations: [{ ...operation, clients: null }] } }]]);
    for (let i = 0; i < 3; i++) await h.poller.pollNow();
    // Each poll, done, scheduled the next one.
    expect(h.pending).toHaveLength(4);
    expect(h.asked).toEqual([null, '"1"', '"1"', '"1"']);
    expect(h.applied).toHaveLength(1);
    expect(h.errors).toEqual([
      'registry down',
      `operation 0 (A): the id ${sha256Hex('{ b }')} is not the SHA-256 of its body (${sha256Hex(BODY)})`,
    ]);
  });

  it('schedules nothing more once stopped', async () => {
    const h = harness([{ etag: '"1"', manifests: [] }]);
    await h.poller.ready;
    expect(h.pending).toHaveLength(1);
    h.poller.stop();
    expect(h.cancelled()).toBe(1);
  });
});
