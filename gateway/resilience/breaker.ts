/**
 * A circuit breaker for one subgraph (docs/resilience.md#circuit-breakers): closed, it lets every
 * call through and counts consecutive unavailable answers; at `failures` of them it opens and
 * every call fails fast without touching the network; `openMs` later the next call is the one
 * probe (half-open) while the others still fail fast; the probe's success closes it, its failure
 * opens it again. Only unavailability is a failure: an answer of any kind, even a refusal or
 * GraphQL errors, is a success. The clock is injected.
 */
import type { SubgraphBreakerConfig } from '../../core/config/subgraphResilience.ts';

export type BreakerState = 'closed' | 'half_open' | 'open';

/** The gauge value of each state (`tessera_subgraph_breaker_state`). */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };

/** One call let through: report how it went, once. */
export interface BreakerTicket {
  /** The subgraph answered (whatever it answered). */
  succeeded(): void;
  /** The subgraph was unavailable (connect error, timeout, 5xx, a body that is not GraphQL). */
  failed(): void;
  /** The call ended without a verdict (the client went away): a probe slot is freed, nothing is counted. */
  abandoned(): void;
}

export interface Breaker {
  /** A ticket when the call may go out; null when the circuit is open (fail fast). */
  admit(): BreakerTicket | null;
  state(): BreakerState;
}

export function createBreaker(
  config: SubgraphBreakerConfig,
  now: () => number,
  onState: (state: BreakerState) => void = () => {},
): Breaker {
  let state: BreakerState = 'closed';
  let consecutive = 0;
  let openedAt = 0;
  let probing = false;
  const move = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    onState(next);
  };
  const open = () => {
    openedAt = now();
    consecutive = 0;
    move('open');
  };
  const ticket = (probe: boolean): BreakerTicket => {
    let settled = false;
    const settle = (verdict: 'success' | 'failure' | 'none') => {
      if (settled) return;
      settled = true;
      if (probe) {
        probing = false;
        if (verdict === 'success') move('closed');
        else if (verdict === 'failure') open();
        return;
      }
      // A call admitted while closed that ends after the circuit opened tells nothing new.
      if (state !== 'closed') return;
      if (verdict === 'success') consecutive = 0;
      if (verdict === 'failure' && ++consecutive >= config.failures) open();
    };
    return { succeeded: () => settle('success'), failed: () => settle('failure'), abandoned: () => settle('none') };
  };
  return {
    admit() {
      if (state === 'closed') return ticket(false);
      if (state === 'open' && now() - openedAt < config.openMs) return null;
      if (probing) return null;
      probing = true;
      move('half_open');
      return ticket(true);
    },
    state: () => state,
  };
}
