/** The few places the capability runner must know which SQL engine it talks to. */
import { sql, type Kysely } from 'kysely';

export type Engine = 'postgres' | 'sqlite';

const engines = new WeakMap<object, Promise<Engine>>();

/** Probes once per Kysely instance: `version()` exists on PostgreSQL, not on SQLite. */
export function engineOf<DB>(db: Kysely<DB>): Promise<Engine> {
  let engine = engines.get(db);
  if (!engine) {
    engine = sql<{ v: string }>`select version() as v`.execute(db).then(
      (result) => (String(result.rows[0]?.v ?? '').startsWith('PostgreSQL') ? 'postgres' : 'sqlite'),
      () => 'sqlite' as const,
    );
    engines.set(db, engine);
  }
  return engine;
}

/** A wait for another transaction's lock gave up: PostgreSQL lock_timeout, or SQLite busy. */
export function isLockTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '55P03' || code === 'SQLITE_BUSY';
}

/**
 * Whether `error` is a unique-constraint violation: of `table`'s constraint on `columns` when they
 * are given (SQLite names the columns in its message; PostgreSQL names the constraint,
 * `<table>_<columns>_uq` as tableSpec makes it), of any unique constraint otherwise.
 */
export function isUniqueViolation(error: unknown, table?: string, columns?: readonly string[]): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (!e || typeof e.code !== 'string') return false;
  if (e.code === '23505') return table === undefined || e.constraint === `${table}_${(columns ?? []).join('_')}_uq`;
  if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
  const message = typeof e.message === 'string' ? e.message : '';
  return table === undefined || message.includes((columns ?? []).map((column) => `${table}.${column}`).join(', '));
}

/**
 * Serializes the transactions that check-then-write the same thing (a resource's capacity, a
 * contract's lines): on PostgreSQL a transaction-scoped advisory lock on `key`, held until commit;
 * on SQLite nothing, because its writers already run one at a time. `db` names the engine.
 */
export async function serializeOn(db: object, trx: object, key: string): Promise<void> {
  if ((await engineOf(db as Kysely<unknown>)) === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx as Kysely<unknown>);
}
