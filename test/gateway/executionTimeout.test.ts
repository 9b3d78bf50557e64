/**
 * The execution timeout (docs/demand-control.md#execution-timeout): an operation whose subgraph
 * never answers is answered 504 OPERATION_TIMEOUT once TESSERA_EXECUTION_TIMEOUT_MS passes, the
 * subgraph call in flight sees its signal aborted, and the refusal is counted.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { inProcessUrl } from '../../runtime/systemUrls.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const TIMEOUT_MS = 200;
const { demandControl } = loadConfig({});

/** Subgraph calls to PSA never answer while `hanging`: each waits for its signal, records it, and rejects with its reason. */
const hanging = { on: false, signals: [] as AbortSignal[] };
const neverAnswers =
  (fetcher: Fetcher): Fetcher =>
  (url, init) => {
    if (!hanging.on || url !== inProcessUrl('psa')) return fetcher(url, init);
    const signal = init?.signal as AbortSignal | undefined;
    if (signal) hanging.signals.push(signal);
    return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
  };

let tessera: TestTessera;
beforeAll(async () => {
  tessera = await startTestTessera({
    scale: 'none',
    wrapFetcher: neverAnswers,
    config: { demandControl: { ...demandControl, executionTimeoutMs: TIMEOUT_MS } },
  });
});
afterAll(() => tessera?.stop());

async function timeoutRefusals(): Promise<number> {
  const text = await (await fetch(tessera.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((entry) => entry.startsWith('tessera_limit_refusals_total{limit="timeout"} '));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('the execution timeout', () => {
  it('has a default of 30 s', () => {
    expect(demandControl.executionTimeoutMs).toBe(30_000);
  });

  it('answers an operation that finishes in time', async () => {
    const { status, body } = await tessera.request({ query: '{ projects(first: 1) { nodes { code } } }' });
    expect({ status, body }).toEqual({ status: 200, body: { data: { projects: { nodes: [] } } } });
  });

  it('answers 504 OPERATION_TIMEOUT when a subgraph never answers, and aborts the call in flight', async () => {
    const before = await timeoutRefusals();
    hanging.on = true;
    try {
      const { status, body, headers } = await tessera.request({ query: '{ projects(first: 1) { nodes { code } } }' });
      // In the media type the client accepted, like every other answer at /graphql.
      expect(headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
      expect({ status, body }).toEqual({
        status: 504,
        body: {
          errors: [
            {
              message: `The operation did not finish within ${TIMEOUT_MS} ms (TESSERA_EXECUTION_TIMEOUT_MS); its subgraph calls were stopped.`,
              extensions: { code: 'OPERATION_TIMEOUT' },
            },
          ],
        },
      });
    } finally {
      hanging.on = false;
    }
    expect(hanging.signals.length).toBeGreaterThan(0);
    expect(hanging.signals.map((signal) => signal.aborted)).toEqual(hanging.signals.map(() => true));
    expect((await timeoutRefusals()) - before).toBe(1);
  });
});
