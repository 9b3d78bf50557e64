/**
 * Small governed Federation 2 subgraphs for the registry service suites (fast to compose), and an
 * open registry over a temp store with a clock the test moves.
 */
import { afterEach, beforeEach } from 'vitest';
import { createLogger } from '../../../core/logger.ts';
import { createRegistry, type LocalRegistry } from '../../../registry/service/createRegistry.ts';
import { openRegistryStore, type RegistryStore } from '../../../registry/store/openRegistryStore.ts';
import type { SubgraphDeclaration } from '../../../registry/types.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { logSink } from '../../harness/logSink.ts';
import { governed } from '../../schema/realSchema.ts';

export const DECLARATIONS: readonly SubgraphDeclaration[] = [
  { name: 'users', system: null, url: 'http://users.test/graphql' },
  { name: 'orders', system: null, url: 'http://orders.test/graphql' },
];

export const T0 = '2026-03-02T09:00:00.000Z';

/** users v1: a user with a name. */
export const USERS_V1 = governed(`type Query {
  user(id: ID!): User @requiresScopes(scopes: [["users:read"]])
}

type User @key(fields: "id") @requiresScopes(scopes: [["users:read"]]) {
  id: ID!
  name: String!
}`);

/** users v2: adds `User.email` (a safe change). */
export const USERS_V2 = USERS_V1.replace('  name: String!\n', '  name: String!\n  email: String\n');

/** users without `User.name` (a breaking change). */
export const USERS_NO_NAME = USERS_V1.replace('  name: String!\n', '');

/** orders: an order with its buyer (a `User` entity of the users subgraph); `partner` tags what a partner contract keeps. */
export const ORDERS_V1 = governed(`type Query {
  order(id: ID!): Order @requiresScopes(scopes: [["orders:read"]]) @tag(name: "partner")
}

type Order @key(fields: "id") @requiresScopes(scopes: [["orders:read"]]) {
  id: ID!
  total: Int! @tag(name: "partner")
  buyer: User
}

type User @key(fields: "id", resolvable: false) {
  id: ID!
}`);

export interface OpenRegistry {
  readonly registry: LocalRegistry;
  readonly store: RegistryStore;
  /** The registry's clock: tests move it. */
  readonly clock: { now: Date };
  readonly logs: Record<string, unknown>[];
}

export async function openRegistry(
  temp: TempStore,
  options: { clock?: { now: Date }; usageWindowDays?: number; maxSdlBytes?: number; store?: RegistryStore } = {},
): Promise<OpenRegistry> {
  const store = options.store ?? (await openRegistryStore(temp.store));
  const clock = options.clock ?? { now: new Date(T0) };
  const sink = logSink();
  const registry = createRegistry({
    db: store.db,
    declarations: DECLARATIONS,
    clock: () => clock.now,
    usageWindowDays: options.usageWindowDays ?? 30,
    maxSdlBytes: options.maxSdlBytes ?? 64 * 1024,
    logger: createLogger('info', sink.stream),
  });
  return { registry, store, clock, logs: sink.records };
}

/**
 * A registry over a fresh store for each test (opened before it, removed after it). The returned
 * object reads through to the current test's registry.
 */
export function eachRegistry(makeStore: () => Promise<TempStore>, options: { usageWindowDays?: number } = {}): OpenRegistry {
  let temp: TempStore;
  let open: OpenRegistry;
  beforeEach(async () => {
    temp = await makeStore();
    open = await openRegistry(temp, options);
  });
  afterEach(async () => {
    await open.store.close();
    await temp.remove();
  });
  return {
    get registry() {
      return open.registry;
    },
    get store() {
      return open.store;
    },
    get clock() {
      return open.clock;
    },
    get logs() {
      return open.logs;
    },
  };
}

/** Rows of every registry table: a refused or invalid call must leave them all as they were. */
export async function tableCounts(store: RegistryStore): Promise<Record<string, number>> {
  const tables = [
    'registry_subgraphs',
    'registry_versions',
    'registry_supergraphs',
    'registry_contracts',
    'registry_checks',
    'registry_usage',
    'registry_audit',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await store.db
      .selectFrom(table)
      .select(({ fn }) => fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }
  const graph = await store.db.selectFrom('registry_graph').select('generation').executeTakeFirstOrThrow();
  counts.generation = graph.generation;
  return counts;
}
