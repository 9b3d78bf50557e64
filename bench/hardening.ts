/**
 * `npm run bench:hardening`: what the production hardening of issue 11 costs on the portfolio
 * query (README "Hardening overhead"; target: "on" keeps at least 95% of "off"'s throughput).
 * Not a test: it prints a table.
 *
 * Two `tessera start` processes on the same seeded data (`m`), each configured only through its
 * environment, as an operator would:
 * - on: the operation limits at their defaults, demand control enforcing (`TESSERA_COST_MODE=enforce`
 *   with a budget the query stays under), a per-client rate limit and concurrency cap high enough
 *   never to refuse, and every request traced (`TESSERA_TRACE_SAMPLE_RATIO=1`, or --sample-ratio) to
 *   a local OTLP collector (an HTTP server of this process that counts what it receives);
 * - off: every `TESSERA_LIMIT_*` at 10^9, demand control measuring only (there is no mode without
 *   the estimate), no rate limit or concurrency cap, no tracing.
 * Then `--rounds` rounds (default 6) of `--seconds` (default 5) of 8 closed-loop clients
 * (`--concurrency`) on each, the order alternating every round, from a worker thread; all after a
 * warm-up of each. Options: --scale s|m|l (m), --redis URL (the rate-limit counters in Redis),
 * --without limits,cost,rate,tracing (those parts off in "on" too: what the others cost),
 * --sample-ratio R (1: every request traced; TESSERA_TRACE_SAMPLE_RATIO of "on"), --cpu-prof DIR
 * (each process profiles the measured rounds, warm-up and start left out, into DIR/on.cpuprofile
 * and DIR/off.cpuprofile, through bench/profileOnSignal.ts; the requests each served in them are
 * printed, for `tsx bench/profileSummary.ts DIR/on.cpuprofile:N DIR/off.cpuprofile:M`).
 * --data DIR keeps the data in DIR (seeded the first time) for the next run, instead of a temp folder.
 * The data is seeded first by `tessera seed`, and both processes run with the billing-run and
 * reconciliation schedules off: a month-end billing run that fell due would otherwise start in
 * both (they share the data) in the middle of a round and stall it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config/config.ts';
import { issueDevToken } from '../auth/devToken.ts';
import type { LoadJob, LoadResult } from './loadWorker.ts';
import { option, runWorker, scaleOption } from './options.ts';
import { cpuSeconds } from './procStats.ts';
import { PORTFOLIO } from './queries.ts';
import { summarize } from './stats.ts';
import { limitsOutOfTheWay } from './federation/tesseraGovernance.ts';
import { seedData, startTessera, stopTessera, toggleProfile, type TesseraProcess } from './tesseraProcess.ts';

const TARGET_RATIO = 0.95;
const scale = scaleOption();
const seconds = Number(option('seconds', '5'));
const rounds = Number(option('rounds', '6'));
const concurrency = Number(option('concurrency', '8'));
const redisUrl = option('redis', '');
const sampleRatio = option('sample-ratio', '1');
const cpuProfileDir = option('cpu-prof', '');
const keptDataDir = option('data', '');
const PARTS = ['limits', 'cost', 'rate', 'tracing'] as const;
type Part = (typeof PARTS)[number];
const without = option('without', '')
  .split(',')
  .filter(Boolean)
  .map((part) => {
    if (!(PARTS as readonly string[]).includes(part)) throw new TypeError(`--without takes ${PARTS.join(', ')}; got ${part}`);
    return part as Part;
  });

/** A running `tessera start` of one variant. */
interface Variant extends TesseraProcess {
  readonly name: 'on' | 'off';
}

