/**
 * `npm run bench`: seeds the `m` dataset into a temp folder, starts embedded Tessera on a free
 * port, and measures the README queries and the portfolio dashboard through the gateway over
 * HTTP (requests/s, p50, p95, p99), each with one client and with N. Prints a table; nothing
 * here is a pass/fail test.
 *
 * Options (argv): --scale s|m|l (default m), --seconds N per query (default 10),
 * --concurrency N (default 8).
 */
import os from 'node:os';
import { option, runWorker, scaleOption } from './options.ts';
import { startEmbedded } from '../runtime/embedded.ts';
import { createLogger } from '../core/logger.ts';
import { benchHeaders, startSeededGateway } from './seededGateway.ts';
import type { LoadJob, LoadResult } from './loadWorker.ts';
import { CONSULTANT_ASSIGNMENTS, CUSTOMER_PORTFOLIO, PORTFOLIO, PROJECT_360 } from './queries.ts';
import { summarize, type LatencySummary } from './stats.ts';

const scale = scaleOption();
const seconds = Number(option('seconds', '10'));
const concurrency = Number(option('concurrency', '8'));

/** A token that reads everything: the benchmark measures the cost of checking it, not of being denied. */
const BENCH_CLAIMS = { sub: 'bench', scope: 'crm:read psa:read erp:read psa:cost', legal_entities: '*' as const };

function load(job: LoadJob): Promise<LoadResult> {
  return runWorker<LoadResult>(new URL('./loadWorker.ts', import.meta.url), job);
}

async function main(): Promise<void> {
  const seeded = await startSeededGateway('queries', scale);
  const { config, url } = seeded;
  // The same data and token, with the gateway's directive enforcement off: the baseline of its cost.
  const baseline = await startEmbedded({ config: { ...config, seedScale: 'none' }, logger: createLogger('warn'), enforcePolicies: false });
  const baselineUrl = `http://127.0.0.1:${await baseline.listen(0)}/graphql`;
  const HEADERS = await benchHeaders(config, BENCH_CLAIMS);

  try {
    const ids = await pickIds(url, HEADERS);
    const cases: [string, string, Record<string, unknown>][] = [
      ['project 360 (README 1)', PROJECT_360, { id: ids.project }],
      ['customer portfolio (README 2)', CUSTOMER_PORTFOLIO, { id: ids.account }],
      ['consultant assignments (README 3)', CONSULTANT_ASSIGNMENTS, { id: ids.resource }],
      [`portfolio (${ids.activeProjects} active projects)`, PORTFOLIO, {}],
    ];
    const rows: (LatencySummary & { query: string; policies: string; clients: number })[] = [];
    const measure = async (name: string, target: string, policies: string, body: string) => {
      await load({ url: target, body, headers: HEADERS, concurrency, durationMs: 2000 }); // warm-up: plans, JIT, SQLite cache
      // One client: the latency of the query itself. N clients: throughput under load.
      for (const clients of [1, concurrency]) {
        const result = await load({ url: target, body, headers: HEADERS, concurrency: clients, durationMs: seconds * 1000 });
        if (result.firstError) console.error(`${name}: first error: ${result.firstError}`);
        rows.push({ query: name, policies, clients, ...summarize(result.latencies, result.errors, result.elapsedMs) });
      }
    };
    for (const [name, query, variables] of cases) await measure(name, url, 'on', JSON.stringify({ query, variables }));
    const portfolio = cases.at(-1)!;
    await measure(portfolio[0], baselineUrl, 'off', JSON.stringify({ query: portfolio[1] }));
    console.log(`\n${seconds} s per run, Node ${process.version}, ${os.cpus().length} cores; latencies in ms\n`);
    console.table(rows);
  } finally {
    await baseline.stop();
    await seeded.stop();
  }
}

/** IDs for the README queries: the active project with the most staff, its customer, one of its consultants. */
async function pickIds(
  url: string,
  headers: Record<string, string>,
): Promise<{ project: string; account: string; resource: string; activeProjects: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      query:
        '{ active: projects(filter: { status: [ACTIVE] }, first: 0) { totalCount } projects(filter: { status: [ACTIVE], type: [CUSTOMER_BILLABLE] }, first: 500) { nodes { id staffCount customer { id } assignments(status: [CONFIRMED, ACTIVE]) { resource { id } } } } }',
    }),
  });
  const body = (await response.json()) as {
    data: {
      active: { totalCount: number };
      projects: { nodes: { id: string; staffCount: number; customer: { id: string }; assignments: { resource: { id: string } }[] }[] };
    };
  };
  const nodes = [...body.data.projects.nodes].sort((a, b) => b.staffCount - a.staffCount || a.id.localeCompare(b.id));
  const top = nodes[0];
  const resource = top?.assignments[0]?.resource.id;
  if (!top || !resource) throw new Error('the seeded data has no staffed active project');
  return { project: top.id, account: top.customer.id, resource, activeProjects: body.data.active.totalCount };
}

await main();
