import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely, Migration } from 'kysely';
import type { SubgraphName } from '../../gateway/config.ts';
import type { RequestScope } from './subgraphServer.ts';
import { createTablesMigration, type TableSpec } from './tableSpec.ts';

/** What every reference-system resolver sees: the store (process-wide) and loaders (per request). */
export interface SystemContext<Store, Loaders> {
  readonly store: Store;
  readonly loaders: Loaders;
}

/**
 * A reference system: the subgraph's schema binding plus the SQL system of record behind it.
 * `bind` is called once per process with the open database; the function it returns builds a
 * fresh context (loaders) for every request.
 */
export interface ReferenceSystem<DB, Context extends object> {
  readonly name: SubgraphName;
  readonly migrations: Readonly<Record<string, Migration>>;
  readonly resolvers: GraphQLResolverMap<Context>;
  bind(db: Kysely<DB>): (scope: RequestScope) => Context;
}

export function defineReferenceSystem<DB, Store, Loaders>(definition: {
  readonly name: SubgraphName;
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly resolvers: GraphQLResolverMap<SystemContext<Store, Loaders>>;
  readonly createStore: (db: Kysely<DB>) => Store;
  readonly createLoaders: (store: Store) => Loaders;
}): ReferenceSystem<DB, SystemContext<Store, Loaders>> {
  return {
    name: definition.name,
    migrations: { [`0001_${definition.name}_core`]: createTablesMigration(definition.tables) },
    resolvers: definition.resolvers,
    bind(db) {
      const store = definition.createStore(db);
      return () => ({ store, loaders: definition.createLoaders(store) });
    },
  };
}
