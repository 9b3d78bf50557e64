/**
 * The differential property test (issue 14 "Correctness is not traded"): random valid requests
 * over each fixture's API schema (queryArbitrary.ts), a third of them with a random subgraph fault
 * (faultArbitrary.ts), sent to the apollo and the plan gateways; both must answer alike
 * (assertions.ts). A failure shrinks to a small request and prints it with its variables, its
 * fault and where the answers part.
 */
import fc from 'fast-check';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { expectSame } from './assertions.ts';
import { faultArbitrary } from './faultArbitrary.ts';
import { FIXTURES } from './fixtures.ts';
import { requestArbitrary } from './queryArbitrary.ts';
import { useDifferential } from './useDifferential.ts';

const RUNS = 75;

describe.each(FIXTURES)('$name: random requests through both executors', (fixture) => {
  const differential = useDifferential(fixture, 'property');

  it('answer alike', async () => {
    const { apiSchema, subgraphs } = differential.current;
    await fc.assert(
      fc.asyncProperty(requestArbitrary(apiSchema, fixture.arguments), faultArbitrary(subgraphs), async (request, faults) => {
        expect(validate(apiSchema, parse(request.query)).map(String), `the generator drew an invalid request:\n${request.query}`).toEqual(
          [],
        );
        expectSame(await differential.compare(request, faults));
      }),
      { numRuns: RUNS },
    );
  });
});
