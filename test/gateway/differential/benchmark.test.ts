/**
 * The federation benchmark's workload (bench/federation/: its four subgraphs, `query.graphql`,
 * `expected-response.json`) through both executors: each answers exactly the expected response,
 * and the plan executor makes no more subgraph requests than apollo (the counts are printed: issue
 * 14 targets at most 7 per query). Then the benchmark's fragments one by one, and with a subgraph down.
 */
import { describe, expect, it } from 'vitest';
import { BENCHMARK_QUERY, expectedResponse } from '../../../bench/federation/workload.ts';
import { describeComparison, expectSame } from './assertions.ts';
import { describeExamples } from './examples.ts';
import { answers } from './faults.ts';
import { BENCHMARK } from './supergraphs/benchmark.ts';
import { useDifferential } from './useDifferential.ts';

describe('the benchmark query', () => {
  const differential = useDifferential(BENCHMARK, 'the benchmark query');

  it('is answered with expected-response.json by both executors, twice (the second from the plan cache)', async () => {
    for (let round = 1; round <= 2; round++) {
      const comparison = await differential.compare({ query: BENCHMARK_QUERY, operationName: 'TestQuery' });
      const about = describeComparison(comparison);
      console.log(`benchmark query, round ${round}: ${about.split('\n').at(-1)}`);
      expect({ status: comparison.apollo.status, body: comparison.apollo.body }, `apollo\n${about}`).toEqual({
        status: 200,
        body: expectedResponse(),
      });
      expect({ status: comparison.plan.status, body: comparison.plan.body }, `plan\n${about}`).toEqual({
        status: 200,
        body: expectedResponse(),
      });
      expectSame(comparison);
    }
  });
});

describeExamples(BENCHMARK, [
  {
    name: 'the users branch of the benchmark query',
    query: 'query { users { id username name reviews { id body product { inStock name price shippingEstimate upc weight } } } }',
  },
  {
    name: 'the topProducts branch, with the provided username beside accounts fields',
    query: 'query { topProducts { upc name reviews { id body author { id username name reviews { body } } } } }',
  },
  {
    name: 'the benchmark query with inventory down',
    query: BENCHMARK_QUERY,
    operationName: 'TestQuery',
    faults: [answers('inventory', { kind: 'down' })],
  },
  {
    name: 'the benchmark query with reviews answering a 500 to entity fetches',
    query: BENCHMARK_QUERY,
    operationName: 'TestQuery',
    faults: [answers('reviews', { kind: 'status', status: 500 }, 'entities')],
  },
]);
