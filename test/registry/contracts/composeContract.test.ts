/**
 * Contracts on small fixture subgraphs: inclusion (on the element or inherited from its type),
 * exclusion, what follows (empty types, fields of hidden types, unreachable types), enum values,
 * input fields, optional arguments, and contracts that cannot compose (docs/registry.md#contracts).
 */
import { describe, expect, it } from 'vitest';
import { CompositionError, composeSupergraph, type SubgraphSource } from '../../../schema/compose.ts';
import { composeContract, contractSubgraphs } from '../../../registry/contracts/composeContract.ts';
import { printedApi } from './apiSchema.ts';

const link = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: [${imports}])`;

// Catalog imports @tag but not @inaccessible (the contract uses @federation__inaccessible there);
// reviews imports both (the contract uses the imported name).
const CATALOG = `${link('"@key", "@shareable", "@tag"')}
type Query {
  product(id: ID!): Product @tag(name: "public")
  products(category: Category, internalSort: SortInput @tag(name: "internal")): [Product!]! @tag(name: "public")
  stock(sku: ID!): Stock
  secret: Secret @tag(name: "public")
}
type Mutation {
  restock(input: RestockInput!): Stock
}
"A product."
type Product @key(fields: "id") @tag(name: "public") {
  id: ID!
  name: String!
  cost: Money @tag(name: "internal")
  category: Category!
  warehouse: Warehouse
}
type Money @shareable {
  amount: String!
}
type Warehouse {
  code: String!
}
enum Category {
  BOOKS
  GAMES
  SECRET_STUFF @tag(name: "internal")
}
input SortInput {
  field: String!
}
input RestockInput {
  sku: ID!
  quantity: Int!
  note: String @tag(name: "internal")
}
type Stock {
  sku: ID!
  quantity: Int!
}
type Secret @tag(name: "internal") {
  code: String!
}
type Orphan @tag(name: "public") {
  id: ID!
}
scalar Legacy`;

const REVIEWS = `${link('"@key", "@tag", "@inaccessible"')}
type Product @key(fields: "id") {
  id: ID!
  reviews(first: Int, includeHidden: Boolean @tag(name: "internal")): [Review!]!
  margin: Float @tag(name: "internal")
}
type Review @tag(name: "public") {
  id: ID!
  body: String!
  author: Author!
}
type Author {
  name: String!
}`;

const SOURCES: SubgraphSource[] = [
  { name: 'catalog', url: 'http://catalog.test/graphql', sdl: CATALOG },
  { name: 'reviews', url: 'http://reviews.test/graphql', sdl: REVIEWS },
];

describe('contractSubgraphs and composeContract', () => {
  it('include and exclude: tagged fields and the fields of tagged types, without the excluded ones and what they leave empty or unreachable', () => {
    const supergraph = composeContract(SOURCES, { name: 'public', includeTags: ['public'], excludeTags: ['internal'] });
    expect(printedApi(supergraph)).toBe(
      `enum Category {
  BOOKS
  GAMES
}

"""A product."""
type Product {
  category: Category!
  id: ID!
  name: String!
  reviews(first: Int): [Review!]!
}

type Query {
  product(id: ID!): Product
  products(category: Category): [Product!]!
}

type Review {
  body: String!
  id: ID!
}`,
    );
  });

  it('include only: a field is kept by its own tag or its type’s (in any subgraph), and left out when its type keeps no field (Product.cost: Money)', () => {
    const supergraph = composeContract(SOURCES, { name: 'public', includeTags: ['public'], excludeTags: [] });
    expect(printedApi(supergraph)).toBe(
      `enum Category {
  BOOKS
  GAMES
  SECRET_STUFF
}

"""A product."""
type Product {
  category: Category!
  id: ID!
  margin: Float
  name: String!
  reviews(first: Int, includeHidden: Boolean): [Review!]!
}

type Query {
  product(id: ID!): Product
  products(category: Category, internalSort: SortInput): [Product!]!
}

type Review {
  body: String!
  id: ID!
}

input SortInput {
  field: String!
}`,
    );
  });

  it('exclude only: everything but the excluded enum value, optional argument, optional input field, fields and types', () => {
    const supergraph = composeContract(SOURCES, { name: 'external', includeTags: [], excludeTags: ['internal'] });
    expect(printedApi(supergraph)).toBe(
      `type Author {
  name: String!
}

enum Category {
  BOOKS
  GAMES
}

type Mutation {
  restock(input: RestockInput!): Stock
}

"""A product."""
type Product {
  category: Category!
  id: ID!
  name: String!
  reviews(first: Int): [Review!]!
  warehouse: Warehouse
}

