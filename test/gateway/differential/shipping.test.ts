/**
 * The shipping supergraph (supergraphs/shipping.ts) through both executors: `@requires` (with an
 * argument, nested, chained), `@provides`, `@override` with and without a progressive label, a
 * shareable field, and faults in the fetches the requirements depend on.
 */
import { describeExamples } from './examples.ts';
import { answers, fieldNull, fieldThrows, whereKey } from './faults.ts';
import { SHIPPING } from './supergraphs/shipping.ts';

describeExamples(SHIPPING, [
  {
    name: '@requires on a field with an argument, under aliases with other arguments',
    query:
      '{ topProducts(first: 4) { upc domestic: shippingEstimate international: shippingEstimate(zone: INTERNATIONAL) plain: shippingEstimate(zone: DOMESTIC) } }',
  },
  {
    name: '@requires of a nested selection, null for one product',
    query: '{ topProducts(first: 4) { name volume size { width } } }',
  },
  {
    name: 'a @requires chain: insurance requires shippingEstimate(zone: INTERNATIONAL), which requires price and weight',
    query: '{ topProducts(first: 4) { upc insurance } product(upc: "2") { insurance shippingEstimate } }',
  },
  {
    name: 'the requirement fetched and also asked for by the client',
    query: '{ topProducts { price weight shippingEstimate insurance volume size { width height depth } } }',
  },
  {
    name: '@provides: the author username and product name come with the review',
    query: '{ reviews { id body author { id username } product { upc name } } }',
  },
  {
    name: '@provides beside fields it does not provide',
    query: '{ reviews { author { username name birthYear } product { name price inStock } } }',
  },
  {
    name: '@override moves inStock to shipping; the progressive label leaves delivery with inventory',
    query: '{ topProducts(first: 4) { upc inStock delivery shippingEstimate } }',
  },
  {
    name: 'a shareable field reached through both subgraphs that resolve it',
    query: '{ topProducts { name reviews { product { name price } } } reviews { product { name } } }',
  },
  {
    name: 'entities reached from accounts back into reviews and catalog, with __typename',
    query: '{ __typename me { __typename username reviews { __typename body product { __typename name insurance } } } users { name } }',
  },
  {
    name: 'variables into arguments and conditions on requiring fields',
    query: `query($first: Int, $zone: Zone!, $withInsurance: Boolean!) {
  topProducts(first: $first) { upc estimate: shippingEstimate(zone: $zone) insurance @include(if: $withInsurance) volume @skip(if: $withInsurance) }
}`,
    variables: { first: 2, zone: 'INTERNATIONAL', withInsurance: true },
  },
  {
    name: 'introspection beside a requiring field',
    query: '{ __type(name: "Product") { name fields { name } } __schema { queryType { name } } product(upc: "1") { insurance } }',
  },
  {
    name: 'the required field fails in its subgraph: the requiring field is not resolved',
    query: '{ topProducts(first: 4) { upc weight shippingEstimate insurance } }',
    faults: [fieldThrows('catalog', 'Product.weight', 'scale broken', whereKey('upc', '3'))],
  },
  {
    name: 'the middle of a @requires chain throws at an entity path',
    query: '{ topProducts(first: 4) { upc insurance } }',
    faults: [fieldThrows('inventory', 'Product.shippingEstimate', 'no rates', whereKey('upc', '1'), { code: 'NO_RATES' })],
  },
  {
    name: 'a nullable requiring field resolves null, a non-null one is nulled by its subgraph',
    query: '{ topProducts(first: 4) { upc volume insurance } }',
    faults: [fieldNull('shipping', 'Product.insurance', whereKey('upc', '4'))],
  },
  {
    name: 'a provided non-null field answered null',
    query: '{ reviews { body author { username } } }',
    faults: [answers('reviews', { kind: 'nullKey', key: 'username' })],
  },
  {
    name: 'the subgraph of the requirements is down',
    query: '{ topProducts { upc name shippingEstimate insurance inStock } }',
    faults: [answers('inventory', { kind: 'down' })],
  },
  {
    name: 'the overriding subgraph answers a 500',
    query: '{ topProducts { upc inStock delivery } }',
    faults: [answers('shipping', { kind: 'status', status: 500 })],
  },
  {
    name: 'top-level errors from a subgraph in a chain of fetches',
    query: '{ reviews { author { name } product { insurance } } }',
    faults: [answers('accounts', { kind: 'errors', errors: [{ message: 'accounts degraded', extensions: { code: 'DEGRADED' } }] })],
  },
  {
    name: 'an entity fetch that is not JSON',
    query: '{ topProducts { name volume } }',
    faults: [answers('inventory', { kind: 'notJson' })],
  },
]);
