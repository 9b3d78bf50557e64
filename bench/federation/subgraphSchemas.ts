/**
 * The four subgraphs of the federation benchmark as executable schemas (`@apollo/subgraph`), with
 * the reference implementation's resolver semantics exactly (README "Federation benchmark"):
 * - accounts: `users` all users, `me` the first, `user(id)` and the `User` entity by `id`;
 * - products: `topProducts(first)` the first `first` products (default 5), the `Product` entity by `upc`;
 * - inventory: the `Product` entity by `upc` is `{ upc, inStock }`, `shippingEstimate` always null
 *   (the reference ignores the required `price` and `weight`);
 * - reviews: `Product.reviews` the reviews naming its `upc`, the `Review` entity by `id`,
 *   `Review.author` always user 1 `urigo`, the `User` entity `{ id, username: "user" }`, and every
 *   user's `reviews` the first two reviews.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { readWorkloadJson, subgraphSdl, type SubgraphName } from './workload.ts';

interface User {
  readonly id: string;
  readonly name: string;
  readonly username: string;
  readonly birthday: number;
}
interface Product {
  readonly upc: string;
  readonly name: string;
  readonly price: number;
  readonly weight: number;
}
interface Stock {
  readonly upc: string;
  readonly inStock: boolean;
}
interface Review {
  readonly id: string;
  readonly body: string;
  readonly upc: string;
}

/** What each resolver map is made of; `@apollo/subgraph` takes `__resolveReference` beside the fields. */
type Resolvers = Record<string, Record<string, (parent: never, args: never) => unknown>>;

function resolversOf(name: SubgraphName): Resolvers {
  switch (name) {
    case 'accounts': {
      const users = readWorkloadJson<User[]>('users.json');
      const byId = (id: string) => users.find((user) => user.id === id);
      return {
        Query: { me: () => users[0], user: (_: never, args: { id: string }) => byId(args.id), users: () => users },
        User: { __resolveReference: (reference: { id: string }) => byId(reference.id) },
      };
    }
    case 'products': {
      const products = readWorkloadJson<Product[]>('products.json');
      return {
        Query: { topProducts: (_: never, args: { first: number }) => products.slice(0, args.first) },
        Product: { __resolveReference: (reference: { upc: string }) => products.find((product) => product.upc === reference.upc) },
      };
    }
    case 'inventory': {
      const stock = readWorkloadJson<Stock[]>('inventory.json');
      return {
        Product: {
          __resolveReference: (reference: { upc: string }) => {
            const found = stock.find((entry) => entry.upc === reference.upc);
            return found && { upc: found.upc, inStock: found.inStock };
          },
          shippingEstimate: () => null,
        },
      };
    }
    case 'reviews': {
      const reviews = readWorkloadJson<Review[]>('reviews.json');
      const firstTwo = reviews.slice(0, 2);
      return {
        Review: {
          __resolveReference: (reference: { id: string }) => reviews.find((review) => review.id === reference.id),
          product: (review: Review) => ({ upc: review.upc }),
          author: () => ({ id: '1', username: 'urigo' }),
        },
        User: {
          __resolveReference: (reference: { id: string }) => ({ id: reference.id, username: 'user' }),
          reviews: () => firstTwo,
        },
        Product: {
          __resolveReference: (reference: { upc: string }) => ({ upc: reference.upc }),
          reviews: (product: { upc: string }) => reviews.filter((review) => review.upc === product.upc),
        },
      };
    }
  }
}

/** The executable schema of subgraph `name`: its SDL from the workload and its resolvers. */
export function subgraphSchema(name: SubgraphName): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(subgraphSdl(name)), resolvers: resolversOf(name) as never });
}
