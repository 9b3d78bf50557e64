/**
 * The plan executor's levels and merged requests (docs/executor.md#batching) on the public
 * gateways benchmark's plan: 16 fetches in 6 requests over 4 levels, each merged request carrying
 * every fetch's exact selection under its own alias, variable and fragment names; and a merged
 * answer split back per fetch.
 */
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BENCHMARK_QUERY, SUBGRAPH_NAMES, subgraphSdl } from '../../../bench/federation/workload.ts';
import { mergeEntityFetches, splitAnswer } from '../../../gateway/execution/mergedRequest.ts';
import { conditionVariables, schedulePlan, UnsupportedPlan, type Schedule } from '../../../gateway/execution/planSchedule.ts';
import { fetchErrors } from '../../../gateway/datasources/unavailableErrors.ts';
import { composeSupergraph } from '../../../schema/compose.ts';

const supergraph = Supergraph.build(
  composeSupergraph(SUBGRAPH_NAMES.map((name) => ({ name, url: `http://${name}.test/graphql`, sdl: subgraphSdl(name) }))),
);
const planner = new QueryPlanner(supergraph, { exposeDocumentNodeInFetchNode: true });
const planOf = (source: string): QueryPlan => planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(source)));

/** Each level's requests as [subgraph, [fetch index, path]...]. */
const outline = (schedule: Schedule) =>
  schedule.map((level) => level.map((group) => [group.subgraph, group.fetches.map((fetch) => [fetch.index, fetch.path.join('.')])]));

describe('plan schedule', () => {
  it('sends the benchmark query in 6 requests over 4 levels where the plan has 16 fetches', () => {
    const schedule = schedulePlan(planOf(BENCHMARK_QUERY), new Map());
    expect(outline(schedule)).toEqual([
      [
        ['accounts', [[0, '']]],
        ['products', [[9, '']]],
      ],
      [
        [
          'reviews',
          [
            [1, 'users.@'],
            [10, 'topProducts.@'],
          ],
        ],
      ],
      [
        [
          'products',
          [
            [2, 'users.@.reviews.@.product'],
            [6, 'users.@.reviews.@.product.reviews.@.author.reviews.@.product'],
            [12, 'topProducts.@.reviews.@.author.reviews.@.product'],
          ],
        ],
      ],
      [
        [
          'inventory',
          [
            [3, 'users.@.reviews.@.product'],
            [4, 'users.@.reviews.@.product'],
            [7, 'users.@.reviews.@.product.reviews.@.author.reviews.@.product'],
            [8, 'users.@.reviews.@.product.reviews.@.author.reviews.@.product'],
            [13, 'topProducts.@.reviews.@.author.reviews.@.product'],
            [14, 'topProducts.@.reviews.@.author.reviews.@.product'],
            [15, 'topProducts.@'],
          ],
        ],
        [
          'accounts',
          [
            [5, 'users.@.reviews.@.product.reviews.@.author'],
            [11, 'topProducts.@.reviews.@.author'],
          ],
        ],
      ],
    ]);
  });

  it('puts the shipping estimates, which need price and weight from products, after the products request', () => {
    const schedule = schedulePlan(planOf(BENCHMARK_QUERY), new Map());
    const levelOf = new Map(
      schedule.flatMap((level, index) => level.flatMap((group) => group.fetches.map((fetch) => [fetch.node, index] as const))),
    );
    const requiring = [...levelOf].filter(
      ([node]) => node.serviceName === 'inventory' && node.requires?.length && node.operation.includes('shippingEstimate'),
    );
    expect(requiring.map(([, level]) => level)).toEqual([3, 3, 3, 3]);
    expect(levelOf.size).toBe(16);
  });

  it('takes the branch a Condition names, and refuses @defer for the fallback', () => {
    const source = 'query Q($withReviews: Boolean!) { topProducts { name reviews @include(if: $withReviews) { body } } }';
    const plan = planOf(source);
    expect(conditionVariables(plan)).toEqual(['withReviews']);
    const count = (value: boolean) => schedulePlan(plan, new Map([['withReviews', value]])).flat().length;
    expect([count(true), count(false)]).toEqual([2, 1]);
    const deferred = new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } }).buildQueryPlan(
      operationFromDocument(supergraph.apiSchema(), parse('{ topProducts { name ... @defer { reviews { body } } } }')),
    );
    expect(() => schedulePlan(deferred, new Map())).toThrow(UnsupportedPlan);
  });
});

describe('merged requests', () => {
  const [, reviews] = schedulePlan(planOf(BENCHMARK_QUERY), new Map());
  const merged = mergeEntityFetches(reviews![0]!.fetches.map((fetch) => fetch.node));

  it("carry each fetch's selection under its own alias, representations variable and fragment names", () => {
    expect(merged.query).toBe(
      'query TestQuery__reviews__1($r0:[_Any!]!$r1:[_Any!]!){' +
        '_0:_entities(representations:$r0){...on User{reviews{...Review_0 product{__typename upc reviews{...Review_0 author{__typename id username reviews{...Review_0 product{__typename upc}}}}}}}}' +
        '_1:_entities(representations:$r1){...on Product{reviews{...Review_1 author{__typename id username reviews{...Review_1 product{__typename upc}}}}}}}' +
        'fragment Review_0 on Review{id body}fragment Review_1 on Review{id body}',
    );
  });

  it("split back per fetch: each its _entities and the errors at its alias; an error without a path is each fetch's", () => {
    const refused = { message: 'down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } };
    const answers = splitAnswer(
      { _0: [{ reviews: [] }], _1: [null, { reviews: [] }] },
      [{ message: 'no product', path: ['_1', 0], extensions: { code: 'NOT_FOUND' } }, refused],
      2,
    );
    expect(answers).toEqual([
      { data: { _entities: [{ reviews: [] }] }, errors: [refused] },
      {
        data: { _entities: [null, { reviews: [] }] },
        errors: [{ message: 'no product', path: ['_entities', 0], extensions: { code: 'NOT_FOUND' } }, refused],
      },
    ]);
  });

  it("place an unreachable subgraph's error at each entity of each aliased _entities field", () => {
    const placed = fetchErrors([{ message: 'down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }], merged.document, {
      r0: [{ __typename: 'User', id: '1' }],
      r1: [
        { __typename: 'Product', upc: '1' },
        { __typename: 'Product', upc: '2' },
      ],
    });
    expect(placed.map((error) => error.path)).toEqual([
      ['_0', 0],
      ['_1', 0],
      ['_1', 1],
    ]);
  });
});
