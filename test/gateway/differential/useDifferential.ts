/**
 * Both gateways over a fixture for the tests of one `describe` block: started before them, stopped
 * after them, with the subgraph requests of every comparison tallied and printed at the end.
 */
import { afterAll, beforeAll } from 'vitest';
import { RequestTally } from './assertions.ts';
import { startDifferential, type Comparison, type Differential } from './harness.ts';
import type { Fixture } from './supergraphs/define.ts';

export interface UsedDifferential {
  /** The running gateways (inside a test). */
  readonly current: Differential;
  /** `current.compare`, tallied. */
  compare(...args: Parameters<Differential['compare']>): Promise<Comparison>;
}

export function useDifferential(fixture: Fixture, label: string): UsedDifferential {
  let differential: Differential | undefined;
  const tally = new RequestTally();
  beforeAll(async () => {
    differential = await startDifferential(fixture);
  });
  afterAll(async () => {
    console.log(tally.report(`${fixture.name} (${label})`));
    await differential?.stop();
  });
  const current = () => {
    if (!differential) throw new Error(`the ${fixture.name} gateways have not started`);
    return differential;
  };
  return {
    get current() {
      return current();
    },
    compare: async (...args) => tally.add(await current().compare(...args)),
  };
}
