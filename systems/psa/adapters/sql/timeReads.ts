/** The time-control reads on SQL (docs/invariants.md#time-controls): one aggregate statement. */
import type { Kysely } from 'kysely';
import type { TimeControlReads } from '../../ports/timePorts.ts';
import type { PsaTables } from './tables.ts';

export function createSqlTimeReads(db: Kysely<PsaTables>): TimeControlReads {
  return {
    resourceHoursByDate: async (resourceId, from, to, exceptProjectId) => {
      const rows = await db
        .selectFrom('time_entries as e')
        .innerJoin('timecards as t', 't.id', 'e.timecard_id')
        .select((eb) => ['e.entry_date', eb.fn.sum<string | number | bigint>('e.hours_e2').as('hours')])
        .where('t.resource_id', '=', resourceId)
        .where('t.status', '!=', 'REJECTED')
        .where('t.project_id', '!=', exceptProjectId)
        .where('e.entry_date', '>=', from)
        .where('e.entry_date', '<=', to)
        .groupBy('e.entry_date')
        .orderBy('e.entry_date')
        .execute();
      return rows.map((row) => ({ date: row.entry_date, hoursE2: Number(row.hours) }));
    },
  };
}
