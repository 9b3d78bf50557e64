/**
 * The two database errors the registry handles rather than reports: another connection holds
 * SQLite's write lock (wait and run the transaction again), and a unique key another transaction
 * took first (a lost race: the caller re-reads the state and decides again).
 */

/** SQLite's write lock is held by another connection (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, ...). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** A primary key or unique constraint refused the row (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_PRIMARYKEY/UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** How long a write keeps trying while SQLite's lock is held by another connection. */
const BUSY_DEADLINE_MS = 10_000;

/**
 * Runs `write` (a whole transaction), again while SQLite reports its lock busy, waiting a little
 * longer each time (up to 50 ms) until the deadline. PostgreSQL never reports busy: its
 * transactions wait for row locks themselves.
 */
export async function withBusyRetry<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return await write();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
