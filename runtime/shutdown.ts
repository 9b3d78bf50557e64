import type { Logger } from '../core/logger.ts';

export interface Shutdown {
  /** A step to run at shutdown; steps run in the reverse order they were added. */
  add(step: () => Promise<void>): void;
  /** Runs every step added so far, once; a failing step is logged and the others still run. */
  run(): Promise<void>;
  /** Where a step reports what it could not do cleanly (a drain cut short). */
  readonly logger: Logger;
}

/** What a composition root undoes when it stops, or when starting fails half-way. */
export function createShutdown(logger: Logger): Shutdown {
  const steps: (() => Promise<void>)[] = [];
  let running: Promise<void> | undefined;
  return {
    logger,
    add: (step) => void steps.push(step),
    // A second stop while one is under way (a second signal, a test's afterEach) waits for it instead of racing it.
    run() {
      running ??= (async () => {
        for (let step = steps.pop(); step; step = steps.pop()) {
          await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
        }
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
