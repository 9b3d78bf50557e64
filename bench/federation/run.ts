/**
 * `npm run bench -- federation` (issue 14, README "Federation benchmark"): the public federation
 * gateways benchmark on this machine. One process serves the four JS subgraphs; each gateway runs in
 * a process of its own over their supergraph (Tessera with governance on and off, plain
 * `@apollo/gateway` + `@apollo/server`, Hive Gateway with and without the Rust query planner); a
 * separate load process drives them in turn with `--connections` closed-loop clients, after a
 * warm-up of each, for `--rounds` interleaved rounds of `--seconds` (each round starts one gateway
 * later), checking every answer against `expected-response.json`. Prints and writes
 * (`--out`, default bench/results/federation.md) the medians per gateway. Not a test.
 *
 * Options: --seconds N (20), --rounds N (3), --warmup N seconds (5), --connections N (50),
 * --gateways a,b (all: tessera-on, tessera-off, apollo, hive-rust, hive), --out FILE,
 * --tessera-node-flags "FLAGS" (V8 flags for Tessera's gateways only, e.g. "--max-old-space-size=192 --max-semi-space-size=16"),
 * --cpu-prof NAME (a CPU profile of that gateway over its measured rounds only, `bench/profileOnSignal.ts`;
 * the file and the answers it served are printed for `bench/profileSummary.ts`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSupergraph } from '../../schema/compose.ts';
import { option } from '../options.ts';
import { cpuSeconds, peakRssBytes } from '../procStats.ts';
import { startChild, type Child } from './childProcess.ts';
import { compileGatewayProcess, GATEWAY_NAMES, installPeers, startGateway, type GatewayName, type RunningGateway } from './gateways.ts';
import type { LoadJob, LoadReport } from './loadProcess.ts';
import { latencyPercentiles, resultsMarkdown, summarizeRounds, type GatewayFigures, type RoundFigures } from './report.ts';
import { BENCHMARK_BODY, isExpectedAnswer, SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from './workload.ts';

const seconds = Number(option('seconds', '20'));
const rounds = Number(option('rounds', '3'));
const warmupSeconds = Number(option('warmup', '5'));
const connections = Number(option('connections', '50'));
const out = option('out', new URL('../results/federation.md', import.meta.url).pathname);
const profiled = option('cpu-prof', '');
const tesseraNodeFlags = option('tessera-node-flags', '').split(/\s+/).filter(Boolean);
const chosen = option('gateways', GATEWAY_NAMES.join(','))
  .split(',')
  .filter(Boolean)
  .map((name) => {
    if (!(GATEWAY_NAMES as readonly string[]).includes(name))
      throw new TypeError(`--gateways takes ${GATEWAY_NAMES.join(', ')}; got ${name}`);
    return name as GatewayName;
  });
if (profiled && !(GATEWAY_NAMES as readonly string[]).includes(profiled))
  throw new TypeError(`--cpu-prof takes one of ${GATEWAY_NAMES.join(', ')}`);

type Subgraphs = Child<{ urls: Record<SubgraphName, string> }>;

const totalRequests = async (subgraphs: Subgraphs) =>
  Object.values((await subgraphs.ask<{ requests: Record<SubgraphName, number> }>({})).requests).reduce((sum, count) => sum + count, 0);

/** One request alone: whether it answers exactly `expected-response.json`, and how many subgraph requests it cost. */
async function probe(
  gateway: RunningGateway,
  subgraphs: Subgraphs,
): Promise<{ correct: boolean; subgraphRequests: number; detail: string }> {
  const before = await totalRequests(subgraphs);
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...gateway.headers },
    body: BENCHMARK_BODY,
  });
  const text = await response.text();
  const subgraphRequests = (await totalRequests(subgraphs)) - before;
  const correct = response.status === 200 && isExpectedAnswer(text);
  return { correct, subgraphRequests, detail: correct ? '' : `${response.status} ${text.slice(0, 300)}` };
}

const profileFile = (workDir: string) => path.join(workDir, `${profiled}.cpuprofile`);

