/**
 * What the process-layer benchmarks (bench/events.ts, bench/sagas.ts) share: where NATS is, the
 * `--json` output, a lag summary with its max, and a unique stream prefix per run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { connect } from 'nats';
import { loadConfig } from '../../core/config/config.ts';
import { natsNames } from '../../systems/kernel/events/nats/names.ts';
import { percentile } from '../stats.ts';

/** Whether `--name` is on the command line. */
export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** The value after `--name` (not another option), or undefined. */
export function optionalValue(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  return value === undefined || value.startsWith('--') ? undefined : value;
}

/** A positive integer option. */
export function intOption(name: string, fallback: number): number {
  const raw = optionalValue(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`--${name} must be a positive integer; got ${raw}`);
  return value;
}

/** The NATS server of this machine, when `--nats` is given without a URL. */
export const LOCAL_NATS = 'nats://127.0.0.1:4222';

/**
 * The NATS URL to measure on: `--nats <url>`, `--nats` alone (the local server), else
 * `TESSERA_NATS_URL` (through the config); undefined when none is given (NATS is skipped).
 */
export function natsUrl(): string | undefined {
  if (flag('nats')) return optionalValue('nats') ?? LOCAL_NATS;
  return loadConfig().nats?.servers[0];
}

/** A stream prefix no other run uses: `bench` and 8 hex digits. */
export function benchPrefix(): string {
  return `bench${randomBytes(4).toString('hex')}`;
}

/** Deletes the stream of `prefix` (and its consumers), if it exists. */
export async function deleteStream(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = natsNames(prefix).stream;
    for await (const name of jsm.streams.names()) if (name === stream) await jsm.streams.delete(stream);
  } finally {
    await nc.close();
  }
}

/** Percentiles and max of a sample (milliseconds), rounded to 0.1. */
export interface Spread {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function spread(sample: readonly number[]): Spread {
  const sorted = [...sample].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** `--json <file>`: writes `results` there (with the machine) and says so. */
export function writeJson(results: object): void {
  const file = optionalValue('json');
  if (flag('json') && file === undefined) throw new TypeError('--json needs a file name');
  if (file === undefined) return;
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${file}`);
}

/** The 1-minute load average, rounded: the machine may be shared with other work while measuring. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 10) / 10;
}

/** What the figures were measured on. */
export function machine(): { node: string; cores: number; cpu: string; loadAverage: number } {
  return { node: process.version, cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', loadAverage: loadAverage() };
}
