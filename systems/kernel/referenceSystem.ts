import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely, Migration } from 'kysely';
import type { SubgraphName } from '../../core/config/config.ts';
import type { RequestScope } from './subgraphServer.ts';
import { recordScope, type RecordScope } from '../../policies/recordScope.ts';
import { createTablesMigration, type TableSpec } from './tableSpec.ts';
import { capabilityTables, type CapabilityTables } from './capability/tables.ts';
import type { CapabilityContext } from './capability/capabilityResolvers.ts';
import { createPeers, type PeerTransport } from './capability/peers.ts';
import { appendOnlyAuditMigration } from './capability/appendOnlyAudit.ts';

/**
 * What every reference-system resolver sees: the store (process-wide), the caller's record scope
 * and the loaders (both per request; loaders only ever return rows inside the scope).
 */
export interface SystemContext<Store, Loaders, DB = unknown> extends CapabilityContext<DB> {
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
  /** `reads` serves resolvers and loaders; `db` the capabilities' transactions. */
  bind(db: Kysely<DB>, peers: PeerTransport, reads?: Kysely<DB>): (scope: RequestScope) => Context;
}

export function defineReferenceSystem<DB, Store, Loaders>(definition: {
  readonly name: SubgraphName;
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly resolvers: GraphQLResolverMap<SystemContext<Store, Loaders, DB>>;
  readonly createStore: (db: Kysely<DB>) => Store;
  readonly createLoaders: (store: Store, scope: RecordScope) => Loaders;
}): ReferenceSystem<DB, SystemContext<Store, Loaders, DB>> {
  return {
    name: definition.name,
    migrations: {
      [`0001_${definition.name}_core`]: createTablesMigration(definition.tables),
      // Idempotency records, audit log and outbox: every system of record has its own.
      [`0002_${definition.name}_capabilities`]: createTablesMigration(capabilityTables),
      // Aggregate versions and workflow columns of the capabilities; the audit log made append-only.
      [`0003_${definition.name}_workflows`]: sequence(createTablesMigration(definition.tables, 3), appendOnlyAuditMigration),
    },
    resolvers: definition.resolvers,
    bind(db, transport, reads = db) {
      const store = definition.createStore(reads);
      const capabilityDb = db as unknown as Kysely<DB & CapabilityTables>;
      const capabilityReads = reads as unknown as Kysely<DB & CapabilityTables>;
      return (request) => {
        const scope = recordScope(request.principal);
        return {
          store,
          scope,
          loaders: definition.createLoaders(store, scope),
          db: capabilityDb,
          reads: capabilityReads,
          request,
          peers: createPeers(transport, definition.name, request),
        };
      };
    },
  };
}

function sequence(...steps: readonly Migration[]): Migration {
  return {
    async up(db) {
      for (const step of steps) await step.up(db);
    },
  };
}