/** An OTLP/HTTP collector that accepts every export and counts the requests, bytes and spans (by name). */
async function startCollector(): Promise<{
  url: string;
  stats: { requests: number; bytes: number; spans: Map<string, number> };
  close: () => Promise<void>;
}> {
  const stats = { requests: 0, bytes: 0, spans: new Map<string, number>() };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => void chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      stats.requests += 1;
      stats.bytes += body.length;
      const exported = JSON.parse(body.toString('utf8')) as {
        resourceSpans?: { scopeSpans?: { spans?: { name: string }[] }[] }[];
      };
      for (const resource of exported.resourceSpans ?? [])
        for (const scope of resource.scopeSpans ?? [])
          for (const span of scope.spans ?? []) stats.spans.set(span.name, (stats.spans.get(span.name) ?? 0) + 1);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, stats, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Starts the variant `name` with `env` (profiled with --cpu-prof). */
async function startVariant(name: Variant['name'], env: Record<string, string>): Promise<Variant> {
  return { name, ...(await startTessera(name, env, cpuProfileDir ? profileOf(name) : undefined)) };
}

/** Where the profile of the variant `name` goes with --cpu-prof. */
function profileOf(name: Variant['name']): string {
  return path.resolve(cpuProfileDir, `${name}.cpuprofile`);
}

/** Starts (the first time) or stops and writes (the second) the variant's profile, with --cpu-prof. */
async function toggleVariantProfile(variant: Variant, stopping: boolean): Promise<void> {
  if (cpuProfileDir) await toggleProfile(variant, profileOf(variant.name), stopping);
}

async function main(): Promise<void> {
  const dataDir = keptDataDir ? path.resolve(keptDataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-hardening-'));
  if (keptDataDir) fs.mkdirSync(dataDir, { recursive: true });
  const seeded = keptDataDir !== '' && fs.existsSync(path.join(dataDir, 'seeded'));
  const collector = await startCollector();
  if (cpuProfileDir) fs.mkdirSync(cpuProfileDir, { recursive: true });
  // Production leaves the cost out of the responses; both variants match it.
  const shared = {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_COST_REPORT: 'off',
    TESSERA_BILLING_RUN_SCHEDULE: 'off',
    TESSERA_RECONCILIATION_SCHEDULE: 'off',
  };
  // Each part of the hardening as "on" and "off" configure it; --without leaves parts off in "on" too,
  // to see what each one costs.
  const parts: Record<Part, { on: Record<string, string>; off: Record<string, string> }> = {
    limits: { on: {}, off: limitsOutOfTheWay() },
    cost: { on: { TESSERA_COST_MODE: 'enforce', TESSERA_COST_MAX: '1000000' }, off: { TESSERA_COST_MODE: 'measure' } },
    rate: {
      on: {
        TESSERA_RATE_LIMIT: '10000000/60s',
        TESSERA_CONCURRENCY_LIMIT: String(concurrency * 4),
        ...(redisUrl ? { TESSERA_RATE_LIMIT_REDIS_URL: redisUrl } : {}),
      },
      off: { TESSERA_RATE_LIMIT: 'off', TESSERA_CONCURRENCY_LIMIT: 'off' },
    },
    tracing: { on: { TESSERA_OTLP_ENDPOINT: collector.url, TESSERA_TRACE_SAMPLE_RATIO: sampleRatio }, off: {} },
  };
  const onEnv: Record<string, string> = Object.assign(
    { ...shared },
    ...PARTS.map((part) => (without.includes(part) ? parts[part].off : parts[part].on)),
  );
  const offEnv: Record<string, string> = Object.assign({ ...shared }, ...PARTS.map((part) => parts[part].off));
  if (without.length > 0) console.log(`"on" without: ${without.join(', ')}`);
  const started = performance.now();
  if (!seeded) await seedData(scale, shared);
  if (keptDataDir) fs.writeFileSync(path.join(dataDir, 'seeded'), `${scale}\n`);
  const on = await startVariant('on', { ...onEnv, TESSERA_SEED_SCALE: 'none' });
  const off = await startVariant('off', { ...offEnv, TESSERA_SEED_SCALE: 'none' });
  console.log(`scale ${scale}: both ready in ${Math.round(performance.now() - started)} ms`);
  const config = loadConfig({ TESSERA_DATA_DIR: dataDir });
  const claims = { sub: 'bench', client_id: 'bench', scope: 'crm:read psa:read erp:read psa:cost', legal_entities: '*' as const };
  const headers = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
    authorization: `Bearer ${await issueDevToken({ claims, ttlSeconds: 3600 }, config.auth)}`,
  };
  const body = JSON.stringify({ query: PORTFOLIO });
  const load = (variant: Variant, durationMs: number) =>
    runWorker<LoadResult>(new URL('./loadWorker.ts', import.meta.url), {
      url: variant.url,
      body,
      headers,
      concurrency,
      durationMs,
    } satisfies LoadJob);

  // Requests each process served in the rounds (a CPU profile's denominator).
  const served = { on: 0, off: 0 };
  try {
    for (const variant of [on, off]) {
      const warm = await load(variant, 3000);
      if (warm.firstError) throw new Error(`"${variant.name}" answers with an error: ${warm.firstError}`);
    }
    // What each variant really runs: "on" answers with the rate-limit headers, "off" without.
    for (const variant of [on, off]) {
      const probe = await fetch(variant.url, { method: 'POST', headers, body });
      console.log(`${variant.name}: HTTP ${probe.status}, RateLimit: ${probe.headers.get('ratelimit') ?? 'none'}`);
    }
    const pooled = {
      on: { latencies: [] as number[], errors: 0, elapsedMs: 0, cpuSeconds: 0 as number | null },
      off: { latencies: [] as number[], errors: 0, elapsedMs: 0, cpuSeconds: 0 as number | null },
    };
    const roundRatios: number[] = [];
    for (const variant of [on, off]) await toggleVariantProfile(variant, false);
    for (let round = 0; round < rounds; round++) {
      const rps: Record<string, number> = {};
      for (const variant of round % 2 === 0 ? [on, off] : [off, on]) {
        const cpuBefore = cpuSeconds(variant.child.pid);
        const result = await load(variant, seconds * 1000);
        const cpuAfter = cpuSeconds(variant.child.pid);
        if (result.firstError) console.error(`${variant.name}: first error: ${result.firstError}`);
        served[variant.name] += result.latencies.length + result.errors;
        const total = pooled[variant.name];
        total.cpuSeconds =
          cpuBefore === null || cpuAfter === null || total.cpuSeconds === null ? null : total.cpuSeconds + cpuAfter - cpuBefore;
        total.latencies.push(...result.latencies);
        total.errors += result.errors;
        total.elapsedMs += result.elapsedMs;
        rps[variant.name] = (result.latencies.length / result.elapsedMs) * 1000;
      }
      roundRatios.push(rps.on! / rps.off!);
      console.log(`round ${round + 1}: on ${rps.on!.toFixed(1)} req/s, off ${rps.off!.toFixed(1)} req/s`);
    }
    for (const variant of [on, off]) await toggleVariantProfile(variant, true);
    const rows = (['on', 'off'] as const).map((name) => ({
      hardening: name,
      ...summarize(pooled[name].latencies, pooled[name].errors, pooled[name].elapsedMs),
    }));
    const ratio = rows[0]!.rps / rows[1]!.rps;
    console.log(
      `\nportfolio query, ${concurrency} clients, ${rounds} rounds of ${seconds} s each, Node ${process.version}, ${os.cpus().length} cores`,
    );
    console.table(rows);
    const sorted = [...roundRatios].sort((a, b) => a - b);
    const median = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
    console.log(`round ratios on/off: ${roundRatios.map((value) => value.toFixed(3)).join(' ')} (median ${median.toFixed(3)})`);
    console.log(`throughput on/off: ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`);
    const cpuPerRequest = (name: 'on' | 'off') => {
      const used = pooled[name].cpuSeconds;
      return used === null ? null : (used * 1000) / pooled[name].latencies.length;
    };
    const [cpuOn, cpuOff] = [cpuPerRequest('on'), cpuPerRequest('off')];
    if (cpuOn !== null && cpuOff !== null) {
      // The throughput the CPU time allows: off's CPU per request over on's, the steadier ratio on a shared machine.
      const cpuRatio = cpuOff / cpuOn;
      console.log(
        `gateway process CPU per request: on ${cpuOn.toFixed(1)} ms, off ${cpuOff.toFixed(1)} ms; off/on ${cpuRatio.toFixed(3)} (target >= ${TARGET_RATIO}: ${cpuRatio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
      );
    }
    const spans = [...collector.stats.spans].sort((a, b) => b[1] - a[1]);
    const spanTotal = spans.reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `OTLP collector: ${collector.stats.requests} exports, ${(collector.stats.bytes / 1024).toFixed(0)} KiB, ${spanTotal} spans (${spans.map(([name, count]) => `${name} ${count}`).join(', ') || 'none'})`,
    );
    if (cpuProfileDir) console.log(`requests served in the rounds: on ${served.on}, off ${served.off}; profiles in ${cpuProfileDir}`);
  } finally {
    await Promise.all([stopTessera(on), stopTessera(off)]);
    await collector.close();
    if (!keptDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
