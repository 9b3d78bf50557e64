/**
 * DataLoader factories. Loaders are created per request (never shared between requests, so no
 * principal ever reads another's cache) and turn N lookups into one SQL statement.
 */
import DataLoader from 'dataloader';

/**
 * Keys per SQL statement. Large enough that a portfolio-sized request is one statement per
 * relation (200 projects can reach a few thousand invoices), and well under the bound-parameter
 * limits of SQLite (32,766) and PostgreSQL (65,535).
 */
export const MAX_BATCH = 10_000;

/** Loads one row per key; missing keys resolve to null. */
export function rowLoader<K, V>(fetch: (keys: readonly K[]) => Promise<readonly V[]>, keyOf: (row: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map<K, V>();
      for (const row of rows) byKey.set(keyOf(row), row);
      return keys.map((key) => byKey.get(key) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/** Loads every row that belongs to each key (a one-to-many relation); no rows is an empty list. */
export function groupLoader<K, V>(fetch: (keys: readonly K[]) => Promise<readonly V[]>, keyOf: (row: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map<K, V[]>();
      for (const row of rows) {
        const key = keyOf(row);
        const list = byKey.get(key);
        if (list) list.push(row);
        else byKey.set(key, [row]);
      }
      return keys.map((key) => byKey.get(key) ?? []);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/** Loads one computed value per key (an aggregate); keys without a row get `fallback`. */
export function valueLoader<K, V>(fetch: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, fallback: V): DataLoader<K, V> {
  return new DataLoader<K, V>(
    async (keys) => {
      const values = await fetch(keys);
      return keys.map((key) => values.get(key) ?? fallback);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/**
 * Wraps a batch fetch so every row it returns also primes `byId` (the row loader of the same
 * table): a line that asks for its invoice's currency then costs no second statement.
 */
export function priming<K, V extends { id: string }>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  byId: DataLoader<string, V | null>,
): (keys: readonly K[]) => Promise<readonly V[]> {
  return async (keys) => {
    const rows = await fetch(keys);
    for (const row of rows) byId.prime(row.id, row);
    return rows;
  };
}

/**
 * A loader per distinct argument set (e.g. `timecards(status:, first:)`): fields with the same
 * arguments share one batch; different arguments get their own.
 */
export function loaderFamily<A, L>(make: (args: A) => L): (args: A) => L {
  const loaders = new Map<string, L>();
  return (args) => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) {
      loader = make(args);
      loaders.set(key, loader);
    }
    return loader;
  };
}
