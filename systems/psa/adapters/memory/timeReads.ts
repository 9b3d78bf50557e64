/** The time-control reads over the in-memory vendor: the SQL adapter's answers (docs/invariants.md#time-controls). */
import type { DatedHours, TimeControlReads } from '../../ports/timePorts.ts';
import type { Timecard, TimeEntry } from '../../ports/types.ts';

/** `timecards` and `entries`: every record of the vendor (the reads are not scoped). */
export function createMemoryTimeReads(timecards: () => Promise<Timecard[]>, entries: () => Promise<TimeEntry[]>): TimeControlReads {
  return {
    resourceHoursByDate: async (resourceId, from, to, exceptProjectId) => {
      const counted = new Set(
        (await timecards())
          .filter((t) => t.resourceId === resourceId && t.status !== 'REJECTED' && t.projectId !== exceptProjectId)
          .map((t) => t.id),
      );
      const perDay = new Map<string, number>();
      for (const entry of await entries()) {
        if (!counted.has(entry.timecardId) || entry.date < from || entry.date > to) continue;
        perDay.set(entry.date, (perDay.get(entry.date) ?? 0) + entry.hoursE2);
      }
      const byDate: DatedHours[] = [...perDay].map(([date, hoursE2]) => ({ date, hoursE2 }));
      return byDate.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    },
  };
}
