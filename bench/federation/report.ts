/**
 * The federation benchmark's figures: each round's measurement of each gateway, their medians over
 * the rounds, the ratios to plain `@apollo/gateway` and to Hive Gateway with the Rust planner of
 * the same run, and the markdown table (`bench/results/federation.md`, quoted by the README).
 */
import os from 'node:os';
import { GATEWAY_LABELS, type GatewayName } from './gateways.ts';
import { percentile } from '../stats.ts';

/** One gateway in one round. */
export interface RoundFigures {
  /** Right answers in the measured window. */
  readonly answered: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errors: number;
  /** Answers that were HTTP 200 but not the expected response. */
  readonly wrong: number;
  /** The probe after the round (one request alone) deep-equals `expected-response.json`. */
  readonly correct: boolean;
  /** Requests the subgraphs received for that probe. */
  readonly subgraphRequests: number;
  /** Requests the subgraphs received during the round, per request sent (lower than alone when a gateway deduplicates across requests). */
  readonly subgraphRequestsUnderLoad: number;
  /** Gateway process CPU (user + system) over the measured window, per answered request; null without /proc. */
  readonly cpuMsPerRequest: number | null;
}

export interface GatewayFigures {
  readonly name: GatewayName;
  /** Medians over the rounds. */
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly cpuMsPerRequest: number | null;
  /** Summed over the rounds. */
  readonly errors: number;
  /** Every probe correct and no wrong answer under load. */
  readonly correct: boolean;
  readonly subgraphRequests: number;
  /** Median over the rounds. */
  readonly subgraphRequestsUnderLoad: number;
  readonly peakRssBytes: number | null;
}

export interface RunSettings {
  readonly connections: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly startedAt: Date;
  /** `uptime`'s 1-minute load when the run started, and when it ended (other processes on the machine). */
  readonly loadAverage: readonly [start: number, end: number];
  /** Gateways that did not run, and why. */
  readonly skipped: ReadonlyMap<GatewayName, string>;
  /** V8 flags Tessera's gateways ran with, if any. */
  readonly tesseraNodeFlags?: readonly string[] | undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
}

/** Percentiles of one round's latencies (ms). */
export function latencyPercentiles(latencies: readonly number[]): Pick<RoundFigures, 'p50' | 'p95' | 'p99'> {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

export function summarizeRounds(name: GatewayName, rounds: readonly RoundFigures[], peakRssBytes: number | null): GatewayFigures {
  const cpu = rounds.map((round) => round.cpuMsPerRequest);
  return {
    name,
    rps: median(rounds.map((round) => round.rps)),
    p50: median(rounds.map((round) => round.p50)),
    p95: median(rounds.map((round) => round.p95)),
    p99: median(rounds.map((round) => round.p99)),
    cpuMsPerRequest: cpu.every((value): value is number => value !== null) ? median(cpu) : null,
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    correct: rounds.every((round) => round.correct && round.wrong === 0),
    subgraphRequests: Math.max(...rounds.map((round) => round.subgraphRequests)),
    subgraphRequestsUnderLoad: median(rounds.map((round) => round.subgraphRequestsUnderLoad)),
    peakRssBytes,
  };
}

/** The machine and Node the run measured on. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

const fixed = (value: number | null, digits: number) => (value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));

/** `value / of`, as `1.23×`; n/a when either is missing. */
function ratio(value: number | null, of: number | null | undefined): string {
  return value === null || of === null || of === undefined || of === 0 ? 'n/a' : `${(value / of).toFixed(2)}×`;
}

/** The markdown table: one row per gateway, in the order measured. */
export function markdownTable(figures: readonly GatewayFigures[]): string {
  const byName = new Map(figures.map((entry) => [entry.name, entry]));
  const apollo = byName.get('apollo');
  const rust = byName.get('hive-rust');
  const header =
    '| gateway | req/s | p50 ms | p95 ms | p99 ms | errors | correct | subgraph requests per query (alone / under load) | CPU ms per request | peak RSS MiB | req/s vs Apollo | req/s vs Hive+Rust | CPU per request vs Apollo | CPU per request vs Hive+Rust |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = figures.map((entry) =>
    [
      GATEWAY_LABELS[entry.name],
      fixed(entry.rps, 1),
      fixed(entry.p50, 0),
      fixed(entry.p95, 0),
      fixed(entry.p99, 0),
      String(entry.errors),
      entry.correct ? 'yes' : '**no**',
      `${entry.subgraphRequests} / ${fixed(entry.subgraphRequestsUnderLoad, 1)}`,
      fixed(entry.cpuMsPerRequest, 1),
      entry.peakRssBytes === null ? 'n/a' : fixed(entry.peakRssBytes / 2 ** 20, 0),
      ratio(entry.rps, apollo?.rps),
      ratio(entry.rps, rust?.rps),
      ratio(entry.cpuMsPerRequest, apollo?.cpuMsPerRequest),
      ratio(entry.cpuMsPerRequest, rust?.cpuMsPerRequest),
    ].join(' | '),
  );
  return [header, ...rows.map((row) => `| ${row} |`)].join('\n');
}

/** The results file: what was measured, where, how, and the table. */
export function resultsMarkdown(figures: readonly GatewayFigures[], settings: RunSettings): string {
  const skipped = [...settings.skipped].map(([name, why]) => `- ${GATEWAY_LABELS[name]}: not run (${why}).`);
  return [
    '# Federation benchmark results',
    '',
    'Written by `npm run bench -- federation` (README "Federation benchmark"); do not edit by hand.',
    '',
    `- Date: ${settings.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${settings.loadAverage[0].toFixed(2)} at the start, ${settings.loadAverage[1].toFixed(2)} at the end.`,
    `- Machine: ${machine()}.`,
    `- Load: ${settings.connections} connections from a separate process, ${settings.warmupSeconds} s warm-up per gateway, ` +
      `${settings.rounds} interleaved rounds of ${settings.seconds} s each; medians over the rounds (errors summed).`,
    '- Every gateway: one process, the same JS subgraphs (one process), request deduplication and response caching off.',
    "- CPU per request: the gateway process's user + system time (/proc/<pid>/stat) over the measured window, per answered request. Peak RSS: VmHWM.",
    "- Ratios: this gateway's value over the reference's, in the same run (req/s: higher is better; CPU per request: lower is better).",
    ...(settings.tesseraNodeFlags?.length ? [`- Tessera's gateways ran with \`${settings.tesseraNodeFlags.join(' ')}\`.`] : []),
    ...skipped,
    '',
    markdownTable(figures),
    '',
  ].join('\n');
}
