/** The saga engine's transitions (docs/processes.md#states) under arbitrary outcome sequences. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  forwardTransition,
  stepRetryDelay,
  DEFAULT_STEP_RETRY,
  type Outcome,
  type ProcessState,
} from '../../systems/integration/process/transitions.ts';

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  fc.constant({ kind: 'done' } as const),
  fc.constant({ kind: 'waiting' } as const),
  fc.constant({ kind: 'blocked', code: 'CUSTOMER_ON_CREDIT_HOLD', reason: 'on hold', owner: 'finance: credit control' } as const),
  fc.constant({ kind: 'transient', code: 'DOWNSTREAM_UNAVAILABLE', message: 'down' } as const),
  fc.constant({ kind: 'failed', code: 'FORBIDDEN', message: 'no' } as const),
);

describe('saga transitions', () => {
  it('increment the version by one, keep attempts, end only in COMPLETED after the last step, and block only with an owner', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(outcome, { maxLength: 40 }),
        fc.boolean(),
        (stepCount, outcomes, canCompensate) => {
          let process: ProcessState = { status: 'RUNNING', stepIndex: 0, stepCount, version: 1, blocked: null };
          let attempts = 0;
          for (const next of outcomes) {
            if (process.status !== 'RUNNING' && process.status !== 'WAITING') break;
            attempts += 1;
            const transition = forwardTransition(process, { status: 'RUNNING', attempts }, next, { canCompensate, random: 0.5 });
            expect(transition.process.version).toBe(process.version + 1);
            expect(transition.step.attempts).toBe(attempts);
            if (transition.process.status === 'BLOCKED')
              expect(transition.process.blocked).toEqual({
                code: 'CUSTOMER_ON_CREDIT_HOLD',
                reason: 'on hold',
                owner: 'finance: credit control',
              });
            else expect(transition.process.blocked).toBeNull();
            if (transition.process.status === 'COMPLETED') expect([next.kind, process.stepIndex]).toEqual(['done', stepCount - 1]);
            if (transition.process.status === 'COMPENSATING') expect(canCompensate).toBe(true);
            if (transition.process.status === 'FAILED') expect(canCompensate).toBe(false);
            if (next.kind === 'done') attempts = 0;
            if (transition.process.stepIndex !== process.stepIndex) expect(transition.process.stepIndex).toBe(process.stepIndex + 1);
            process = transition.process;
          }
        },
      ),
    );
  });

  it('complete a saga of n steps in exactly n done outcomes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (stepCount) => {
        let process: ProcessState = { status: 'RUNNING', stepIndex: 0, stepCount, version: 1, blocked: null };
        for (let step = 0; step < stepCount; step += 1) {
          process = forwardTransition(process, { status: 'RUNNING', attempts: 1 }, { kind: 'done' }, { canCompensate: false }).process;
        }
        expect(process).toEqual({ status: 'COMPLETED', stepIndex: stepCount - 1, stepCount, version: stepCount + 1, blocked: null });
      }),
    );
  });

  it('retry a transient failure with a delay below the backoff cap until the last attempt, then fail for good', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: DEFAULT_STEP_RETRY.maxAttempts }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (attempts, random) => {
          const process: ProcessState = { status: 'RUNNING', stepIndex: 0, stepCount: 3, version: 5, blocked: null };
          const transition = forwardTransition(
            process,
            { status: 'RUNNING', attempts },
            { kind: 'transient', code: 'DOWNSTREAM_UNAVAILABLE', message: 'down' },
            { canCompensate: false, random },
          );
          if (attempts < DEFAULT_STEP_RETRY.maxAttempts) {
            const cap = Math.min(DEFAULT_STEP_RETRY.maxDelayMs, DEFAULT_STEP_RETRY.baseDelayMs * 2 ** (attempts - 1));
            expect([transition.process.status, transition.step.status]).toEqual(['RUNNING', 'PENDING']);
            expect(transition.runAfterMs).toBe(stepRetryDelay(DEFAULT_STEP_RETRY, attempts, random));
            expect(transition.runAfterMs! < cap || cap === 0).toBe(true);
          } else {
            expect([transition.process.status, transition.step.status, transition.runAfterMs]).toEqual(['FAILED', 'FAILED', null]);
          }
        },
      ),
    );
  });
});
