/**
 * Usage as the gateways report it (docs/registry.md#usage): counts per coordinate, client and hour,
 * kept for the usage window and pruned after it. The usage check reads who used a coordinate
 * within the window; hour buckets keep the table small however many operations run.
 */
import { sql } from 'kysely';
import { withBusyRetry } from '../store/sqlErrors.ts';
import type { RegistryDb, RegistryTables } from '../store/tables.ts';
import type { ClientUsage, CoordinateUsage, UsageBatch } from '../types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per INSERT and values per IN list: far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/** The hour bucket of an instant: `YYYY-MM-DDTHH` (UTC). */
export function hourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** The first hour bucket inside the window that ends at `now`. */
export function windowStart(now: Date, windowDays: number): string {
  return hourOf(new Date(now.getTime() - windowDays * DAY_MS));
}

/** Adds a batch to the hour buckets (counts summed, the latest use kept) and prunes what left the window. */
export async function recordUsage(db: RegistryDb, batch: UsageBatch, now: Date, windowDays: number): Promise<void> {
  const since = windowStart(now, windowDays);
  const rows = new Map<string, RegistryTables['registry_usage']>();
  for (const entry of batch.entries) {
    const at = new Date(entry.lastUsedAt);
    if (Number.isNaN(at.getTime()))
      throw new TypeError(`usage entry for ${entry.coordinate}: lastUsedAt is not an instant: ${entry.lastUsedAt}`);
    // A use is never later than now (a clock a little ahead is read as now): a row dated in the
    // future would outlive the window and keep a coordinate "in use" for ever.
    const used = at.getTime() > now.getTime() ? now : at;
    const hour = hourOf(used);
    if (hour < since || entry.count <= 0) continue;
    const lastUsedAt = used.toISOString();
    // One row per key in one statement: PostgreSQL refuses an upsert that touches a row twice.
    const key = JSON.stringify([entry.coordinate, entry.clientId, hour]);
    const row = rows.get(key);
    if (row) {
      row.count += entry.count;
      if (lastUsedAt > row.last_used_at) row.last_used_at = lastUsedAt;
    } else {
      rows.set(key, { coordinate: entry.coordinate, client_id: entry.clientId, hour, count: entry.count, last_used_at: lastUsedAt });
    }
  }
  // Sorted, so two gateways' concurrent batches lock rows in one order (no deadlock on PostgreSQL).
  const values = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  await withBusyRetry(() =>
    db.transaction().execute(async (trx) => {
      // The prune first: a write, so SQLite takes its lock before anything is read.
      await trx.deleteFrom('registry_usage').where('hour', '<', since).execute();
      for (let start = 0; start < values.length; start += CHUNK) {
        await trx
          .insertInto('registry_usage')
          .values(values.slice(start, start + CHUNK))
          .onConflict((conflict) =>
            conflict.columns(['coordinate', 'client_id', 'hour']).doUpdateSet({
              count: sql<number>`registry_usage.count + excluded.count`,
              last_used_at: sql<string>`case when excluded.last_used_at > registry_usage.last_used_at then excluded.last_used_at else registry_usage.last_used_at end`,
            }),
          )
          .execute();
      }
    }),
  );
}

/**
 * Who used each coordinate within the window, most operations first. Given coordinates are all
 * answered (nobody used one: no clients); without any, every recorded coordinate is.
 */
export async function usageOf(
  db: RegistryDb,
  coordinates: readonly string[] | undefined,
  now: Date,
  windowDays: number,
): Promise<CoordinateUsage[]> {
  const since = windowStart(now, windowDays);
  const query = db
    .selectFrom('registry_usage')
    .select(({ fn }) => ['coordinate', 'client_id', fn.sum<number>('count').as('count'), fn.max('last_used_at').as('last_used_at')])
    .where('hour', '>=', since)
    .groupBy(['coordinate', 'client_id']);
  const rows =
    coordinates === undefined
      ? await query.execute()
      : (await Promise.all(chunks([...new Set(coordinates)]).map((part) => query.where('coordinate', 'in', part).execute()))).flat();
  const byCoordinate = new Map<string, ClientUsage[]>((coordinates ?? []).map((coordinate) => [coordinate, []]));
  for (const row of rows) {
    const clients = byCoordinate.get(row.coordinate) ?? [];
    clients.push({ clientId: row.client_id, count: Number(row.count), lastUsedAt: row.last_used_at });
    byCoordinate.set(row.coordinate, clients);
  }
  return [...byCoordinate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([coordinate, clients]) => ({ coordinate, clients: clients.sort(byUse) }));
}

/** The usage check's input: usage coordinate → the clients that used it in the window (used ones only). */
export async function usageMap(
  db: RegistryDb,
  coordinates: readonly string[],
  now: Date,
  windowDays: number,
): Promise<ReadonlyMap<string, readonly ClientUsage[]>> {
  if (coordinates.length === 0) return new Map();
  const usage = await usageOf(db, coordinates, now, windowDays);
  return new Map(usage.filter((entry) => entry.clients.length > 0).map((entry) => [entry.coordinate, entry.clients]));
}

function byUse(a: ClientUsage, b: ClientUsage): number {
  return b.count - a.count || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}
