/**
 * The saga engine's state machine as pure functions (docs/processes.md#states): what a step's
 * outcome does to the process and to the step. The executor reads the state, runs the step, and
 * writes what these functions answer, checked against the version it read; the property tests
 * (test/integration/transitions.property.test.ts) drive them with arbitrary outcome sequences.
 */
import type { ProcessBlock, ProcessStatus, StepStatus } from './types.ts';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_STEP_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 5 * 60_000 });

/** What the engine knows of a process when a step's outcome arrives. */
export interface ProcessState {
  readonly status: ProcessStatus;
  /** Index of the step being run (forward) or compensated (backward). */
  readonly stepIndex: number;
  readonly stepCount: number;
  readonly version: number;
  readonly blocked: ProcessBlock | null;
}

export interface StepState {
  readonly status: StepStatus;
  readonly attempts: number;
}

export type Outcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'blocked'; readonly code: string; readonly reason: string; readonly owner: string }
  | { readonly kind: 'transient'; readonly code: string; readonly message: string }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

export interface Transition {
  readonly process: ProcessState;
  readonly step: StepState;
  /** Milliseconds until the process should run again (null: only an event or a retry moves it; 0: at once). */
  readonly runAfterMs: number | null;
  /** Whether the step is finished (its finish time is recorded). */
  readonly stepFinished: boolean;
  /** Set when the process must compensate: the indexes of the done steps to undo, last first. */
  readonly compensate: boolean;
}

/** How often a WAITING process looks at what it waits for without an event (a missed event cannot strand it). */
export const WAIT_POLL_MS = 15 * 60_000;

/** Exponential backoff with full jitter: a delay in [0, min(max, base * 2^(attempt-1))). `random` is in [0, 1). */
export function stepRetryDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * cap);
}

/**
 * The transition of a forward step's outcome. `attempts` of `step` already counts this attempt.
 * `canCompensate`: whether a done step before this one has a compensation.
 */
export function forwardTransition(
  process: ProcessState,
  step: StepState,
  outcome: Outcome,
  options: { readonly policy?: RetryPolicy; readonly random?: number; readonly canCompensate: boolean },
): Transition {
  if (process.status !== 'RUNNING' && process.status !== 'WAITING') {
    throw new Error(`a ${process.status} process runs no forward step`);
  }
  const policy = options.policy ?? DEFAULT_STEP_RETRY;
  const version = process.version + 1;
  switch (outcome.kind) {
    case 'done': {
      const last = process.stepIndex + 1 >= process.stepCount;
      return {
        process: {
          ...process,
          status: last ? 'COMPLETED' : 'RUNNING',
          stepIndex: last ? process.stepIndex : process.stepIndex + 1,
          version,
          blocked: null,
        },
        step: { ...step, status: 'DONE' },
        runAfterMs: last ? null : 0,
        stepFinished: true,
        compensate: false,
      };
    }
    case 'waiting':
      return {
        process: { ...process, status: 'WAITING', version, blocked: null },
        step: { ...step, status: 'WAITING' },
        runAfterMs: WAIT_POLL_MS,
        stepFinished: false,
        compensate: false,
      };
    case 'blocked':
      return {
        process: { ...process, status: 'BLOCKED', version, blocked: { code: outcome.code, reason: outcome.reason, owner: outcome.owner } },
        step: { ...step, status: 'BLOCKED' },
        runAfterMs: null,
        stepFinished: false,
        compensate: false,
      };
    case 'transient':
      if (step.attempts < policy.maxAttempts) {
        return {
          process: { ...process, status: 'RUNNING', version, blocked: null },
          step: { ...step, status: 'PENDING' },
          runAfterMs: stepRetryDelay(policy, step.attempts, options.random ?? 0.5),
          stepFinished: false,
          compensate: false,
        };
      }
      return failedForGood(process, step, version, options.canCompensate);
    case 'failed':
      return failedForGood(process, step, version, options.canCompensate);
  }
}

function failedForGood(process: ProcessState, step: StepState, version: number, canCompensate: boolean): Transition {
  return {
    process: { ...process, status: canCompensate ? 'COMPENSATING' : 'FAILED', version, blocked: null },
    step: { ...step, status: 'FAILED' },
    runAfterMs: canCompensate ? 0 : null,
    stepFinished: true,
    compensate: canCompensate,
  };
}

/**
 * The transition of a compensation's outcome (the process is COMPENSATING). `remaining`: how many
 * compensations are left after this one. A compensation that cannot succeed leaves the process
 * FAILED for an operator (`retryProcess` does not re-run compensations: docs/processes.md#compensation).
 */
export function compensationTransition(
  process: ProcessState,
  step: StepState,
  outcome: Outcome,
  remaining: number,
  options: { readonly policy?: RetryPolicy; readonly random?: number } = {},
): Transition {
  if (process.status !== 'COMPENSATING') throw new Error(`a ${process.status} process runs no compensation`);
  const policy = options.policy ?? DEFAULT_STEP_RETRY;
  const version = process.version + 1;
  if (outcome.kind === 'done') {
    return {
      process: { ...process, status: remaining === 0 ? 'COMPENSATED' : 'COMPENSATING', version },
      step: { ...step, status: 'COMPENSATED' },
      runAfterMs: remaining === 0 ? null : 0,
      stepFinished: true,
      compensate: remaining > 0,
    };
  }
  if (outcome.kind === 'transient' && step.attempts < policy.maxAttempts) {
    return {
      process: { ...process, version },
      step,
      runAfterMs: stepRetryDelay(policy, step.attempts, options.random ?? 0.5),
      stepFinished: false,
      compensate: true,
    };
  }
  const reason = 'message' in outcome ? outcome.message : outcome.kind === 'blocked' ? outcome.reason : 'the compensation did not finish';
  return {
    process: {
      ...process,
      status: 'FAILED',
      version,
      blocked: { code: 'code' in outcome ? outcome.code : 'COMPENSATION_FAILED', reason, owner: 'operations' },
    },
    step,
    runAfterMs: null,
    stepFinished: false,
    compensate: false,
  };
}

/** Whether `retryProcess` may resume a process in `status` (docs/processes.md#retry). */
export function isRetryable(status: ProcessStatus): boolean {
  return status === 'BLOCKED' || status === 'FAILED';
}
