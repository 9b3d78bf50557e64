/**
 * The cost calculator of demand control (docs/demand-control.md#how-cost-is-computed), with exact
 * numbers: the directives as composition leaves them in a supergraph, the estimate of an operation
 * (lists, slicing arguments, sized fields, weights, mutations, fragments, @skip/@include) and the
 * actual cost of the data returned; then the README's queries against the canonical schema.
 */
import { Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { actualCost } from '../../gateway/cost/actualCost.ts';
import { readCostDirectives } from '../../gateway/cost/costDirectives.ts';
import { estimateCost } from '../../gateway/cost/estimateCost.ts';
import type { CostRules } from '../../gateway/cost/operationWalk.ts';
import { composeSupergraph } from '../../schema/compose.ts';
import { REAL_SOURCES } from '../schema/realSchema.ts';
import { readmeExamples } from '../harness/readmeQueries.ts';

const TOY = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])
type Query {
  items(first: Int = 5): [Item!] @listSize(slicingArguments: ["first"])
  page(first: Int = 50, filter: String @cost(weight: 4)): ItemPage @listSize(slicingArguments: ["first"], sizedFields: ["nodes"])
  item(id: ID!): Item
  tags: [String!] @listSize(assumedSize: 7)
  heavy: Heavy
  unsized: [Item!]
}
type ItemPage { nodes: [Item!]! total: Int! }
type Item @key(fields: "id") {
  id: ID!
  name: String
  related: [Item!] @listSize(assumedSize: 3)
  score: Int @cost(weight: 2)
}
type Heavy @cost(weight: 8) { id: ID! }
type Mutation { touch(id: ID!): Item }
`;

function rulesOf(supergraphSdl: string, defaultListSize = 10): CostRules {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return { schema, directives: readCostDirectives(supergraphSdl), defaultListSize };
}

const toy = rulesOf(composeSupergraph([{ name: 'toy', url: 'http://toy.test/graphql', sdl: TOY }]));
const estimate = (query: string, variables?: Record<string, unknown>, rules = toy) =>
  estimateCost(rules, parse(query), undefined, variables);
const actual = (query: string, data: Record<string, unknown>, variables?: Record<string, unknown>) =>
  actualCost(toy, parse(query), undefined, variables, data);

describe('readCostDirectives', () => {
  it('reads @cost and @listSize from a composed supergraph, by coordinate', () => {
    expect(toy.directives).toEqual({
      types: new Map([['Heavy', 8]]),
      fields: new Map([['Item.score', 2]]),
      arguments: new Map([['Query.page(filter:)', 4]]),
      listSizes: new Map([
        ['Query.items', { assumedSize: undefined, slicingArguments: ['first'], sizedFields: [], requireOneSlicingArgument: true }],
        ['Query.page', { assumedSize: undefined, slicingArguments: ['first'], sizedFields: ['nodes'], requireOneSlicingArgument: true }],
        ['Query.tags', { assumedSize: 7, slicingArguments: [], sizedFields: [], requireOneSlicingArgument: true }],
        ['Item.related', { assumedSize: 3, slicingArguments: [], sizedFields: [], requireOneSlicingArgument: true }],
      ]),
    });
  });

  it('follows the names the @link gives them (as:, renamed imports), and knows none without the link', () => {
    const renamed = `
      schema @link(url: "https://specs.apollo.dev/link/v1.0")
        @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", import: [{ name: "@listSize", as: "@size" }]) { query: Query }
      type Query { a: [A] @size(assumedSize: 2) b: Int @price(weight: 3) c: [A] @listSize(assumedSize: 9) }
      type A @price(weight: 5) { x: Int @cost(weight: 7) }`;
    const directives = readCostDirectives(renamed);
    expect([...directives.types]).toEqual([['A', 5]]);
    expect([...directives.fields]).toEqual([['Query.b', 3]]);
    expect([...directives.listSizes.keys()]).toEqual(['Query.a']);
    expect(readCostDirectives('type Query { a: Int @cost(weight: 3) }')).toEqual({
      types: new Map(),
      fields: new Map(),
      arguments: new Map(),
      listSizes: new Map(),
    });
  });
});

describe('estimateCost', () => {
  it('costs objects 1 and scalars 0, weights replacing the default', () => {
    expect(estimate('{ item(id: "1") { id name } }')).toBe(1);
    expect(estimate('{ item(id: "1") { id score } }')).toBe(3);
    expect(estimate('{ heavy { id } }')).toBe(8);
    expect(estimate('{ __typename item(id: "1") { __typename } }')).toBe(1);
  });

  it('multiplies a list by its slicing argument: literal, variable, variable default, argument default', () => {
    expect(estimate('{ items(first: 3) { id related { id } } }')).toBe(3 * (1 + 3 * 1));
    expect(estimate('query($n: Int) { items(first: $n) { id } }', { n: 7 })).toBe(7);
    expect(estimate('query($n: Int = 4) { items(first: $n) { id } }')).toBe(4);
    expect(estimate('query($n: Int) { items(first: $n) { id } }', {})).toBe(5);
    expect(estimate('{ items { id } }')).toBe(5);
  });

  it('uses assumedSize, else the configured list size', () => {
    expect(estimate('{ unsized { id } }')).toBe(10);
    expect(estimate('{ unsized { id } }', undefined, { ...toy, defaultListSize: 25 })).toBe(25);
    expect(estimate('{ tags }')).toBe(0);
    expect(estimate('{ item(id: "1") { related { related { id } } } }')).toBe(1 + 3 * (1 + 3 * 1));
  });

  it('sizes the named fields of a connection by its slicing argument; argument weights add once', () => {
    expect(estimate('{ page(first: 4) { total nodes { id score } } }')).toBe(1 + 4 * (1 + 2));
    expect(estimate('{ page { nodes { id } } }')).toBe(1 + 50);
    expect(estimate('{ page(first: 4, filter: "x") { nodes { id } } }')).toBe(1 + 4 + 4);
  });

  it('adds 10 for each root field of a mutation', () => {
    expect(estimate('mutation { touch(id: "1") { id } }')).toBe(10 + 1);
    expect(estimate('mutation { a: touch(id: "1") { id } b: touch(id: "2") { related { id } } }')).toBe(11 + 10 + 1 + 3);
  });

  it('leaves out what @skip and @include leave out', () => {
    expect(estimate('{ items(first: 2) { id related @skip(if: true) { id } } }')).toBe(2);
    expect(estimate('query($on: Boolean!) { items(first: 2) { related @include(if: $on) { id } } }', { on: false })).toBe(2);
    expect(estimate('query($on: Boolean!) { items(first: 2) { related @include(if: $on) { id } } }', { on: true })).toBe(2 * (1 + 3));
  });

  it('costs a fragment once per sizing context, and multiplies it at each spread without expanding it', () => {
    expect(estimate('{ items(first: 2) { ...F } } fragment F on Item { related { id } }')).toBe(2 * (1 + 3));
    const sized = '{ a: page(first: 4) { ...P } b: page(first: 6) { ...P } } fragment P on ItemPage { nodes { id } }';
    expect(estimate(sized)).toBe(1 + 4 + (1 + 6));
    const fragments = ['fragment F0 on Item { related { id } }'];
    for (let i = 1; i <= 40; i++) fragments.push(`fragment F${i} on Item { ...F${i - 1} ...F${i - 1} }`);
    expect(estimate(`{ item(id: "1") { ...F40 } }\n${fragments.join('\n')}`)).toBe(1 + 2 ** 40 * 3);
    expect(estimate('{ a: item(id: "1") { id } }', undefined)).toBe(1);
  });

  it('is null when the operation name selects nothing', () => {
    expect(estimateCost(toy, parse('query A { heavy { id } } query B { heavy { id } }'), 'B', {})).toBe(8);
    expect(estimateCost(toy, parse('query A { heavy { id } }'), 'C', {})).toBeNull();
  });
});

describe('actualCost', () => {
  it('counts each list at the length returned, and a null as nothing', () => {
    const query = '{ items(first: 3) { id related { id } } }';
    const data = {
      items: [
        { id: '1', related: [{ id: '2' }, { id: '3' }] },
        { id: '4', related: null },
      ],
    };
    expect(actual(query, data)).toBe(1 + 2 + 1);
    expect(actual(query, { items: null })).toBe(0);
  });

  it('applies weights per item returned (a null score costs nothing) and argument weights once', () => {
    const query = '{ page(first: 4, filter: "x") { total nodes { id score } } }';
    expect(
      actual(query, {
        page: {
          total: 2,
          nodes: [
            { id: '1', score: 1 },
            { id: '2', score: null },
          ],
        },
      }),
    ).toBe(4 + 1 + (1 + 2) + (1 + 0));
  });

  it('adds 10 for each root field of a mutation, even one that returned null', () => {
    expect(actual('mutation { touch(id: "1") { id } }', { touch: null })).toBe(10);
    expect(actual('mutation { touch(id: "1") { id } }', { touch: { id: '1' } })).toBe(11);
  });

  it('follows fragments and aliases into the data', () => {
    const query = '{ x: items { ...F } } fragment F on Item { r: related { id } }';
    expect(actual(query, { x: [{ r: [{ id: '1' }] }, { r: [] }] })).toBe(1 + 1 + 1);
  });
});

describe('the canonical schema', () => {
  const canonical = rulesOf(composeSupergraph(REAL_SOURCES));
  const examples = readmeExamples();

  it('prices the README examples far under the default budget of 100000', () => {
    expect(examples.map((query) => estimateCost(canonical, parse(query), undefined, {}))).toEqual([249, 176, 83]);
  });

  it('prices a page of projects by its first argument', () => {
    expect(estimateCost(canonical, parse('{ projects(first: 500) { nodes { code } } }'), undefined, {})).toBe(1 + 500);
    expect(estimateCost(canonical, parse('{ projects(first: 500) { nodes { invoices { id } } } }'), undefined, {})).toBe(
      1 + 500 * (1 + 50),
    );
  });
});
