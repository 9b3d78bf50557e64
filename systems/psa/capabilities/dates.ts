/** Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC: no time zone can move a business date. */

const DAY_MS = 86_400_000;

function epochDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoOf(epochDay(date) + days);
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((epochDay(date) + 3) % 7) + 7) % 7) + 1;
}

export function isWeekday(date: string): boolean {
  return isoWeekday(date) <= 5;
}

/** The weekdays (Monday to Friday) from `start` to `end`, both included, in order. */
export function weekdaysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  for (let day = epochDay(start), last = epochDay(end); day <= last; day++) {
    const date = isoOf(day);
    if (isWeekday(date)) days.push(date);
  }
  return days;
}

/** The UTC calendar date of an instant. */
export function dateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
