import type { Logger } from '../core/logger.ts';

export interface Shutdown {
  /** A step to run at shutdown; steps run in the reverse order they were added. */
  add(step: () => Promise<void>): void;
  /** Runs every step added so far, once; a failing step is logged and the others still run. */
  run(): Promise<void>;
}

/** What a composition root undoes when it stops, or when starting fails half-way. */
export function createShutdown(logger: Logger): Shutdown {
  const steps: (() => Promise<void>)[] = [];
  return {
    add: (step) => void steps.push(step),
    async run() {
      for (let step = steps.pop(); step; step = steps.pop()) {
        await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
      }
    },
  };
}
