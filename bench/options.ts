/** Command-line options and worker threads the benchmarks share. */
import { Worker } from 'node:worker_threads';
import { SEED_SCALES, type SeedScale } from '../core/config/config.ts';

/** The value after `--name` on the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

/** `--scale` (default `m`), checked. */
export function scaleOption(): SeedScale {
  const scale = option('scale', 'm') as SeedScale;
  if (!SEED_SCALES.includes(scale)) throw new TypeError(`--scale must be one of ${SEED_SCALES.join(', ')}`);
  return scale;
}

/**
 * Runs the TypeScript worker `module` (a URL next to this file) with `job` as its workerData and
 * resolves with the first message it posts; a `{ error }` message or a worker error rejects.
 */
export function runWorker<Result>(module: URL, job: object): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./tsWorker.mjs', import.meta.url), { workerData: { ...job, module: module.href } });
    worker.once('message', (result: Result | { error: string }) => {
      void worker.terminate();
      if (result !== null && typeof result === 'object' && 'error' in result) reject(new Error(result.error));
      else resolve(result as Result);
    });
    worker.once('error', reject);
  });
}
