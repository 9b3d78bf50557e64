/**
 * The shop supergraph (supergraphs/shop.ts) through both executors: interfaces (entity and value
 * type, `@interfaceObject`), unions, fragments, lists of lists, aliases, `__typename`, variables
 * with `@include`/`@skip`, introspection beside fields, a shareable field, a mutation, nulls that
 * bubble to different parents, and every fault kind.
 */
import { describeExamples } from './examples.ts';
import { answers, fieldNull, fieldThrows, whereKey } from './faults.ts';
import { SHOP } from './supergraphs/shop.ts';

describeExamples(SHOP, [
  {
    name: 'an entity interface with fragments on its implementations and an @interfaceObject field',
    query:
      '{ media { __typename id title reviewCount ... on Book { pages author { name label } } ... on Film { minutes director { id name } } } }',
  },
  {
    name: 'a value-type interface whose implementations are entities of another subgraph',
    query: '{ labeled { __typename label ... on Product { price reviews { rating reviewer { handle } } } ... on Author { name } } }',
  },
  {
    name: 'a union with inline fragments, one reaching another subgraph',
    query:
      '{ search(term: "") { __typename ... on Book { title reviewCount author { name } } ... on Film { title minutes } ... on Author { id name } } }',
  },
  {
    name: 'named fragments nested on abstract types, spread twice',
    query: `{ media { ...MediaCard } search(term: "e") { ... on Media { ...MediaCard } ...AuthorName } }
fragment MediaCard on Media { id ...Titled ... on Book { ...BookBits } }
fragment Titled on Media { title reviewCount }
fragment BookBits on Book { pages author { ...AuthorName } }
fragment AuthorName on Author { name }`,
  },
  {
    name: 'lists of lists, with null items and entity fields inside',
    query: '{ grid { id name reviews { body } ratingsByMonth } matrix products { ratingsByMonth } }',
  },
  {
    name: 'the same field with other arguments under aliases, and aliased entity fields',
    query:
      '{ products { eur: price usd: price(currency: USD) again: price(currency: EUR) opinions: reviews { stars: rating } } one: product(id: "p1") { name } two: product(id: "p2") { name } }',
  },
  {
    name: 'response names that an object inherits unless it has no prototype (__proto__, constructor, toString)',
    query: `query($__proto__: ID!) {
  __proto__: product(id: $__proto__) { constructor: name toString: price __proto__: reviews { hasOwnProperty: rating valueOf: reviewer { __proto__: handle } } }
  constructor: products { __proto__: __typename isPrototypeOf: id }
}`,
    // Parsed, as a request body is: in an object literal, `__proto__:` would set the prototype.
    variables: JSON.parse('{ "__proto__": "p1" }') as Record<string, unknown>,
    apollo: {
      status: 200,
      body: JSON.parse(
        '{"data":{"__proto__":{"constructor":"Anvil","toString":10.5,"__proto__":[{"hasOwnProperty":5,"valueOf":{"__proto__":"smith"}},{"hasOwnProperty":2,"valueOf":null}]},' +
          '"constructor":[{"__proto__":"Product","isPrototypeOf":"p1"},{"__proto__":"Product","isPrototypeOf":"p2"},{"__proto__":"Product","isPrototypeOf":"p3"}]}}',
      ),
    },
  },
  {
    name: '__typename at the root and at every depth',
    query:
      '{ __typename products { __typename reviews { __typename reviewer { __typename handle } product { __typename } } dimensions { __typename } } media { __typename } }',
  },
  {
    name: 'variables, @include and @skip with variables, on fields and fragments',
    query: `query Shop($id: ID!, $currency: Currency, $withReviews: Boolean!, $terse: Boolean!) {
  product(id: $id) { name price(currency: $currency) reviews @include(if: $withReviews) { body rating @skip(if: $terse) } ... on Product @skip(if: $terse) { tags } }
  media { title ...Count @include(if: $withReviews) }
}
fragment Count on Media { reviewCount }`,
    variables: { id: 'p1', currency: 'USD', withReviews: true, terse: false },
  },
  {
    name: 'the same with the conditions the other way',
    query: `query($withReviews: Boolean!, $terse: Boolean!) { products { name reviews @include(if: $withReviews) { body } tags @skip(if: $terse) } media { title ... @include(if: $withReviews) { reviewCount } } }`,
    variables: { withReviews: false, terse: true },
  },
  {
    name: 'introspection mixed with fields of two subgraphs',
    query:
      '{ __schema { queryType { name } mutationType { name } } __type(name: "Media") { name kind possibleTypes { name } } products { name topReview { body } } }',
  },
  {
    name: 'a field shareable between products and reviews, beside fields only one has',
    query: '{ latestReviews(first: 3) { body product { name price tags } } products { name reviews { product { name } } } }',
  },
  {
    name: 'one operation of several, picked by operationName',
    query: 'query A { products { name } } query B { media { title reviewCount } }',
    operationName: 'B',
  },
  {
    name: 'root mutation fields of two subgraphs in order, then entity fetches',
    query: `mutation {
  first: addToCart(productId: "p1", quantity: 2) { revision items { quantity product { name reviews { body } } } }
  review: addReview(productId: "p3", body: "Fine", rating: 3) { id body product { name price } }
  second: addToCart(productId: "p3") { revision items { product { name topReview { body rating } } } }
  cleared: clearCart { revision items { quantity } }
}`,
    apollo: {
      status: 200,
      body: {
        data: {
          first: {
            revision: 1,
            items: [{ quantity: 2, product: { name: 'Anvil', reviews: [{ body: 'Heavy and true' }, { body: 'Rusty' }] } }],
          },
          review: { id: 'r4', body: 'Fine', product: { name: 'Chisel', price: 7.25 } },
          second: {
            revision: 2,
            items: [
              { product: { name: 'Anvil', topReview: { body: 'Heavy and true', rating: 5 } } },
              { product: { name: 'Chisel', topReview: { body: 'Sharp', rating: 4 } } },
            ],
          },
          cleared: { revision: 3, items: [] },
        },
      },
    },
  },
  {
    name: 'a nullable root field whose subgraph answers null for a non-null field (its own error)',
    query: '{ product(id: "p1") { id name } featured { id } }',
    faults: [fieldNull('products', 'Product.name', whereKey('id', 'p1'))],
  },
  {
    name: 'a non-null field nulled in an entity answer bubbles to the nearest nullable parent (the whole data)',
    query: '{ products { name reviews { body } } }',
    faults: [answers('reviews', { kind: 'nullKey', key: 'body' }, 'entities')],
  },
  {
    name: 'the same null stops at a nullable entity field',
    query: '{ products { id topReview { body rating } } product(id: "p1") { reviews { body } } }',
    faults: [answers('reviews', { kind: 'nullKey', key: 'body' }, 'entities')],
  },
  {
    name: 'a null inside lists of lists stops at the nullable item',
    query: '{ grid { id name } matrix }',
    faults: [answers('products', { kind: 'nullKey', key: 'name' })],
  },
  {
    name: 'a null under a non-null root field empties data',
    query: '{ featured { name reviews { rating body } } media { title } }',
    faults: [answers('reviews', { kind: 'nullKey', key: 'rating' }, 'entities')],
  },
  {
    name: 'an error at an entity path (_entities.N.field) lands at the client path',
    query: '{ products { id topReview { body } reviews { rating } } }',
    faults: [fieldThrows('reviews', 'Product.topReview', 'no top review for p3', whereKey('id', 'p3'), { code: 'TOP_REVIEW_FAILED' })],
    apollo: {
      status: 200,
      body: {
        errors: [
          {
            message: 'no top review for p3',
            path: ['products', 2, 'topReview'],
            extensions: { code: 'SUBGRAPH_ERROR', subgraph: 'reviews', serviceName: 'reviews' },
          },
        ],
        data: {
          products: [
            { id: 'p1', topReview: { body: 'Heavy and true' }, reviews: [{ rating: 5 }, { rating: 2 }] },
            { id: 'p2', topReview: null, reviews: [] },
            { id: 'p3', topReview: null, reviews: [{ rating: 4 }, { rating: 3 }] },
          ],
        },
      },
    },
  },
  {
    name: 'an error in a non-null entity field of an interface object',
    query: '{ media { id title reviewCount } }',
    faults: [fieldThrows('reviews', 'Media.reviewCount', 'count unavailable', whereKey('id', 'f1'))],
  },
  {
    name: 'an error in a root field with a path and extensions',
    query: '{ product(id: "p2") { name } products { id } }',
    faults: [fieldThrows('products', 'Query.product', 'lookup failed', undefined, { code: 'LOOKUP_FAILED', retryable: false })],
  },
  {
    name: 'top-level errors beside the data of an entity fetch',
    query: '{ products { name reviews { body } } }',
    faults: [
      answers('reviews', {
        kind: 'errors',
        errors: [{ message: 'rate limited', extensions: { code: 'RATE_LIMITED' } }, { message: 'deprecated' }],
      }),
    ],
  },
  {
    name: 'an entity fetch answered with data null and errors',
    query: '{ products { name topReview { body } } media { title reviewCount } }',
    faults: [
      answers('reviews', { kind: 'body', body: { data: null, errors: [{ message: 'entities failed', path: ['_entities'] }] } }, 'entities'),
    ],
  },
  {
    name: 'an entity fetch answered with a 500',
    query: '{ products { name topReview { body } } }',
    faults: [answers('reviews', { kind: 'status', status: 500 }, 'entities')],
  },
  {
    name: 'a root fetch answered with a 500 and a text body',
    query: '{ products { name } latestReviews { body } }',
    faults: [answers('products', { kind: 'status', status: 500, text: 'upstream exploded' })],
  },
  {
    name: 'an entity fetch answered with HTML',
    query: '{ media { title reviewCount } }',
    faults: [answers('reviews', { kind: 'notJson' })],
  },
  {
    name: 'a subgraph down for entity fetches',
    query: '{ products { name reviews { body } topReview { rating } } product(id: "p3") { topReview { body } } }',
    faults: [answers('reviews', { kind: 'down' })],
  },
  {
    name: 'the root subgraph down',
    query: '{ products { name reviews { body } } latestReviews { body } }',
    faults: [answers('products', { kind: 'down' })],
  },
  {
    name: 'a mutation whose entity fetch fails',
    query: 'mutation { addReview(productId: "p1", body: "Again", rating: 1) { id product { name price } } }',
    faults: [answers('products', { kind: 'status', status: 500 }, 'entities')],
  },
]);
