/** A peer call is bounded (docs/resilience.md#configuration): a hanging peer never holds a capability. */
import type { Fetcher } from '@apollo/utils.fetcher';
import { describe, expect, it } from 'vitest';
import { createPeers } from '../../../systems/kernel/capability/peers.ts';

/** A peer that accepts the call and never answers; resolves `seen` with the call's signal. */
function hangingPeer(): { fetcher: Fetcher; seen: Promise<AbortSignal> } {
  let see: (signal: AbortSignal) => void = () => {};
  const seen = new Promise<AbortSignal>((resolve) => (see = resolve));
  const fetcher: Fetcher = (_url, init) =>
    new Promise((_resolve, reject) => {
      const signal = init?.signal as AbortSignal;
      see(signal);
      signal.addEventListener('abort', () => reject(signal.reason));
    });
  return { fetcher, seen };
}

describe('peer calls', () => {
  it('give up after the transport timeout with DOWNSTREAM_UNAVAILABLE naming the system and the bound', async () => {
    const { fetcher, seen } = hangingPeer();
    const peers = createPeers({ fetcher, urlOf: () => 'http://crm.test/graphql', internalSecret: 'x'.repeat(32), timeoutMs: 50 }, 'erp', {
      requestId: 'req-1',
      principalToken: 'token',
    });
    const call = peers.read('crm', '{ __typename }');
    const signal = await seen;
    await expect(call).rejects.toMatchObject({
      message: 'The CRM system did not answer within 50 ms. Retry the same request later.',
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE' },
    });
    expect(signal.aborted).toBe(true);
  });
});
