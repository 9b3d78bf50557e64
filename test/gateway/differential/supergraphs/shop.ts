/**
 * The shop supergraph of the differential suite: products (an entity interface `Media` with its
 * implementations, a value-type interface `Labeled`, a union `SearchResult`, lists of lists, a
 * non-null root field, a field with arguments, a cart mutated in order) and reviews (reviews of
 * products, `Media` as an `@interfaceObject`, `Product.name` shareable with products, a mutation).
 * Nullable and non-null fields at several depths, so that errors bubble to different parents.
 */
import { byKey, link, subgraph, type Fixture } from './define.ts';

const PRODUCTS_SDL = `${link('key', 'shareable')}
type Query {
  products: [Product!]!
  product(id: ID!): Product
  featured: Product!
  grid: [[Product]]!
  matrix: [[Int!]]
  media: [Media!]!
  search(term: String!): [SearchResult!]!
  labeled: [Labeled!]!
}
type Mutation {
  addToCart(productId: ID!, quantity: Int! = 1): Cart!
  clearCart: Cart!
}
type Cart { revision: Int! items: [CartItem!]! }
type CartItem { product: Product! quantity: Int! }
interface Labeled { label: String! }
enum Currency { EUR USD }
type Product implements Labeled @key(fields: "id") {
  id: ID!
  name: String! @shareable
  label: String!
  price(currency: Currency = EUR): Float!
  tags: [String!]!
  dimensions: Dimensions
  related: [Product!]
}
type Dimensions { width: Int! height: Int! }
interface Media @key(fields: "id") { id: ID! title: String! }
type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! author: Author! }
type Film implements Media @key(fields: "id") { id: ID! title: String! minutes: Int! director: Author }
type Author implements Labeled @key(fields: "id") { id: ID! name: String! label: String! }
union SearchResult = Book | Film | Author`;

const REVIEWS_SDL = `${link('key', 'shareable', 'interfaceObject')}
type Query { latestReviews(first: Int = 2): [Review!]! }
type Mutation { addReview(productId: ID!, body: String!, rating: Int!): Review! }
type Product @key(fields: "id") {
  id: ID!
  name: String! @shareable
  reviews: [Review!]!
  topReview: Review
  ratingsByMonth: [[Int]]
}
type Review @key(fields: "id") { id: ID! body: String! rating: Int! reviewer: User product: Product! }
type User @key(fields: "id") { id: ID! handle: String! }
type Media @key(fields: "id") @interfaceObject { id: ID! reviewCount: Int! }`;

const NAMES: Record<string, string> = { p1: 'Anvil', p2: 'Bellows', p3: 'Chisel' };
const USD_PER_EUR = 1.1;

