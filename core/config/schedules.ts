/**
 * The process engine's schedules as configured (docs/processes.md#schedules): a monthly trigger
 * `<day 1-28> <HH:MM>` (the billing run) and a daily one `HH:MM` (reconciliation), both in UTC, or
 * `off`. Core holds the parsers because `config.ts` validates the variables at start; the billing
 * run's `schedule.ts` reads the same shape.
 */

/** A monthly trigger: the day of the month (1-28, so every month has it) and the UTC time. */
export interface MonthlySchedule {
  readonly dayOfMonth: number;
  readonly hour: number;
  readonly minute: number;
}

/** A daily trigger at a UTC time. */
export interface DailySchedule {
  readonly hour: number;
  readonly minute: number;
}

const TIME = /^(\d{2}):(\d{2})$/;
const MONTHLY = /^(\d{1,2}) (\d{2}):(\d{2})$/;

function time(hour: string, minute: string): DailySchedule | null {
  const [h, m] = [Number(hour), Number(minute)];
  return h > 23 || m > 59 ? null : { hour: h, minute: m };
}

/** `<day 1-28> <HH:MM>` or `off` (null). Throws RangeError on anything else. */
export function parseMonthlySchedule(text: string): MonthlySchedule | null {
  const value = text.trim();
  if (value === 'off') return null;
  const match = MONTHLY.exec(value);
  const day = match ? Number(match[1]) : 0;
  const at = match ? time(match[2]!, match[3]!) : null;
  if (!at || day < 1 || day > 28) {
    throw new RangeError(`a monthly schedule is "<day 1-28> <HH:MM>" (UTC) or "off", not ${JSON.stringify(text)}`);
  }
  return { dayOfMonth: day, ...at };
}

/** `HH:MM` or `off` (null). Throws RangeError on anything else. */
export function parseDailySchedule(text: string): DailySchedule | null {
  const value = text.trim();
  if (value === 'off') return null;
  const match = TIME.exec(value);
  const at = match ? time(match[1]!, match[2]!) : null;
  if (!at) throw new RangeError(`a daily schedule is "HH:MM" (UTC) or "off", not ${JSON.stringify(text)}`);
  return at;
}

/** The UTC date (`YYYY-MM-DD`) whose daily run is due at `now`, or null before today's trigger time. */
export function dueDay(schedule: DailySchedule, now: Date): string | null {
  const trigger = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hour, schedule.minute);
  return now.getTime() < trigger ? null : now.toISOString().slice(0, 10);
}
