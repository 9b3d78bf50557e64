/** Loading a system's canonical records into each kind of adapter, for the port contract suites. */
import type { Kysely } from 'kysely';
import { stored } from '../../systems/kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../systems/kernel/adapters/memory/vendor.ts';

/** Inserts `rows` into `table`, 200 a statement (under every store's parameter limit). */
export async function insertInBatches<Tables, T extends keyof Tables & string>(
  db: Kysely<Tables>,
  table: T,
  rows: readonly Tables[T][],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    await db
      .insertInto(table)
      .values(rows.slice(start, start + 200) as never)
      .execute();
  }
}

/** Creates `records` as vendor records of `type` that no capability call created. */
export async function loadIntoVendorAs<T>(vendor: InMemoryVendor, type: string, records: readonly T[]): Promise<void> {
  for (const record of records) await vendor.create(type, stored(record));
}
