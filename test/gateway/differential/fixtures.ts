/**
 * The differential suite's supergraphs, for the files that run over all of them (the property test),
 * with the argument values their queries are drawn with.
 */
import { BENCHMARK } from './supergraphs/benchmark.ts';
import type { Fixture } from './supergraphs/define.ts';
import { HIDDEN } from './supergraphs/hidden.ts';
import { SHIPPING } from './supergraphs/shipping.ts';
import { SHOP } from './supergraphs/shop.ts';

export const FIXTURES: readonly Fixture[] = [
  {
    ...SHOP,
    arguments: {
      'Query.product(id)': ['p1', 'p2', 'p9'],
      'Query.search(term)': ['', 'e', 'dune', 'zzz'],
      'Mutation.addToCart(productId)': ['p1', 'p3', 'p9'],
      'Mutation.addReview(productId)': ['p2', 'p9'],
      ID: ['p1', 'p3'],
    },
  },
  { ...SHIPPING, arguments: { 'Query.product(upc)': ['1', '4', '9'], 'Query.topProducts(first)': [0, 2, 4] } },
  { ...HIDDEN, arguments: { 'Query.account(id)': ['a1', 'a2', 'a3', 'a9'] } },
  { ...BENCHMARK, arguments: { 'Query.user(id)': ['1', '2', '9'], 'Query.topProducts(first)': [1, 5] } },
];