type Query {
  product(id: ID!): Product
  products(category: Category): [Product!]!
  stock(sku: ID!): Stock
}

input RestockInput {
  quantity: Int!
  sku: ID!
}

type Review {
  author: Author!
  body: String!
  id: ID!
}

type Stock {
  quantity: Int!
  sku: ID!
}

type Warehouse {
  code: String!
}`,
    );
  });

  it('no tags at all keeps the whole API schema but the types no root field reaches', () => {
    const full = printedApi(composeSupergraph(SOURCES));
    expect(full).toContain('scalar Legacy\n\n');
    expect(full).toContain('type Orphan {\n  id: ID!\n}\n\n');
    const expected = full.replace('scalar Legacy\n\n', '').replace('type Orphan {\n  id: ID!\n}\n\n', '');
    expect(printedApi(composeContract(SOURCES, { name: 'all', includeTags: [], excludeTags: [] }))).toBe(expected);
  });

  it('marks hidden elements @inaccessible, importing it where a subgraph does not (composition wants one name across subgraphs)', () => {
    const [catalog, reviews] = contractSubgraphs(SOURCES, { includeTags: ['public'], excludeTags: ['internal'] });
    expect(catalog!.sdl).toContain('import: ["@key", "@shareable", "@tag", "@inaccessible"]');
    expect(reviews!.sdl).toContain('import: ["@key", "@tag", "@inaccessible"]');
    expect(catalog!.sdl).toContain('cost: Money @tag(name: "internal") @inaccessible');
    expect(catalog!.sdl).toContain('type Orphan @tag(name: "public") @inaccessible');
    expect(catalog!.sdl).toContain('SECRET_STUFF @tag(name: "internal") @inaccessible');
    expect(catalog!.sdl).toContain('note: String @tag(name: "internal") @inaccessible');
    expect(reviews!.sdl).toContain('margin: Float @tag(name: "internal") @inaccessible');
    expect(reviews!.sdl).toContain('includeHidden: Boolean @tag(name: "internal") @inaccessible');
    expect(reviews!.sdl).toContain('type Author @inaccessible');
    expect(catalog!.name).toBe('catalog');
    expect(catalog!.url).toBe('http://catalog.test/graphql');
  });

  it('a required argument whose type the contract hides: composition fails naming the contract, the coordinate and what to change', () => {
    const sdl = `${link('"@key", "@tag"')}
type Query {
  lookup(filter: Filter!): String @tag(name: "public")
  other: String @tag(name: "public")
}
input Filter @tag(name: "internal") {
  text: String
}`;
    const compose = () =>
      composeContract([{ name: 'search', url: 'http://search.test/graphql', sdl }], {
        name: 'partner',
        includeTags: ['public'],
        excludeTags: ['internal'],
      });
    expect(compose).toThrow(CompositionError);
    expect(errorsOf(compose)).toEqual([
      'contract "partner" (+public -internal): Type "Filter" is @inaccessible but is referenced by "Query.lookup(filter:)", which is in the API schema. The contract hides Filter (not included, excluded, or reached by no kept field) but keeps Query.lookup(filter:), which cannot be hidden (a required argument or input field): tag Filter (or a field that returns it) with an included tag, or hide what declares Query.lookup(filter:).',
    ]);
  });

  it('an excluded required argument or input field cannot be hidden: refused before composition, by coordinate', () => {
    const sdl = `${link('"@key", "@tag"')}
type Query {
  lookup(text: String! @tag(name: "internal"), input: LookupInput): String
}
input LookupInput {
  scope: String! @tag(name: "internal")
}`;
    const compose = () =>
      composeContract([{ name: 'search', url: 'http://search.test/graphql', sdl }], {
        name: 'external',
        includeTags: [],
        excludeTags: ['internal'],
      });
    expect(errorsOf(compose)).toEqual([
      'contract "external" (-internal): Query.lookup(text:) carries an excluded tag but is a required argument of a field the contract keeps: make it optional, or exclude Query.lookup too',
      'contract "external" (-internal): LookupInput.scope carries an excluded tag but is a required input field: make it optional, or exclude LookupInput too',
    ]);
  });

  it('a contract that keeps no query field says so', () => {
    const compose = () => composeContract(SOURCES, { name: 'empty', includeTags: ['nobody'], excludeTags: [] });
    expect(errorsOf(compose)).toEqual([
      'contract "empty" (+nobody): Type "Query" is in the API schema but all of its fields are @inaccessible. The contract keeps no root query field: tag at least one Query field (or Query itself) with an included tag.',
    ]);
  });
});

function errorsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof CompositionError) return error.errors;
    throw error;
  }
  throw new Error('expected a CompositionError');
}
