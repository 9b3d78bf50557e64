/** Turning a capability call's answer into a step outcome (docs/processes.md#blocked). */
import type { CallAnswer } from '../process/capabilityClient.ts';
import type { StepOutcome } from '../process/definition.ts';
import { ownerOf } from './owners.ts';

/** The outcome of `answer`: `done` runs on success; a refusal blocks the process with the owner who can fix it. */
export function outcomeOf<T>(answer: CallAnswer<T>, owner: string, done: (value: T) => StepOutcome): StepOutcome {
  switch (answer.kind) {
    case 'ok':
      return done(answer.value);
    case 'refused':
      return { kind: 'blocked', code: answer.code, reason: answer.message, owner: ownerOf(answer.code, owner) };
    case 'transient':
      return { kind: 'transient', code: answer.code, message: answer.message };
    case 'failed':
      return { kind: 'failed', code: answer.code, message: answer.message };
  }
}
