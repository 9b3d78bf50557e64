/**
 * Moves billing runs forward (docs/processes.md#billing-run): every RUNNING run is advanced until
 * it is REPORTED. A run that stops on a transport failure waits with exponential backoff and full
 * jitter, then is advanced again from its tables; a process restarted after a kill finds its
 * RUNNING runs the same way. Two drivers on one run are harmless (every step has its deterministic
 * key: the second call replays, or answers IDEMPOTENCY_IN_PROGRESS and is tried again later).
 * `drain()` advances whatever is due until nothing is (tests, the benchmark, shutdown).
 */
import type { Logger } from '../../../core/logger.ts';
import { advanceBillingRun, type BillingRunDeps } from './executor.ts';

export interface BillingRunDriverOptions extends BillingRunDeps {
  readonly logger?: Logger;
  /** 0 ≤ random < 1 (the jitter). */
  readonly random?: () => number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface BillingRunDriver {
  /** Advances each RUNNING run that is due now, once; answers how many it advanced. */
  runOnce(): Promise<number>;
  /** `runOnce` until no run is due now; answers the number of advances made. */
  drain(): Promise<number>;
  /** Advances due runs every `intervalMs` until `stop`. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createBillingRunDriver(options: BillingRunDriverOptions): BillingRunDriver {
  const random = options.random ?? Math.random;
  const base = options.baseDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 5 * 60_000;
  const waiting = new Map<string, { failures: number; dueAt: number }>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  const runOnce = async (): Promise<number> => {
    const now = options.clock().getTime();
    const runs = await options.db.selectFrom('billing_runs').select('id').where('status', '=', 'RUNNING').orderBy('started_at').execute();
    let advanced = 0;
    for (const { id } of runs) {
      const wait = waiting.get(id);
      if (wait && wait.dueAt > now) continue;
      advanced += 1;
      try {
        await advanceBillingRun(options, id);
        waiting.delete(id);
      } catch (error) {
        const failures = (wait?.failures ?? 0) + 1;
        const delay = Math.floor(random() * Math.min(max, base * 2 ** (failures - 1)));
        waiting.set(id, { failures, dueAt: now + Math.max(1, delay) });
        options.logger?.warn({ billingRun: id, failures, delayMs: delay, err: error }, 'billing run stopped; it is tried again');
      }
    }
    return advanced;
  };

  const once = (): Promise<number> => {
    running ??= runOnce().finally(() => (running = null));
    return running;
  };

  return {
    runOnce: once,
    async drain() {
      let total = 0;
      for (let made = await once(); made > 0; made = await once()) total += made;
      return total;
    },
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(
        () => void once().catch((error: unknown) => options.logger?.error({ err: error }, 'billing run driver')),
        intervalMs,
      );
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
