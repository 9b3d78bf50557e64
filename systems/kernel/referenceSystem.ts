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
import type { SystemOfRecord } from './systemOfRecord.ts';
import { stoppable } from './stoppable.ts';
import { TIME_CONTROL_DEFAULTS, type TimeControlsConfig } from '../../core/config/timeControls.ts';
import type { SurvivorshipRules } from '../../core/config/crosswalk.ts';

/**
 * What every system resolver sees, per request: the read port within the caller's record scope,
 * the loaders built on it (both only ever return records inside the scope), and what capabilities
 * need (ledger, adapter, peers, clock).
 */
export interface SystemContext<ReadPort, Loaders, Ports> extends CapabilityContext<Ports> {
  readonly read: ReadPort;
  readonly scope: RecordScope;
  readonly loaders: Loaders;
  /** The limits of time submissions (`config.timeControls`; docs/invariants.md#time-controls); absent: the defaults. */
  readonly timeControls?: TimeControlsConfig;
  /** The crosswalk's survivorship defaults (`config.crosswalk.survivorship`; docs/crosswalk.md#configuration); absent: the built-in ones. */
  readonly survivorship?: SurvivorshipRules;
}

export interface BindOptions {
  /** Reads outside transactions (a read-only SQLite connection). @default db */
  readonly reads?: Kysely<unknown>;
  /** The capabilities' clock. @default the system clock */
  readonly clock?: () => Date;
  /** Called with the capability's name after a call committed (its events are in the outbox): the relay's `wake` (docs/events.md#relay). */
  readonly onEventsCommitted?: (capability: string) => void;
  /** `config.timeControls`. @default TIME_CONTROL_DEFAULTS */
  readonly timeControls?: TimeControlsConfig;
  /** `config.crosswalk.survivorship`. @default the built-in defaults */
  readonly survivorship?: SurvivorshipRules;
  /**
   * A vendor system of record the system runs on instead of its built-in SQL adapter (docs/connectors.md#wiring),
   * made over the system's own database, which still holds its ledger (idempotency records, outbox, audit).
   * Its ports must be the system's (the runtime picks it by config: `systems/crm/crmVendor.ts`). @default the SQL adapter
   */
  readonly systemOfRecord?: VendorSystemOfRecord;
}

/** A vendor system of record over the local ledger database (`transport`: the peers, e.g. the crosswalk of two CRMs). */
export type VendorSystemOfRecord = (ledger: Kysely<CapabilityTables>, transport: PeerTransport) => SystemOfRecord<unknown, unknown>;

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
    readonly createAdapter: (db: Kysely<DB>, reads: Kysely<DB>, transport: PeerTransport) => SystemOfRecord<ReadPort, Ports>;
    readonly createLoaders: (read: ReadPort, scope: RecordScope) => Loaders;
  },
): ReferenceSystem<DB, SystemContext<ReadPort, Loaders, Ports>> {
  return {
    name: definition.name,
    migrations: {
      [`0001_${definition.name}_core`]: createTablesMigration(definition.tables),
      // Idempotency records, audit log and outbox: every system of record has its own.
      [`0002_${definition.name}_capabilities`]: createTablesMigration(capabilityTables),
      // Aggregate versions and workflow columns of the capabilities; the audit log made append-only.
      [`0003_${definition.name}_workflows`]: sequence(createTablesMigration(definition.tables, 3), appendOnlyAuditMigration),
      ...definition.upgrades,
      // The outbox's trace context (docs/events.md#trace-context): named to run after every system's own upgrades.
      [`0100_${definition.name}_event_trace`]: createTablesMigration(capabilityTables, 3),
    },
    resolvers: definition.resolvers,
    bind(db, transport, options = {}) {
      const reads = (options.reads as Kysely<DB> | undefined) ?? db;
      const clock = options.clock ?? (() => new Date());
      const system = options.systemOfRecord
        ? (options.systemOfRecord(db as unknown as Kysely<CapabilityTables>, transport) as SystemOfRecord<ReadPort, Ports>)
        : definition.createAdapter(db, reads, transport);
      return (request) => {
        const scope = recordScope(request.principal);
        // A called-off request reads no more (docs/demand-control.md#client-disconnect).
        const read = stoppable(system.reads(scope) as ReadPort & object, request.signal);
        return {
          scope,
          request,
          clock,
          peers: createPeers(transport, definition.name, request),
          read,
          loaders: definition.createLoaders(read, scope),
          ledger: system.ledger,
          ledgerReads: system.ledgerReads,
          adapter: system.capabilities,
          timeControls: options.timeControls ?? TIME_CONTROL_DEFAULTS,
          ...(options.survivorship ? { survivorship: options.survivorship } : {}),
          ...(options.onEventsCommitted ? { eventsCommitted: options.onEventsCommitted } : {}),
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
