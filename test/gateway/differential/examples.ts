/**
 * Hand-written differential cases: each fixture's test file lists requests (with faults) that each
 * exercise one feature, and `describeExamples` sends every one to both gateways and expects the
 * same answer. A case may also pin apollo's own answer (`apollo`), which shows that the fixture and
 * the fault really reach what the case names (a null that bubbles, an error at an entity path).
 */
import { describe, expect, it } from 'vitest';
import { describeComparison, expectSame } from './assertions.ts';
import type { Fault } from './faults.ts';
import type { Fixture } from './supergraphs/define.ts';
import { useDifferential } from './useDifferential.ts';

export interface Example {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
  readonly faults?: readonly Fault[];
  /** Apollo's answer exactly: status and body. */
  readonly apollo?: { readonly status: number; readonly body: unknown };
}

export function describeExamples(fixture: Fixture, examples: readonly Example[]): void {
  describe(`${fixture.name}: the same answers from the apollo and the plan executors`, () => {
    const differential = useDifferential(fixture, 'examples');

    // In order: a mutation's effect is part of what later cases read.
    it.each(examples)('$name', async (example) => {
      const { query, variables, operationName } = example;
      const comparison = await differential.compare({ query, variables, operationName }, example.faults);
      if (example.apollo) {
        expect(
          { status: comparison.apollo.status, body: comparison.apollo.body },
          `apollo's own answer\n${describeComparison(comparison)}`,
        ).toEqual(example.apollo);
      }
      expectSame(comparison);
    });
  });
}
