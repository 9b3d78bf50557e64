/**
 * What a differential fixture is: subgraphs built with `@apollo/subgraph`, each with its own data
 * every time they are built (each gateway gets a copy, so mutations do not leak from one to the
 * other), composed into the supergraph both gateways serve.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';

export interface SubgraphDefinition {
  readonly name: string;
  /** The SDL composed into the supergraph. */
  readonly sdl: string;
  /** The executable schema as deployed (it may differ from `sdl`: a subgraph that breaks its contract). */
  readonly schema: GraphQLSchema;
}

export interface Fixture {
  readonly name: string;
  /** The subgraphs, with fresh data at each call. */
  subgraphs(): SubgraphDefinition[];
  /**
   * Argument values the property test draws from, by coordinate (`Query.product(id)`) or by input
   * type name (`ID`, `Currency`): values that find something, and some that do not.
   */
  readonly arguments?: Readonly<Record<string, readonly unknown[]>> | undefined;
}

/** Resolvers as `@apollo/subgraph` takes them: `__resolveReference` beside the fields. */
export type Resolvers = Record<string, Record<string, unknown>>;

/** A subgraph whose deployed schema is its `sdl` (or `deployedSdl`) with `resolvers`. */
export function subgraph(name: string, sdl: string, resolvers: Resolvers, deployedSdl = sdl): SubgraphDefinition {
  return { name, sdl, schema: buildSubgraphSchema({ typeDefs: parse(deployedSdl), resolvers: resolvers as never }) };
}

/** The federation `@link` every fixture's subgraphs start with. */
export function link(...imports: string[]): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${imports.map((name) => `"@${name}"`).join(', ')}])`;
}

/** `items` by their `key` property, for `__resolveReference`. */
export function byKey<T extends Record<string, unknown>>(
  items: readonly T[],
  key: keyof T & string,
): (reference: Record<string, unknown>) => T | null {
  return (reference) => items.find((item) => item[key] === reference[key]) ?? null;
}
