/**
 * The load generator, in its own thread so its event loop does not queue behind the gateway's:
 * `concurrency` closed-loop clients POST the same body for `durationMs` and report latencies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop, type LoopResult } from './closedLoop.ts';

export interface LoadJob {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly durationMs: number;
}

export type LoadResult = LoopResult;

function run(job: LoadJob): Promise<LoadResult> {
  return closedLoop(job.concurrency, job.durationMs, async () => {
    const response = await fetch(job.url, { method: 'POST', headers: job.headers, body: job.body });
    const text = await response.text();
    return response.status !== 200 || text.includes('"errors"') ? `${response.status} ${text.slice(0, 300)}` : null;
  });
}

if (parentPort) {
  const port = parentPort;
  run(workerData as LoadJob).then((result) => port.postMessage(result));
}
