/**
 * State machines as data: for each state, the states a capability may move it to (docs/state-machines.md).
 * Any transition not listed is illegal. A transition to the current state is "already in state":
 * a no-op success with a warning (the same key would have replayed instead).
 */
import { rejected } from './rejection.ts';
import type { CapabilityRejection } from './types.ts';

export type StateMachine<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): boolean {
  return machine[from]?.includes(to) ?? false;
}

/**
 * Checks `from → to` on `machine`: returns the ALREADY_IN_STATE warning when `from === to`
 * (the caller then changes nothing), `null` when the transition is legal, and throws
 * INVALID_STATE_TRANSITION otherwise.
 */
export function guardTransition<S extends string>(
  entity: string,
  machine: StateMachine<S>,
  from: S,
  to: S,
  capability: string,
): CapabilityRejection | null {
  if (from === to && !canTransition(machine, from, to)) {
    return { code: 'ALREADY_IN_STATE', message: `${entity} already is ${to}; nothing changed.` };
  }
  if (!canTransition(machine, from, to)) {
    throw rejected('INVALID_STATE_TRANSITION', `${entity} is ${from}: ${capability} cannot move it to ${to}.`);
  }
  return null;
}
