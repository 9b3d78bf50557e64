/**
 * `npm run bench -- portfolio` (or `npm run bench:portfolio`): the portfolio dashboard over the
 * active projects (issue 14, Domain: p50 under 150 ms on `m` and under 1 s on `l` for all of them),
 * with each executor of the gateway (`TESSERA_GATEWAY_EXECUTOR=plan` and `apollo`) in the same run.
 * Not a test: it prints a table.
 *
 * For each scale, `tessera seed` fills a data folder once, then one `tessera start` per executor
 * serves it (gateway and subgraphs in that one process, the schedules off). Each case is a client
 * walking the active projects page by page (`Query.projects` answers at most 500 a request, so
 * 1,000 is two requests and all of `l`'s five): on `m` all of them, on `l` the first 10, 100,
 * 1,000 and all. One client in a closed loop for `--seconds` after a warm-up, the executors one
 * after the other, the order alternating from case to case. Printed per case and executor:
 * walks, walks/s, p50/p95/p99 of a whole walk, errors, the process's CPU (utime + stime from
 * /proc, load generator not included) per walk and per project answered, the 1-minute load
 * average when the case ended; per case, apollo's over plan's p50 and CPU; the verdict on the targets.
 *
 * Options: --scales m,l (default), --sizes 10,100,1000,all (the cases on `l`; `m` asks all),
 * --seconds N per case and executor (10), --executors plan,apollo, --data DIR (the data kept in
 * DIR/<scale>, seeded the first time, for the next run; else a temp folder), --cpu-prof DIR
 * (each process profiles its measured cases into DIR/<scale>-<executor>.cpuprofile; the pages it
 * served are printed, for `tsx bench/profileSummary.ts FILE:PAGES`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueDevToken } from '../auth/devToken.ts';
import { loadConfig, SEED_SCALES, type SeedScale } from '../core/config/config.ts';
import { EXECUTOR_KINDS, type ExecutorKind } from '../core/config/executorKind.ts';
import { closedLoop } from './closedLoop.ts';
import { option } from './options.ts';
import { alignedTable, cpuMsPerProject, figure, parseSizes, PORTFOLIO_PAGE, walkPortfolio, type PortfolioSize } from './portfolioPages.ts';
import { cpuSeconds } from './procStats.ts';
import { summarize, type LatencySummary } from './stats.ts';
import { seedData, startTessera, stopTessera, toggleProfile, type TesseraProcess } from './tesseraProcess.ts';

const scales = option('scales', 'm,l').split(',') as SeedScale[];
for (const scale of scales) if (!SEED_SCALES.includes(scale)) throw new TypeError(`--scales takes ${SEED_SCALES.join(', ')}`);
const sizesOnL = parseSizes(option('sizes', '10,100,1000,all'));
const seconds = Number(option('seconds', '10'));
const executors = option('executors', EXECUTOR_KINDS.join(',')).split(',') as ExecutorKind[];
for (const kind of executors) if (!EXECUTOR_KINDS.includes(kind)) throw new TypeError(`--executors takes ${EXECUTOR_KINDS.join(', ')}`);
const keptDataDir = option('data', '');
const cpuProfileDir = option('cpu-prof', '');

/** The issue's targets: p50 of the walk over all active projects, by scale. */
const TARGET_P50_MS: Partial<Record<SeedScale, number>> = { m: 150, l: 1000 };
const CLAIMS = { sub: 'bench', client_id: 'bench', scope: 'crm:read psa:read erp:read psa:cost', legal_entities: '*' as const };

interface Row extends LatencySummary {
  readonly scale: SeedScale;
  readonly size: PortfolioSize;
  readonly executor: ExecutorKind;
  readonly pages: number;
  readonly projects: number;
  readonly cpuMsPerWalk: number | null;
  readonly cpuMsPerProject: number | null;
  readonly load: number;
}

/** A `tessera start` with one executor. */
interface Server extends TesseraProcess {
  readonly executor: ExecutorKind;
  readonly profile?: string;
  /** Page requests answered while profiled. */
  pagesProfiled: number;
}

/** One client walking `size` projects for `durationMs`: latencies of whole walks, and the projects and pages answered. */
async function measure(url: string, headers: Record<string, string>, size: PortfolioSize, durationMs: number) {
  let projects = 0;
  let pages = 0;
  const post = async (variables: { first: number; after: string | null }) => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: PORTFOLIO_PAGE, variables }) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return response.json();
  };
  const result = await closedLoop(1, durationMs, async () => {
    const walk = await walkPortfolio(post, size);
    projects += walk.projects;
    pages += walk.pages;
    return null;
  });
  return { ...result, projects, pages };
}

