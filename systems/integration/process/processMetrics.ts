/**
 * The saga-state gauge (docs/processes.md#metrics): `tessera_processes{kind,status}`, the number of
 * process instances of each saga kind in each status, read from the store (refreshed on scrape).
 * Every status of every known kind is set (0 when there is none), so a series never vanishes when
 * its last process moves on; a kind only the store knows is set too.
 */
import type { Kysely } from 'kysely';
import type { Metrics } from '../../../core/metrics.ts';
import type { ProcessTables } from './tables.ts';
import { PROCESS_STATUSES } from './types.ts';

export const PROCESSES_GAUGE = 'tessera_processes';

export function defineProcessMetrics(metrics: Metrics): Metrics {
  if (!metrics.has(PROCESSES_GAUGE)) metrics.defineGauge(PROCESSES_GAUGE, 'Process instances (sagas) by kind and status.');
  return metrics;
}

/** Sets `tessera_processes{kind,status}` from the store's process instances. */
export async function exportProcessStates(db: Kysely<ProcessTables>, metrics: Metrics, kinds: readonly string[]): Promise<void> {
  defineProcessMetrics(metrics);
  const rows = await db
    .selectFrom('process_instances')
    .select((eb) => ['kind', 'status', eb.fn.countAll<number | string>().as('count')])
    .groupBy(['kind', 'status'])
    .execute();
  const counts = new Map(rows.map((row) => [`${row.kind}\u0000${row.status}`, Number(row.count)]));
  metrics.clear(PROCESSES_GAUGE);
  for (const kind of new Set([...kinds, ...rows.map((row) => row.kind)])) {
    const statuses = new Set<string>([...PROCESS_STATUSES, ...rows.filter((row) => row.kind === kind).map((row) => row.status)]);
    for (const status of statuses) metrics.set(PROCESSES_GAUGE, { kind, status }, counts.get(`${kind}\u0000${status}`) ?? 0);
  }
}
