/**
 * The subgraph client alone (gateway/resilience/pool.ts), before and after: undici's `fetch` (with
 * the response-size limit reading its web stream, as the gateway did) against the pool's dispatch
 * path (with the same limit), its lower-level `post`, and, for reference, fetch without the limit
 * and undici's `request()`. Each sends the benchmark's typical entity fetch (reviews of five
 * products, a 4 KB answer) to the benchmark's own subgraphs in a process of their own, N in a row
 * and then 50 at a time; the
 * figure is this process's CPU time (`process.cpuUsage`) per request. Variants alternate in rounds
 * within one run, so a machine loaded by something else weighs on all of them alike: compare the
 * ratios. `npx tsx bench/federation/fetcherMicro.ts [rounds] [sequential] [concurrent]`
 */
import os from 'node:os';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';
import { limitResponseSize } from '../../gateway/limits/subgraphResponseSize.ts';
import { createPooledFetcher } from '../../gateway/resilience/pool.ts';
import { startChild } from './childProcess.ts';
import type { SubgraphName } from './workload.ts';

const [ROUNDS = 5, SEQUENTIAL = 2_000, CONCURRENT = 10_000] = process.argv.slice(2).map(Number);
const IN_FLIGHT = 50;
const LIMIT = 8 * 1024 * 1024; // TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES's default
const CONNECTIONS = 64; // TESSERA_SUBGRAPH_CONNECTIONS's default

/** The gateway's second fetch of the benchmark query: the reviews of the products found. */
const ENTITY_REQUEST = JSON.stringify({
  query:
    'query TestQuery__reviews__1($representations:[_Any!]!){_entities(representations:$representations){...on Product{reviews{id body author{__typename id username}}}}}',
  variables: { representations: ['1', '2', '3', '4', '5'].map((upc) => ({ __typename: 'Product', upc })) },
  operationName: 'TestQuery__reviews__1',
});
/** What the gateway sends with it (the internal principal is a signed token of about this size). */
const HEADERS = {
  'content-type': 'application/json',
  'x-request-id': '0d6f6c1e-8a51-4a55-9e0c-6a3b9f0c2e11',
  'x-tessera-principal': `eyJhbGciOiJIUzI1NiJ9.${'x'.repeat(360)}.${'s'.repeat(43)}`,
};

type Call = () => Promise<unknown>;

function variants(url: string): { name: string; call: Call; close: () => Promise<void> }[] {
  const fetchAgent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
  const bareFetch: Fetcher = async (target, init) =>
    (await undiciFetch(target, { ...(init as object), dispatcher: fetchAgent })) as unknown as FetcherResponse;
  const viaFetch = limitResponseSize(bareFetch, LIMIT);
  const pool = createPooledFetcher(CONNECTIONS);
  const viaPool = limitResponseSize(pool.fetcher, LIMIT);
  const postPool = createPooledFetcher(CONNECTIONS);
  const requestAgent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
  const { origin, pathname } = new URL(url);
  const init = { method: 'POST', headers: HEADERS, body: ENTITY_REQUEST };
  return [
    { name: 'undici fetch', call: async () => (await viaFetch(url, init)).json(), close: () => fetchAgent.close() },
    { name: 'undici fetch, no limit', call: async () => (await bareFetch(url, init)).json(), close: async () => {} },
    { name: 'pool fetcher', call: async () => (await viaPool(url, init)).json(), close: () => pool.close() },
    {
      name: 'pool post',
      call: async () => JSON.parse((await postPool.post(url, ENTITY_REQUEST, HEADERS, undefined, LIMIT)).bodyText),
      close: () => postPool.close(),
    },
    {
      name: 'undici request()',
      call: async () => (await requestAgent.request({ origin, path: pathname, ...init, method: 'POST' })).body.json(),
      close: () => requestAgent.close(),
    },
  ];
}

/** CPU µs per request and requests per second of `count` calls, `inFlight` at a time. */
async function measure(call: Call, count: number, inFlight: number): Promise<{ cpuUs: number; perSecond: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  return { cpuUs: (used.user + used.system) / count, perSecond: count / seconds };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

let niced = 'not changed';
try {
  os.setPriority(-15);
  niced = '-15';
} catch (error) {
  niced = `unchanged (${(error as Error).message})`;
}

const subgraphs = await startChild<{ urls: Record<SubgraphName, string> }>({ script: new URL('./subgraphsProcess.ts', import.meta.url) });
const all = variants(subgraphs.ready.urls.reviews);
try {
  const sample = JSON.stringify(await all[0]!.call());
  for (const variant of all.slice(1)) {
    if (JSON.stringify(await variant.call()) !== sample) throw new Error(`${variant.name} answered differently`);
  }
  console.log(
    `answer: ${Buffer.byteLength(sample)} bytes; priority ${niced}; ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const figures = new Map<string, { sequential: number[]; concurrent: number[]; perSecond: number[] }>();
  for (const variant of all) {
    figures.set(variant.name, { sequential: [], concurrent: [], perSecond: [] });
    await measure(variant.call, 500, IN_FLIGHT); // warm-up: sockets open, code optimized
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of all) {
      const own = figures.get(variant.name)!;
      own.sequential.push((await measure(variant.call, SEQUENTIAL, 1)).cpuUs);
      const concurrent = await measure(variant.call, CONCURRENT, IN_FLIGHT);
      own.concurrent.push(concurrent.cpuUs);
      own.perSecond.push(concurrent.perSecond);
    }
  }
  const base = figures.get(all[0]!.name)!;
  console.log(`${ROUNDS} rounds, medians; ${SEQUENTIAL} sequential and ${CONCURRENT} at ${IN_FLIGHT} in flight per round`);
  console.log('| client | CPU µs/request, sequential | ratio | CPU µs/request, 50 concurrent | ratio | req/s, 50 concurrent |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, own] of figures) {
    const ratio = (mine: number[], theirs: number[]) => (median(mine) / median(theirs)).toFixed(2);
    console.log(
      `| ${name} | ${median(own.sequential).toFixed(1)} | ${ratio(own.sequential, base.sequential)}× | ${median(own.concurrent).toFixed(1)} | ${ratio(own.concurrent, base.concurrent)}× | ${Math.round(median(own.perSecond))} |`,
    );
  }
} finally {
  await Promise.all(all.map((variant) => variant.close()));
  await subgraphs.stop();
}
