import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely, Migration } from 'kysely';
import type { SubgraphName } from '../../gateway/config.ts';
import type { RequestScope } from './subgraphServer.ts';
import { recordScope, type RecordScope } from '../../policies/recordScope.ts';
import { createTablesMigration, type TableSpec } from './tableSpec.ts';
import { capabilityTables } from './capability/tables.ts';

/**
 * What every reference-system resolver sees: the store (process-wide), the caller's record scope
 * and the loaders (both per request; loaders only ever return rows inside the scope).
 */
export interface SystemContext<Store, Loaders> {
  readonly store: Store;
  readonly scope: RecordScope;
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
  readonly createLoaders: (store: Store, scope: RecordScope) => Loaders;
}): ReferenceSystem<DB, SystemContext<Store, Loaders>> {
  return {
    name: definition.name,
    migrations: {
      [`0001_${definition.name}_core`]: createTablesMigration(definition.tables),
      // Idempotency records, audit log and outbox: every system of record has its own.
      [`0002_${definition.name}_capabilities`]: createTablesMigration(capabilityTables),
    },
    resolvers: definition.resolvers,
    bind(db) {
      const store = definition.createStore(db);
      return (request) => {
        const scope = recordScope(request.principal);
        return { store, scope, loaders: definition.createLoaders(store, scope) };
      };
    },
  };
}
