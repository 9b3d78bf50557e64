/**
 * The cost histograms are labelled by client (docs/demand-control.md#metrics), and a client id is
 * whatever `client_id` a trusted token carries: like the latency histogram's, the label keeps the
 * first 100 distinct clients and counts every later one as `other`, so tokens minted for many
 * clients (dynamic client registration, one id per installation) cannot grow /metrics without end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, FULL_ACCESS, type TestTessera } from '../harness/startTestTessera.ts';

let tessera: TestTessera;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 'none' });
});
afterAll(() => tessera?.stop());

const QUERY = '{ projects(first: 1) { nodes { code } } }';

async function costClients(): Promise<string[]> {
  const text = await (await fetch(tessera.url.replace(/\/graphql$/, '/metrics'))).text();
  const clients = text
    .split('\n')
    .filter((line) => line.startsWith('tessera_operation_cost_estimated_count{'))
    .map((line) => /client="([^"]*)"/.exec(line)?.[1] ?? '');
  return [...new Set(clients)].sort();
}

describe('the cost histograms by client', () => {
  it('label the first 100 distinct clients by name and every later one as other', async () => {
    for (let n = 0; n < 105; n++) {
      const token = await tessera.token({ ...FULL_ACCESS, client_id: `app-${String(n).padStart(3, '0')}` });
      const { status } = await tessera.request({ query: QUERY }, { authorization: `Bearer ${token}` });
      expect(status).toBe(200);
    }
    const clients = await costClients();
    expect(clients).toHaveLength(101);
    expect(clients.filter((client) => client.startsWith('app-'))).toEqual(
      Array.from({ length: 100 }, (_, n) => `app-${String(n).padStart(3, '0')}`),
    );
    expect(clients).toContain('other');
  });
});
