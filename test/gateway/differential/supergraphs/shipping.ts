/**
 * The shipping supergraph of the differential suite: `@requires` (a field with an argument that
 * requires two fields of another subgraph; a nested selection; a field that requires a field with
 * an argument that itself requires others), `@provides` (a review's author's username and its
 * product's name come with the review), `@override` (plain, and progressive with a label, which
 * `@apollo/gateway` leaves off so the original subgraph keeps serving), and `Product.name`
 * shareable between catalog and reviews.
 */
import { byKey, link, subgraph, type Fixture } from './define.ts';

const CATALOG_SDL = `${link('key', 'shareable')}
type Query { topProducts(first: Int = 3): [Product!]! product(upc: ID!): Product }
type Product @key(fields: "upc") { upc: ID! name: String! @shareable price: Int! weight: Int! size: Size! }
type Size @shareable { width: Int! height: Int! depth: Int! }`;

const INVENTORY_SDL = `${link('key', 'external', 'requires', 'shareable')}
type Product @key(fields: "upc") {
  upc: ID!
  price: Int! @external
  weight: Int! @external
  size: Size! @external
  inStock: Boolean!
  delivery: String!
  shippingEstimate(zone: Zone! = DOMESTIC): Int! @requires(fields: "price weight")
  volume: Int @requires(fields: "size { width height depth }")
}
type Size @shareable { width: Int! height: Int! depth: Int! }
enum Zone { DOMESTIC INTERNATIONAL }`;

const SHIPPING_SDL = `${link('key', 'external', 'requires', 'override')}
type Product @key(fields: "upc") {
  upc: ID!
  shippingEstimate(zone: Zone! = DOMESTIC): Int! @external
  insurance: Int! @requires(fields: "shippingEstimate(zone: INTERNATIONAL)")
  inStock: Boolean! @override(from: "inventory")
  delivery: String! @override(from: "inventory", label: "percent(50)")
}
enum Zone { DOMESTIC INTERNATIONAL }`;

const REVIEWS_SDL = `${link('key', 'external', 'provides')}
type Query { reviews: [Review!]! }
type Review @key(fields: "id") {
  id: ID!
  body: String!
  author: User! @provides(fields: "username")
  product: Product @provides(fields: "name")
}
type User @key(fields: "id") { id: ID! username: String! @external reviews: [Review!]! }
type Product @key(fields: "upc") { upc: ID! name: String! @external reviews: [Review!]! }`;

const ACCOUNTS_SDL = `${link('key', 'shareable')}
type Query { me: User users: [User!]! }
type User @key(fields: "id") { id: ID! username: String! @shareable name: String birthYear: Int! }`;

const PRODUCTS = [
  { upc: '1', name: 'Table', price: 899, weight: 100, size: { width: 120, height: 75, depth: 80 } },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000, size: { width: 200, height: 90, depth: 95 } },
  { upc: '3', name: 'Chair', price: 54, weight: 50, size: { width: 45, height: 90, depth: 50 } },
  { upc: '4', name: 'Lamp', price: 30, weight: 2, size: { width: 20, height: 40, depth: 20 } },
];
const USERS = [
  { id: 'u1', username: 'ada', name: 'Ada Lovelace', birthYear: 1815 },
  { id: 'u2', username: 'alan', name: null, birthYear: 1912 },
];
const REVIEWS = [
  { id: 'r1', body: 'Love it', author: 'u1', upc: '1' },
  { id: 'r2', body: 'Too heavy', author: 'u2', upc: '2' },
  { id: 'r3', body: 'Could be cheaper', author: 'u1', upc: '1' },
  { id: 'r4', body: 'Lost in transit', author: 'u2', upc: null },
];
const ZONE_FACTOR = { DOMESTIC: 1, INTERNATIONAL: 3 } as const;

function catalog() {
  return subgraph('catalog', CATALOG_SDL, {
    Query: {
      topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first),
      product: (_: unknown, { upc }: { upc: string }) => byKey(PRODUCTS, 'upc')({ upc }),
    },
    Product: { __resolveReference: byKey(PRODUCTS, 'upc') },
  });
}

function inventory() {
  const stocked = new Set(['1', '3']);
  return subgraph('inventory', INVENTORY_SDL, {
    Product: {
      // The required fields come in the representation, beside the key.
      __resolveReference: (reference: Record<string, unknown>) => reference,
      inStock: (product: { upc: string }) => stocked.has(product.upc),
      delivery: (product: { upc: string }) => `inventory-${product.upc}`,
      shippingEstimate: (product: { price: number; weight: number }, { zone }: { zone: keyof typeof ZONE_FACTOR }) =>
        product.price > 1000 ? 0 : Math.round(product.weight / 2) * ZONE_FACTOR[zone],
      // Lamps are not measured: a null at the end of a nullable field.
      volume: (product: { upc: string; size: { width: number; height: number; depth: number } }) =>
        product.upc === '4' ? null : product.size.width * product.size.height * product.size.depth,
    },
  });
}

function shipping() {
  return subgraph('shipping', SHIPPING_SDL, {
    Product: {
      __resolveReference: (reference: Record<string, unknown>) => reference,
      insurance: (product: { shippingEstimate: number }) => product.shippingEstimate * 10 + 5,
      inStock: (product: { upc: string }) => product.upc !== '2',
      delivery: (product: { upc: string }) => `shipping-${product.upc}`,
    },
  });
}

function reviews() {
  const userRef = (id: string) => ({ id, username: USERS.find((user) => user.id === id)?.username });
  const productRef = (upc: string | null) => (upc ? { upc, name: PRODUCTS.find((product) => product.upc === upc)?.name } : null);
  return subgraph('reviews', REVIEWS_SDL, {
    Query: { reviews: () => REVIEWS },
    Review: {
      __resolveReference: byKey(REVIEWS, 'id'),
      author: (review: { author: string }) => userRef(review.author),
      product: (review: { upc: string | null }) => productRef(review.upc),
    },
    User: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      reviews: (user: { id: string }) => REVIEWS.filter((review) => review.author === user.id),
    },
    Product: {
      __resolveReference: (reference: { upc: string }) => ({ upc: reference.upc }),
      reviews: (product: { upc: string }) => REVIEWS.filter((review) => review.upc === product.upc),
    },
  });
}

function accounts() {
  return subgraph('accounts', ACCOUNTS_SDL, {
    Query: { me: () => USERS[0], users: () => USERS },
    User: { __resolveReference: byKey(USERS, 'id') },
  });
}

export const SHIPPING: Fixture = { name: 'shipping', subgraphs: () => [catalog(), inventory(), shipping(), reviews(), accounts()] };
