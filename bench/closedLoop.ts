/**
 * The closed loop the load generators share (`loadWorker.ts`, `federation/loadProcess.ts`):
 * `clients` callers each send one request, wait for its answer, and send the next, until
 * `durationMs` has passed; the latency of every answer that is right is kept.
 */

export interface LoopResult {
  /** Latency (ms) of each right answer. */
  readonly latencies: number[];
  /** Requests that failed or were answered wrongly. */
  readonly errors: number;
  readonly elapsedMs: number;
  readonly firstError?: string;
}

/**
 * Runs the loop. `attempt` sends one request and resolves with null when its answer is right, or
 * with what was wrong (kept for the first error); a rejection counts as an error too.
 */
export async function closedLoop(clients: number, durationMs: number, attempt: () => Promise<string | null>): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      let wrong: string | null;
      try {
        wrong = await attempt();
      } catch (error) {
        wrong = String(error);
      }
      if (wrong === null) {
        latencies.push(performance.now() - t0);
      } else {
        errors++;
        firstError ??= wrong;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { latencies, errors, elapsedMs: performance.now() - started, ...(firstError ? { firstError } : {}) };
}
