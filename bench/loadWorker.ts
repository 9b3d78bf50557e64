/**
 * The load generator, in its own thread so its event loop does not queue behind the gateway's:
 * `concurrency` closed-loop clients POST the same body for `durationMs` and report latencies.
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadJob {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly durationMs: number;
}

export interface LoadResult {
  readonly latencies: number[];
  readonly errors: number;
  readonly elapsedMs: number;
  readonly firstError?: string;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + job.durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetch(job.url, { method: 'POST', headers: job.headers, body: job.body });
        const text = await response.text();
        if (response.status !== 200 || text.includes('"errors"')) {
          errors++;
          firstError ??= `${response.status} ${text.slice(0, 300)}`;
        } else {
          latencies.push(performance.now() - t0);
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  return { latencies, errors, elapsedMs: performance.now() - started, ...(firstError ? { firstError } : {}) };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as LoadJob).then((result) => port.postMessage(result));
}
