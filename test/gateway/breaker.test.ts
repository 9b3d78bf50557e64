/**
 * The circuit breaker of one subgraph (docs/resilience.md#circuit-breakers), on an injected clock:
 * closed → open after N consecutive failures, fail fast while open, one probe when half-open.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBreaker, type BreakerState } from '../../gateway/resilience/breaker.ts';

function breakerAt(failures = 3, openMs = 1000) {
  let now = 0;
  const states: BreakerState[] = [];
  const breaker = createBreaker(
    { failures, openMs },
    () => now,
    (state) => states.push(state),
  );
  return { breaker, states, advance: (ms: number) => (now += ms) };
}

describe('a subgraph breaker', () => {
  it('opens after the configured consecutive failures and then refuses without a ticket', () => {
    const { breaker, states } = breakerAt(3);
    breaker.admit()!.failed();
    breaker.admit()!.failed();
    expect(breaker.state()).toBe('closed');
    breaker.admit()!.failed();
    expect(breaker.state()).toBe('open');
    expect(breaker.admit()).toBeNull();
    expect(states).toEqual(['open']);
  });

  it('counts consecutive failures only: a success in between starts again', () => {
    const { breaker } = breakerAt(3);
    breaker.admit()!.failed();
    breaker.admit()!.failed();
    breaker.admit()!.succeeded();
    breaker.admit()!.failed();
    breaker.admit()!.failed();
    expect(breaker.state()).toBe('closed');
  });

  it('lets exactly one probe through once the open period passed; its success closes the circuit', () => {
    const { breaker, states, advance } = breakerAt(1, 1000);
    breaker.admit()!.failed();
    advance(999);
    expect(breaker.admit()).toBeNull();
    advance(1);
    const probe = breaker.admit();
    expect(probe).not.toBeNull();
    expect(breaker.state()).toBe('half_open');
    expect(breaker.admit()).toBeNull();
    probe!.succeeded();
    expect(breaker.state()).toBe('closed');
    expect(breaker.admit()).not.toBeNull();
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('opens again for a whole period when the probe fails', () => {
    const { breaker, advance } = breakerAt(1, 1000);
    breaker.admit()!.failed();
    advance(1000);
    breaker.admit()!.failed();
    expect(breaker.state()).toBe('open');
    advance(999);
    expect(breaker.admit()).toBeNull();
    advance(1);
    expect(breaker.admit()).not.toBeNull();
  });

  it('frees the probe slot when the probe is abandoned, counting nothing', () => {
    const { breaker, advance } = breakerAt(1, 1000);
    breaker.admit()!.failed();
    advance(1000);
    breaker.admit()!.abandoned();
    expect(breaker.state()).toBe('half_open');
    breaker.admit()!.succeeded();
    expect(breaker.state()).toBe('closed');
  });

  it('ignores the late verdict of a call admitted before the circuit opened, and a second verdict', () => {
    const { breaker } = breakerAt(2);
    const late = breaker.admit()!;
    const first = breaker.admit()!;
    first.failed();
    first.failed();
    expect(breaker.state()).toBe('closed');
    breaker.admit()!.failed();
    expect(breaker.state()).toBe('open');
    late.succeeded();
    expect(breaker.state()).toBe('open');
  });

  it('agrees with a model of the rules for any sequence of calls and waits', () => {
    type Step = { readonly verdict: 'succeeded' | 'failed' | 'abandoned' } | { readonly wait: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ verdict: fc.constantFrom('succeeded' as const, 'failed' as const, 'abandoned' as const) }),
      fc.record({ wait: fc.integer({ min: 0, max: 1500 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { maxLength: 80 }), (failures, steps) => {
        const { breaker, advance } = breakerAt(failures, 1000);
        // The model: consecutive failures while closed; open since `openedAt`; half-open after a probe without verdict.
        let model: BreakerState = 'closed';
        let consecutive = 0;
        let clock = 0;
        let openedAt = 0;
        for (const current of steps) {
          if ('wait' in current) {
            advance(current.wait);
            clock += current.wait;
            continue;
          }
          const admitted = model !== 'open' || clock - openedAt >= 1000;
          const ticket = breaker.admit();
          expect(ticket !== null).toBe(admitted);
          if (!ticket) continue;
          const probe = model !== 'closed';
          ticket[current.verdict]();
          if (current.verdict === 'failed' && (probe || ++consecutive >= failures)) {
            model = 'open';
            openedAt = clock;
            consecutive = 0;
          } else if (current.verdict === 'succeeded') {
            model = 'closed';
            consecutive = 0;
          } else if (probe) model = 'half_open';
          expect(breaker.state()).toBe(model);
        }
      }),
      { numRuns: 300 },
    );
  });
});