function products() {
  const items = [
    { id: 'p1', name: NAMES.p1, eur: 10.5, tags: ['forge', 'heavy'], dimensions: { width: 3, height: 4 }, related: ['p2'] },
    { id: 'p2', name: NAMES.p2, eur: 20, tags: [], dimensions: null, related: null },
    { id: 'p3', name: NAMES.p3, eur: 7.25, tags: ['sharp'], dimensions: { width: 1, height: 9 }, related: ['p1', 'p2'] },
  ];
  const productOf = byKey(items, 'id');
  const authors = [
    { __typename: 'Author', id: 'a1', name: 'Frank Herbert' },
    { __typename: 'Author', id: 'a2', name: 'Ridley Scott' },
    { __typename: 'Author', id: 'a3', name: 'Jane Austen' },
  ];
  const authorOf = (id: string) => authors.find((author) => author.id === id);
  const media = [
    { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412, author: 'a1' },
    { __typename: 'Film', id: 'f1', title: 'Alien', minutes: 117, director: 'a2' },
    { __typename: 'Book', id: 'b2', title: 'Emma', pages: 474, author: 'a3' },
    { __typename: 'Film', id: 'f2', title: 'Untitled', minutes: 90, director: null },
  ];
  const cart = { revision: 0, items: [] as { productId: string; quantity: number }[] };
  return subgraph('products', PRODUCTS_SDL, {
    Query: {
      products: () => items,
      product: (_: unknown, { id }: { id: string }) => productOf({ id }),
      featured: () => items[2],
      grid: () => [[items[0], null], [], [items[2], items[1]]],
      matrix: () => [[1, 2], [3], []],
      media: () => media,
      search: (_: unknown, { term }: { term: string }) =>
        [...media, ...authors].filter((entry) => ('title' in entry ? entry.title : entry.name).toLowerCase().includes(term.toLowerCase())),
      labeled: () => [{ ...items[0], __typename: 'Product' }, authors[0], { ...items[1], __typename: 'Product' }, authors[1]],
    },
    Mutation: {
      addToCart: (_: unknown, { productId, quantity }: { productId: string; quantity: number }) => {
        cart.revision += 1;
        cart.items.push({ productId, quantity });
        return { revision: cart.revision, items: [...cart.items] };
      },
      clearCart: () => {
        cart.revision += 1;
        cart.items = [];
        return { revision: cart.revision, items: [] };
      },
    },
    CartItem: { product: (item: { productId: string }) => productOf({ id: item.productId }) },
    Labeled: { __resolveType: (entry: { __typename: string }) => entry.__typename },
    Product: {
      __resolveReference: productOf,
      label: (product: { name: string }) => `product:${product.name}`,
      price: (product: { eur: number }, { currency }: { currency: string }) =>
        currency === 'USD' ? Math.round(product.eur * USD_PER_EUR * 100) / 100 : product.eur,
      related: (product: { related: string[] | null }) => product.related?.map((id) => productOf({ id })) ?? null,
    },
    Media: {
      __resolveType: (entry: { __typename: string }) => entry.__typename,
      __resolveReference: byKey(media, 'id'),
    },
    Book: { __resolveReference: byKey(media, 'id'), author: (book: { author: string }) => authorOf(book.author) },
    Film: {
      __resolveReference: byKey(media, 'id'),
      director: (film: { director: string | null }) => (film.director ? authorOf(film.director) : null),
    },
    Author: { __resolveReference: byKey(authors, 'id'), label: (author: { name: string }) => `author:${author.name}` },
    SearchResult: { __resolveType: (entry: { __typename: string }) => entry.__typename },
  });
}

function reviews() {
  const items = [
    { id: 'r1', productId: 'p1', body: 'Heavy and true', rating: 5, reviewer: 'u1' },
    { id: 'r2', productId: 'p1', body: 'Rusty', rating: 2, reviewer: null },
    { id: 'r3', productId: 'p3', body: 'Sharp', rating: 4, reviewer: 'u2' },
  ];
  const users = [
    { id: 'u1', handle: 'smith' },
    { id: 'u2', handle: 'jones' },
  ];
  const reviewCounts: Record<string, number> = { b1: 3, f1: 0, b2: 1, f2: 0 };
  const ratings: Record<string, (number | null)[][] | null> = { p1: [[5, 2], [null]], p2: null, p3: [[], [4]] };
  const productRef = (id: string) => ({ id, name: NAMES[id] });
  return subgraph('reviews', REVIEWS_SDL, {
    Query: { latestReviews: (_: unknown, { first }: { first: number }) => items.slice(-first) },
    Mutation: {
      addReview: (_: unknown, args: { productId: string; body: string; rating: number }) => {
        const review = { id: `r${items.length + 1}`, productId: args.productId, body: args.body, rating: args.rating, reviewer: 'u1' };
        items.push(review);
        return review;
      },
    },
    Product: {
      __resolveReference: (reference: { id: string }) => productRef(reference.id),
      reviews: (product: { id: string }) => items.filter((review) => review.productId === product.id),
      topReview: (product: { id: string }) =>
        items.filter((review) => review.productId === product.id).sort((a, b) => b.rating - a.rating)[0] ?? null,
      ratingsByMonth: (product: { id: string }) => ratings[product.id] ?? null,
    },
    Review: {
      __resolveReference: byKey(items, 'id'),
      reviewer: (review: { reviewer: string | null }) => users.find((user) => user.id === review.reviewer) ?? null,
      product: (review: { productId: string }) => productRef(review.productId),
    },
    User: { __resolveReference: byKey(users, 'id') },
    Media: { __resolveReference: (reference: { id: string }) => ({ id: reference.id, reviewCount: reviewCounts[reference.id] ?? 0 }) },
  });
}

export const SHOP: Fixture = { name: 'shop', subgraphs: () => [products(), reviews()] };
