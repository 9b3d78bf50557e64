/**
 * Client disconnect (docs/demand-control.md#client-disconnect): when the client closes its
 * connection before the answer, the request's signal aborts the subgraph call in flight, and the
 * fetches the query plan has left are refused before they reach their subgraph.
 */
import http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inProcessUrl } from '../../runtime/systemUrls.ts';
import type { SystemName } from '../../systems/systems.ts';
import { FULL_ACCESS, startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

interface Call {
  readonly url: string;
  /** Whether the call's signal had already aborted when the data source made it. */
  readonly abortedAtCall: boolean;
}

/** A promise and its resolver. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const watching = { on: false, calls: [] as Call[], psaAnswered: deferred<AbortSignal>() };
/** While on: PSA's calls get this suite's own signal, and PSA's SQL statements are counted; `abortAt` aborts the signal at that statement. */
const cutting = { on: false, statements: 0, abortAt: 0, controller: new AbortController() };
/** While watching: every call is recorded; PSA's answer is held back until the request's signal aborts. */
const holdPsa =
  (fetcher: Fetcher): Fetcher =>
  async (url, init) => {
    if (cutting.on && url === inProcessUrl('psa')) return fetcher(url, { ...init, signal: cutting.controller.signal });
    if (!watching.on) return fetcher(url, init);
    const signal = init?.signal as AbortSignal;
    watching.calls.push({ url, abortedAtCall: signal.aborted });
    const response = await fetcher(url, init);
    if (url !== inProcessUrl('psa')) return response;
    watching.psaAnswered.resolve(signal);
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return response;
  };

const sqlBySystem = new Map<SystemName, number>();
let tessera: TestTessera;
beforeAll(async () => {
  tessera = await startTestTessera({
    scale: 's',
    wrapFetcher: holdPsa,
    onQuery: (system) => {
      if (watching.on) sqlBySystem.set(system, (sqlBySystem.get(system) ?? 0) + 1);
      if (cutting.on && system === 'psa' && ++cutting.statements === cutting.abortAt) cutting.controller.abort(new Error('called off'));
    },
  });
});
afterAll(() => tessera?.stop());

describe('a client that disconnects', () => {
  it('aborts the subgraph call in flight, no later subgraph call reaches its subgraph, and the access log says 499', async () => {
    // PSA answers the project; its customer's name is CRM's, fetched after PSA's answer (the README's project).
    const body = JSON.stringify({ query: '{ project(id: "prj_00008") { code customer { name } } }' });
    const token = await tessera.token(FULL_ACCESS);
    watching.on = true;
    const request = http.request(tessera.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
    });
    request.on('error', () => {}); // the socket is destroyed on purpose
    request.end(body);
    const signal = await watching.psaAnswered.promise;
    expect(signal.aborted).toBe(false);
    request.destroy();
    await vi.waitFor(() => expect(signal.aborted).toBe(true), { timeout: 5000 });
    // The plan's next fetch (CRM's entities) is called off before it reaches CRM: the data source
    // refuses it, or hands the aborted signal to the fetcher, which refuses it before executing.
    await vi.waitFor(
      () =>
        expect(tessera.logs.records.filter((record) => record.msg === 'subgraph request failed')).toContainEqual(
          expect.objectContaining({ subgraph: 'crm', reason: 'cancelled' }),
        ),
      { timeout: 5000 },
    );
    watching.on = false;
    expect(watching.calls[0]).toEqual({ url: inProcessUrl('psa'), abortedAtCall: false });
    expect(watching.calls.slice(1)).toEqual(watching.calls.slice(1).map((call) => ({ ...call, abortedAtCall: true })));
    expect(sqlBySystem.get('crm') ?? 0).toBe(0);
    expect(sqlBySystem.get('psa')).toBeGreaterThan(0);
    // Nobody to answer: the access log says 499.
    await vi.waitFor(
      () => expect(tessera.logs.records.filter((record) => record.msg === 'request').map((record) => record.status)).toContain(499),
      {
        timeout: 5000,
      },
    );
  });

  it('stops the subgraph execution in flight: once its call is called off, the subgraph runs no further read', async () => {
    // PSA reads the projects (one read: their page and their count, two statements), then, in a
    // second batch once the first has answered, their milestones (a third).
    const query = '{ projects(first: 3) { nodes { code milestones { name } } } }';
    const psaCallsLogged = () =>
      tessera.logs.records.filter((record) => record.msg === 'subgraph request' && record.subgraph === 'psa').length;
    const run = async (abortAt: number) => {
      Object.assign(cutting, { on: true, statements: 0, abortAt, controller: new AbortController() });
      const logged = psaCallsLogged();
      const response = await tessera.request({ query });
      // The subgraph's own execution ends after the gateway's answer (in the background): wait for its log line.
      await vi.waitFor(() => expect(psaCallsLogged()).toBe(logged + 1), { timeout: 5000 });
      cutting.on = false;
      return { statements: cutting.statements, codes: response.body.errors?.map((error) => error.extensions?.code) };
    };
    const whole = await run(0);
    expect(whole.codes).toBeUndefined();
    expect(whole.statements).toBe(3);
    // Called off at the first statement: the read under way finishes, the milestones batch is never read.
    expect(await run(1)).toEqual({ statements: 2, codes: ['SUBGRAPH_UNAVAILABLE'] });
  });
});
