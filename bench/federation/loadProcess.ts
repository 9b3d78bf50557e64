/**
 * The federation benchmark's load generator, a process of its own (so its CPU is not the
 * gateway's, nor its event loop the harness's): `connections` closed-loop clients over an undici
 * keep-alive pool POST the benchmark query for `durationMs` and report each latency. Every answer
 * is checked: HTTP 200 and the text of an answer already found equal to `expected-response.json`
 * (deep-equal after JSON.parse; an answer with other text is parsed and compared again).
 *
 * Protocol (IPC): receives a `LoadJob`, answers with a `LoadReport`, then waits for the next job.
 */
import { Pool } from 'undici';
import { closedLoop, type LoopResult } from '../closedLoop.ts';
import { BENCHMARK_BODY, isExpectedAnswer } from './workload.ts';

export interface LoadJob {
  /** The gateway's `/graphql`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationMs: number;
}

export interface LoadReport extends LoopResult {
  /** Answers that were HTTP 200 but not the expected response (counted in `errors` too). */
  readonly wrong: number;
}

/** Texts already found to be the expected response: most answers are compared as strings only. */
const correctTexts = new Set<string>();

function isCorrect(text: string): boolean {
  if (correctTexts.has(text)) return true;
  if (!isExpectedAnswer(text)) return false;
  // A gateway answers with a handful of distinct texts at most (key order, whitespace).
  if (correctTexts.size < 16) correctTexts.add(text);
  return true;
}

async function run(job: LoadJob): Promise<LoadReport> {
  const target = new URL(job.url);
  const pool = new Pool(target.origin, { connections: job.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = { 'content-type': 'application/json', ...job.headers };
  let wrong = 0;
  const result = await closedLoop(job.connections, job.durationMs, async () => {
    const response = await pool.request({ method: 'POST', path: target.pathname, headers, body: BENCHMARK_BODY });
    const text = await response.body.text();
    if (response.statusCode === 200 && isCorrect(text)) return null;
    if (response.statusCode === 200) wrong++;
    return `${response.statusCode} ${text.slice(0, 300)}`;
  });
  await pool.close();
  return { ...result, wrong };
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (report) => process.send!(report),
    (error: unknown) => process.send!({ latencies: [], errors: 1, wrong: 0, elapsedMs: 0, firstError: String(error) } satisfies LoadReport),
  );
});
process.send?.({ ready: true });