async function dataFolder(scale: SeedScale, env: Record<string, string>): Promise<void> {
  const dataDir = env.TESSERA_DATA_DIR!;
  const marker = path.join(dataDir, 'seeded');
  if (keptDataDir && fs.existsSync(marker)) return void console.log(`scale ${scale}: the data seeded earlier in ${dataDir}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  await seedData(scale, env);
  fs.writeFileSync(marker, `${scale}\n`);
  console.log(`scale ${scale}: seeded in ${Math.round(performance.now() - started)} ms`);
}

async function runScale(scale: SeedScale, rows: Row[]): Promise<void> {
  const dataDir = keptDataDir
    ? path.resolve(keptDataDir, scale)
    : fs.mkdtempSync(path.join(os.tmpdir(), `tessera-bench-portfolio-${scale}-`));
  const env = {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_COST_REPORT: 'off',
    TESSERA_BILLING_RUN_SCHEDULE: 'off',
    TESSERA_RECONCILIATION_SCHEDULE: 'off',
  };
  await dataFolder(scale, env);
  const servers: Server[] = [];
  try {
    for (const executor of executors) {
      const profile = cpuProfileDir ? path.resolve(cpuProfileDir, `${scale}-${executor}.cpuprofile`) : undefined;
      const started = await startTessera(executor, { ...env, TESSERA_SEED_SCALE: 'none', TESSERA_GATEWAY_EXECUTOR: executor }, profile);
      servers.push({ ...started, executor, ...(profile ? { profile } : {}), pagesProfiled: 0 });
    }
    const config = loadConfig({ TESSERA_DATA_DIR: dataDir });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${await issueDevToken({ claims: CLAIMS, ttlSeconds: 3600 }, config.auth)}`,
    };
    const sizes: PortfolioSize[] = scale === 'l' ? sizesOnL : ['all'];
    for (const server of servers) {
      const warm = await measure(server.url, headers, 'all', 3000); // plans, JIT, SQLite's cache
      if (warm.firstError) throw new Error(`${server.executor} answers with an error: ${warm.firstError}`);
      if (server.profile) await toggleProfile(server, server.profile, false);
    }
    for (const [index, size] of sizes.entries()) {
      for (const server of index % 2 === 0 ? servers : [...servers].reverse()) {
        const cpuBefore = cpuSeconds(server.child.pid);
        const result = await measure(server.url, headers, size, seconds * 1000);
        const cpuAfter = cpuSeconds(server.child.pid);
        if (result.firstError) console.error(`${scale} ${size} ${server.executor}: first error: ${result.firstError}`);
        server.pagesProfiled += result.pages;
        const walks = result.latencies.length;
        const used = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
        rows.push({
          scale,
          size,
          executor: server.executor,
          pages: walks === 0 ? 0 : result.pages / walks,
          projects: walks === 0 ? 0 : result.projects / walks,
          cpuMsPerWalk: used === null || walks === 0 ? null : (used * 1000) / walks,
          cpuMsPerProject: cpuMsPerProject(used, result.projects),
          load: os.loadavg()[0]!,
          ...summarize(result.latencies, result.errors, result.elapsedMs),
        });
      }
    }
    for (const server of servers) {
      if (!server.profile) continue;
      await toggleProfile(server, server.profile, true);
      console.log(`${server.profile}: ${server.pagesProfiled} page requests served while profiled`);
    }
    await printFallbacks(servers);
  } finally {
    await Promise.all(servers.map(stopTessera));
    if (!keptDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The plan executor's count of the requests it ran and passed on (`tessera_executor_requests_total`): a fallback would measure apollo twice. */
async function printFallbacks(servers: readonly Server[]): Promise<void> {
  for (const server of servers.filter((s) => s.executor === 'plan')) {
    const text = await fetch(server.url.replace(/\/graphql$/, '/metrics')).then(
      (response) => response.text(),
      () => '',
    );
    const lines = text.split('\n').filter((line) => line.startsWith('tessera_executor_requests_total'));
    console.log(`plan process: ${lines.join('; ') || 'no tessera_executor_requests_total'}`);
  }
}

function printRows(rows: readonly Row[]): void {
  const header = [
    'case',
    'executor',
    'pages',
    'walks',
    'walks/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors',
    'CPU ms/walk',
    'CPU µs/project',
    'load',
  ];
  const label = (row: Row) => `${row.scale} ${row.size === 'all' ? `all (${Math.round(row.projects)})` : `first ${row.size}`}`;
  const cells = rows.map((row) => [
    label(row),
    row.executor,
    figure(row.pages),
    String(row.requests),
    figure(row.rps),
    figure(row.p50),
    figure(row.p95),
    figure(row.p99),
    String(row.errors),
    figure(row.cpuMsPerWalk),
    figure(row.cpuMsPerProject === null ? null : row.cpuMsPerProject * 1000, 0),
    figure(row.load, 2),
  ]);
  for (const line of alignedTable(header, cells)) console.log(line);
  console.log('');
  for (const [index, row] of rows.entries()) {
    const other = rows.slice(index + 1).find((r) => r.scale === row.scale && r.size === row.size && r.executor !== row.executor);
    if (!other) continue;
    const [plan, apollo] = row.executor === 'plan' ? [row, other] : [other, row];
    const cpu = plan.cpuMsPerProject && apollo.cpuMsPerProject ? apollo.cpuMsPerProject / plan.cpuMsPerProject : null;
    console.log(`${label(row)}: apollo/plan p50 ${figure(apollo.p50 / plan.p50, 2)}, CPU per project ${figure(cpu, 2)}`);
  }
  console.log('');
  for (const row of rows.filter((r) => r.size === 'all' && TARGET_P50_MS[r.scale] !== undefined)) {
    const target = TARGET_P50_MS[row.scale]!;
    console.log(`target p50 < ${target} ms, ${label(row)}, ${row.executor}: ${row.p50} ms -> ${row.p50 < target ? 'MET' : 'NOT MET'}`);
  }
}

async function main(): Promise<void> {
  if (cpuProfileDir) fs.mkdirSync(cpuProfileDir, { recursive: true });
  const rows: Row[] = [];
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2));
  for (const scale of scales) await runScale(scale, rows);
  console.log(
    `\n${new Date().toISOString()}, ${seconds} s per case and executor, 1 client, Node ${process.version}, ${os.cpus().length} cores, load average at start ${loadAtStart.join(' ')}, at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  printRows(rows);
}

await main();
