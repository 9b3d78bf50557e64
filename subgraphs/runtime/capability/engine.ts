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
