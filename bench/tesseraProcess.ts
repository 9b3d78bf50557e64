/**
 * `tessera` processes for the benchmarks that measure a process from outside (`bench/hardening.ts`,
 * `bench/portfolio.ts`): its CPU is read from /proc (`procStats.ts`) without the load generator's
 * in it, and each process is configured only through its environment, as an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { SeedScale } from '../core/config/config.ts';
import { freePort } from '../test/harness/freePort.ts';

const REPO = new URL('../', import.meta.url);

/** A running `tessera start` and the URL of its /graphql. */
export interface TesseraProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/**
 * Starts `tessera start` with `env` and resolves once /health/ready answers 200. With
 * `profileFile`, the process loads `profileOnSignal.ts` and profiles between two SIGUSR2
 * (`toggleProfile`) into that file.
 */
export async function startTessera(name: string, env: Record<string, string>, profileFile?: string): Promise<TesseraProcess> {
  const port = await freePort();
  const profiling = profileFile ? ['--import', './bench/profileOnSignal.ts'] : [];
  const child = spawn('node', ['--import', 'tsx', ...profiling, 'bin/tessera.ts', 'start'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH!,
      HOST: '127.0.0.1',
      PORT: String(port),
      TESSERA_LOG_LEVEL: 'warn',
      ...(profileFile ? { BENCH_CPU_PROFILE: profileFile } : {}),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const ready = `http://127.0.0.1:${port}/health/ready`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the "${name}" process exited (${child.exitCode}) before it was ready`);
    const status = await fetch(ready).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { url: `http://127.0.0.1:${port}/graphql`, child };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts (`stopping` false) or stops and writes (`stopping` true) the profile of a process started with `profileFile`. */
export async function toggleProfile(process: TesseraProcess, profileFile: string, stopping: boolean): Promise<void> {
  if (stopping) fs.rmSync(profileFile, { force: true });
  process.child.kill('SIGUSR2');
  if (!stopping) return;
  while (!fs.existsSync(profileFile)) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Seeds the reference systems of `env`'s TESSERA_DATA_DIR at `scale` with `tessera seed`, in a process of its own. */
export async function seedData(scale: SeedScale, env: Record<string, string>): Promise<void> {
  const child = spawn('node', ['--import', 'tsx', 'bin/tessera.ts', 'seed', '--scale', scale, '--quiet'], {
    cwd: REPO,
    env: { PATH: process.env.PATH!, TESSERA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`tessera seed exited with ${code}`);
}

export function stopTessera(process: TesseraProcess): Promise<void> {
  return new Promise((resolve) => {
    if (process.child.exitCode !== null) return resolve();
    process.child.once('exit', () => resolve());
    process.child.kill('SIGTERM');
  });
}
