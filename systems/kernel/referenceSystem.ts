import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely, Migration } from 'kysely';
import type { SubgraphName } from './subgraphName.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import { recordScope, type RecordScope } from '../../policies/recordScope.ts';
import { createTablesMigration, type TableSpec } from './tableSpec.ts';
import { capabilityTables, type CapabilityTables } from './capability/tables.ts';
import type { CapabilityContext } from './capability/capabilityResolvers.ts';
import { createPeers, type PeerTransport } from './capability/peers.ts';
import { appendOnlyAuditMigration } from './capability/appendOnlyAudit.ts';
import { transactionPorts } from './capability/runCapability.ts';
import type { SystemOfRecord } from './systemOfRecord.ts';

/**
 * What every system resolver sees, per request: the read port within the caller's record scope,
 * the loaders built on it (both only ever return records inside the scope), and what capabilities
 * need (ledger, adapter, peers, clock).
 */
export interface SystemContext<ReadPort, Loaders, Ports> extends CapabilityContext<Ports> {
  readonly read: ReadPort;
  readonly scope: RecordScope;
  readonly loaders: Loaders;
}

/**
 * The context of a system whose capabilities still write its tables directly (`createStore`):
 * kept while the systems move to ports; goes when none is left.
 */
export interface TableSystemContext<Store, Loaders, DB> extends CapabilityContext<DB> {
  readonly store: Store;
  readonly scope: RecordScope;
  readonly loaders: Loaders;
  readonly db: Kysely<DB & CapabilityTables>;
  readonly reads: Kysely<DB & CapabilityTables>;
}

export interface BindOptions {
  /** Reads outside transactions (a read-only SQLite connection). @default db */
  readonly reads?: Kysely<unknown>;
  /** The capabilities' clock. @default the system clock */
  readonly clock?: () => Date;
}

/**
 * A reference system: the subgraph's schema binding plus the system of record behind it.
 * `bind` is called once per process with the open database; the function it returns builds a
 * fresh context (loaders) for every request.
 */
export interface ReferenceSystem<DB, Context extends object> {
  readonly name: SubgraphName;
  readonly migrations: Readonly<Record<string, Migration>>;
  readonly resolvers: GraphQLResolverMap<Context>;
  bind(db: Kysely<DB>, peers: PeerTransport, options?: BindOptions): (scope: RequestScope) => Context;
}

interface Common<Context> {
  readonly name: SubgraphName;
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly resolvers: GraphQLResolverMap<Context>;
  /** The system's own later migrations (`0004_<name>_...` on), run after the kernel's three. */
  readonly upgrades?: Readonly<Record<string, Migration>>;
}

export function defineReferenceSystem<DB, ReadPort, Loaders, Ports>(
  definition: Common<SystemContext<ReadPort, Loaders, Ports>> & {
    /** The system of record over the system's open database (`reads`: the connection for reads outside transactions). */
    readonly createAdapter: (db: Kysely<DB>, reads: Kysely<DB>) => SystemOfRecord<ReadPort, Ports>;
    readonly createLoaders: (read: ReadPort, scope: RecordScope) => Loaders;
  },
): ReferenceSystem<DB, SystemContext<ReadPort, Loaders, Ports>>;
export function defineReferenceSystem<DB, Store, Loaders>(
  definition: Common<TableSystemContext<Store, Loaders, DB>> & {
    readonly createStore: (db: Kysely<DB>) => Store;
    readonly createLoaders: (store: Store, scope: RecordScope) => Loaders;
  },
): ReferenceSystem<DB, TableSystemContext<Store, Loaders, DB>>;
// The overloads above are the typed contract; the implementation serves both shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function defineReferenceSystem(definition: any): ReferenceSystem<any, any> {
  const createLoaders = definition.createLoaders as (source: unknown, scope: RecordScope) => unknown;
  const createAdapter = definition.createAdapter as ((db: Kysely<unknown>, reads: Kysely<unknown>) => SystemOfRecord<unknown, unknown>) | undefined;
  const createStore = definition.createStore as ((db: Kysely<unknown>) => unknown) | undefined;
  return {
    name: definition.name,
    migrations: {
      [`0001_${definition.name}_core`]: createTablesMigration(definition.tables),
      // Idempotency records, audit log and outbox: every system of record has its own.
      [`0002_${definition.name}_capabilities`]: createTablesMigration(capabilityTables),
      // Aggregate versions and workflow columns of the capabilities; the audit log made append-only.
      [`0003_${definition.name}_workflows`]: sequence(createTablesMigration(definition.tables, 3), appendOnlyAuditMigration),
      ...definition.upgrades,
    },
    resolvers: definition.resolvers,
    bind(db: Kysely<unknown>, transport: PeerTransport, options: BindOptions = {}) {
      const reads = options.reads ?? db;
      const clock = options.clock ?? (() => new Date());
      const common = (request: RequestScope, scope: RecordScope) => ({
        scope,
        request,
        clock,
        peers: createPeers(transport, definition.name, request),
      });
      if (createAdapter) {
        const system = createAdapter(db, reads);
        return (request: RequestScope) => {
          const scope = recordScope(request.principal);
          const read = system.reads(scope);
          return {
            ...common(request, scope),
            read,
            loaders: createLoaders(read, scope),
            ledger: system.ledger,
            ledgerReads: system.ledgerReads,
            adapter: system.capabilities,
          };
        };
      }
      const store = createStore!(reads);
      const ledger = db as unknown as Kysely<CapabilityTables>;
      const ledgerReads = reads as unknown as Kysely<CapabilityTables>;
      return (request: RequestScope) => {
        const scope = recordScope(request.principal);
        return {
          ...common(request, scope),
          store,
          loaders: createLoaders(store, scope),
          db,
          reads,
          ledger,
          ledgerReads,
          adapter: transactionPorts(),
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