/** Waits (10 s at most) for the profile the gateway writes at its second SIGUSR2, and says how to read it. */
async function reportProfile(workDir: string, measured: readonly RoundFigures[]): Promise<void> {
  const file = profileFile(workDir);
  for (let waited = 0; waited < 10_000 && !fs.existsSync(file); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  const answered = measured.reduce((sum, round) => sum + round.answered, 0);
  console.log(`CPU profile of ${profiled}, ${answered} answers: npx tsx bench/profileSummary.ts ${file}:${answered}`);
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-federation-'));
  const skipped = new Map<GatewayName, string>();
  if (chosen.some((name) => name.startsWith('hive'))) {
    const why = installPeers();
    if (why) for (const name of chosen.filter((entry) => entry.startsWith('hive'))) skipped.set(name, why);
  }
  const subgraphs: Subgraphs = await startChild({ script: new URL('./subgraphsProcess.ts', import.meta.url) });
  const subgraphUrls = subgraphs.ready.urls;
  const supergraphFile = path.join(workDir, 'supergraph.graphql');
  fs.writeFileSync(
    supergraphFile,
    composeSupergraph(SUBGRAPH_NAMES.map((name) => ({ name, url: subgraphUrls[name], sdl: subgraphSdl(name) }))),
  );
  const load: Child<{ ready: true }> = await startChild({ script: new URL('./loadProcess.ts', import.meta.url) });
  const gatewayProcess = compileGatewayProcess(workDir);
  const gateways: RunningGateway[] = [];
  try {
    for (const name of chosen.filter((entry) => !skipped.has(entry))) {
      try {
        gateways.push(
          await startGateway(name, {
            gatewayProcess,
            subgraphUrls,
            supergraphFile,
            workDir,
            connections,
            profile: profiled === name ? profileFile(workDir) : undefined,
            tesseraNodeFlags,
          }),
        );
      } catch (error) {
        skipped.set(name, error instanceof Error ? error.message : String(error));
      }
    }
    const job = (gateway: RunningGateway, durationMs: number): LoadJob => ({
      url: gateway.url,
      headers: gateway.headers,
      connections,
      durationMs,
    });
    for (const gateway of [...gateways]) {
      const first = await probe(gateway, subgraphs);
      const warm = await load.ask<LoadReport>(job(gateway, warmupSeconds * 1000));
      console.log(
        `${gateway.name}: ready at ${gateway.url}; first answer ${first.correct ? 'correct' : `WRONG: ${first.detail}`}, ${first.subgraphRequests} subgraph requests; warm-up ${warm.latencies.length} answers, ${warm.errors} errors`,
      );
      if (warm.firstError) console.error(`${gateway.name}: first error: ${warm.firstError}`);
    }
    const measured = new Map<GatewayName, RoundFigures[]>(gateways.map((gateway) => [gateway.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = gateways.map((_, index) => gateways[(index + round) % gateways.length]!);
      for (const gateway of order) {
        const pid = gateway.child.process.pid;
        // The profile starts before its first measured round (and stops after its last, below).
        if (gateway.name === profiled && round === 0) gateway.child.process.kill('SIGUSR2');
        const requestsBefore = await totalRequests(subgraphs);
        const cpuBefore = cpuSeconds(pid);
        const report = await load.ask<LoadReport>(job(gateway, seconds * 1000));
        const cpuAfter = cpuSeconds(pid);
        const underLoad = ((await totalRequests(subgraphs)) - requestsBefore) / Math.max(1, report.latencies.length + report.errors);
        const check = await probe(gateway, subgraphs);
        const answered = report.latencies.length;
        const figures: RoundFigures = {
          answered,
          rps: (answered / report.elapsedMs) * 1000,
          ...latencyPercentiles(report.latencies),
          errors: report.errors,
          wrong: report.wrong,
          correct: check.correct,
          subgraphRequests: check.subgraphRequests,
          subgraphRequestsUnderLoad: underLoad,
          cpuMsPerRequest: cpuBefore === null || cpuAfter === null || answered === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / answered,
        };
        measured.get(gateway.name)!.push(figures);
        console.log(
          `round ${round + 1} ${gateway.name}: ${figures.rps.toFixed(1)} req/s, p95 ${figures.p95.toFixed(0)} ms, ` +
            `CPU ${figures.cpuMsPerRequest?.toFixed(1) ?? 'n/a'} ms/request, ${underLoad.toFixed(1)} subgraph requests/query, ` +
            `${figures.errors} errors${check.correct ? '' : `, probe WRONG: ${check.detail}`}`,
        );
        if (report.firstError) console.error(`${gateway.name}: first error: ${report.firstError}`);
        if (gateway.name === profiled && round === rounds - 1) gateway.child.process.kill('SIGUSR2');
      }
    }
    const figures: GatewayFigures[] = gateways.map((gateway) =>
      summarizeRounds(gateway.name, measured.get(gateway.name)!, peakRssBytes(gateway.child.process.pid)),
    );
    const markdown = resultsMarkdown(figures, {
      connections,
      rounds,
      seconds,
      warmupSeconds,
      startedAt,
      loadAverage: [loadAtStart, os.loadavg()[0]!],
      skipped,
      tesseraNodeFlags,
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, markdown);
    console.log(`\n${markdown}\nwritten to ${path.relative(process.cwd(), out)}`);
    if (profiled && gateways.some((gateway) => gateway.name === profiled))
      await reportProfile(workDir, measured.get(profiled as GatewayName)!);
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.child.stop()));
    await Promise.all([load.stop(), subgraphs.stop()]);
    if (!profiled) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
