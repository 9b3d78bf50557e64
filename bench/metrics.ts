/**
 * `npm run bench:metrics`: seeds `m` (or `--scale l`) into a temp folder, starts embedded Tessera
 * and measures the business metrics of docs/metrics.md over the whole portfolio through the
 * gateway over HTTP: p50, p95, p99 with one client and with N (default 8). Target: p50 under
 * 150 ms on `m` for the firm-wide case (issue 12). Prints a table, the load average and the verdict
 * on that target; nothing here is a pass/fail test.
 *
 * Options (argv): --scale s|m|l (default m), --seconds N per case (default 10), --concurrency N
 * (default 8), --month YYYY-MM (default 2026-10, the last full month of the demo data).
 */
import os from 'node:os';
import type { LoadJob, LoadResult } from './loadWorker.ts';
import { option, runWorker, scaleOption } from './options.ts';
import { benchHeaders, startSeededGateway } from './seededGateway.ts';
import { summarize, type LatencySummary } from './stats.ts';

const scale = scaleOption();
const seconds = Number(option('seconds', '10'));
const concurrency = Number(option('concurrency', '8'));
const month = option('month', '2026-10');

const CLAIMS = { sub: 'bench-cfo', scope: 'crm:read psa:read erp:read psa:cost metrics:read', legal_entities: '*' as const };
const MONEY = '{ amount currency }';

/** The CFO's page: every firm-wide metric, one row per legal entity or currency. */
const FIRM = `query Firm($month: String!) {
  utilization(period: { month: $month }, groupBy: [LEGAL_ENTITY, PRACTICE]) { legalEntity { id } practice resourceCount billableUtilization productiveUtilization }
  realization(period: { month: $month }, groupBy: PORTFOLIO) { currency standardValue ${MONEY} billedValue ${MONEY} billingRealization }
  margin(groupBy: PORTFOLIO) { currency revenue ${MONEY} directCost ${MONEY} marginPercent }
  backlog(groupBy: PORTFOLIO) { currency backlog ${MONEY} }
  dso(period: { month: $month }) { legalEntity { id } currency countbackDso simpleDso }
  invoiceCycleTime(period: { month: $month }) { legalEntity { id } invoiceCount averageDays }
  weightedPipeline { currency weightedAmount ${MONEY} }
}`;
/** The delivery leader's page: per project, over every project. */
const PER_PROJECT = `query PerProject($month: String!) {
  realization(period: { month: $month }, groupBy: PROJECT) { project { id } billableHours billingRealization }
  margin(groupBy: PROJECT) { project { id } revenue ${MONEY} directCost ${MONEY} marginPercent }
  backlog(groupBy: PROJECT) { project { id } backlog ${MONEY} }
}`;
/** Utilization of every bookable person, by month of the quarter. */
const PEOPLE = `query People($from: Date!, $to: Date!) {
  utilization(period: { from: $from, to: $to }, groupBy: [RESOURCE, MONTH]) { resource { id } month billableHours billableUtilization }
}`;
/** The active projects page with each one's direct cost (the field resolved per project, batched). */
const PROJECT_COSTS = `{ projects(filter: { status: [ACTIVE] }, first: 500) { totalCount nodes { id directCost { amounts ${MONEY} uncostedHours } } } }`;

/** The target for the firm-wide metrics over the whole `m` portfolio (issue 12, Benchmark). */
const TARGET_P50_MS = 150;

/** One aligned line per case and client count: p50 / p95 / p99 and throughput. */
function printTable(rows: readonly (LatencySummary & { case: string; clients: number })[]): void {
  const header = ['case', 'clients', 'requests', 'req/s', 'p50', 'p95', 'p99', 'errors'];
  const cells = rows.map((r) => [
    r.case,
    String(r.clients),
    String(r.requests),
    String(r.rps),
    String(r.p50),
    String(r.p95),
    String(r.p99),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

function load(job: LoadJob): Promise<LoadResult> {
  return runWorker<LoadResult>(new URL('./loadWorker.ts', import.meta.url), job);
}

function quarterOf(m: string): { from: string; to: string } {
  const year = Number(m.slice(0, 4));
  const index = Number(m.slice(5, 7)) - 1;
  const from = new Date(Date.UTC(year, index - 2, 1)).toISOString().slice(0, 10);
  const to = new Date(Date.UTC(year, index + 1, 0)).toISOString().slice(0, 10);
  return { from, to };
}

async function main(): Promise<void> {
  const seeded = await startSeededGateway('metrics', scale);
  const { url } = seeded;
  const headers = await benchHeaders(seeded.config, CLAIMS);
  try {
    const active = await activeProjects(url, headers);
    const cases: [string, string, Record<string, unknown>][] = [
      [`firm-wide metrics, ${month}`, FIRM, { month }],
      [`per project (${active} active), ${month}`, PER_PROJECT, { month }],
      ['utilization per person and month, a quarter', PEOPLE, quarterOf(month)],
      [`direct cost of ${active} active projects`, PROJECT_COSTS, {}],
    ];
    const rows: (LatencySummary & { case: string; clients: number })[] = [];
    for (const [name, query, variables] of cases) {
      const body = JSON.stringify({ query, variables });
      await check(url, headers, name, body);
      await load({ url, body, headers, concurrency, durationMs: 2000 }); // warm-up: plans, JIT, SQLite cache
      for (const clients of [1, concurrency]) {
        const result = await load({ url, body, headers, concurrency: clients, durationMs: seconds * 1000 });
        if (result.firstError) console.error(`${name}: first error: ${result.firstError}`);
        rows.push({ case: name, clients, ...summarize(result.latencies, result.errors, result.elapsedMs) });
      }
    }
    const loadAverage = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(
      `\n${seconds} s per run, Node ${process.version}, ${os.cpus().length} cores, load average ${loadAverage}; latencies in ms\n`,
    );
    printTable(rows);
    // The target: the whole portfolio (the firm-wide page) under 150 ms p50 on `m`, at 1 and N clients.
    const firm = rows.filter((row) => row.case === cases[0]?.[0]);
    for (const row of firm) {
      const verdict = scale !== 'm' ? 'target applies to m' : row.p50 < TARGET_P50_MS ? 'MET' : 'NOT MET';
      console.log(`target p50 < ${TARGET_P50_MS} ms, ${row.case}, ${row.clients} client(s): p50 ${row.p50} ms -> ${verdict}`);
    }
  } finally {
    await seeded.stop();
  }
}

/** One request before measuring: a case that answers errors measures nothing worth printing. */
async function check(url: string, headers: Record<string, string>, name: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const answer = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 200 || answer.errors) throw new Error(`${name}: ${response.status} ${JSON.stringify(answer.errors ?? answer)}`);
}

async function activeProjects(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: '{ projects(filter: { status: [ACTIVE] }, first: 0) { totalCount } }' }),
  });
  const body = (await response.json()) as { data: { projects: { totalCount: number } } };
  return body.data.projects.totalCount;
}

await main();
