/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC). The generator works with
 * integers and converts to ISO text only when it writes a row; this keeps the time-entry loop
 * fast and free of time-zone surprises.
 */

export type Day = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function dayOf(year: number, month: number, dayOfMonth: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + dayOfMonth - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The civil date of a day number (civil_from_days). */
export function civil(day: Day): CivilDate {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d };
}

/** Parses YYYY-MM-DD strictly (rejects 2026-02-30); throws a TypeError naming `what`. */
export function parseDay(iso: string, what = 'date'): Day {
  const match = ISO_DATE.exec(iso);
  if (!match) throw new TypeError(`${what} must be an ISO date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = dayOf(year, month, dayOfMonth);
  const back = civil(day);
  if (back.month !== month || back.day !== dayOfMonth) throw new TypeError(`${what} is not a calendar date: ${iso}`);
  return day;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function isoDate(day: Day): string {
  const { year, month, day: d } = civil(day);
  return `${year}-${pad2(month)}-${pad2(d)}`;
}

/** An ISO instant at `minute` minutes after midnight UTC of `day`, e.g. 2026-10-23T17:45:00Z. */
export function isoInstant(day: Day, minute: number): string {
  const whole = Math.floor(minute);
  const dayShift = Math.floor(whole / 1440);
  const inDay = whole - dayShift * 1440;
  return `${isoDate(day + dayShift)}T${pad2(Math.floor(inDay / 60))}:${pad2(inDay % 60)}:00Z`;
}

/** ISO weekday: Monday 1 … Sunday 7 (1970-01-01 was a Thursday). */
export function isoWeekday(day: Day): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function isWeekday(day: Day): boolean {
  return isoWeekday(day) <= 5;
}

export function mondayOf(day: Day): Day {
  return day - isoWeekday(day) + 1;
}

export function monthStart(day: Day): Day {
  const { year, month } = civil(day);
  return dayOf(year, month, 1);
}

/** The first day of the month `count` months after the month containing `day`. */
export function addMonths(day: Day, count: number): Day {
  const { year, month } = civil(day);
  const index = year * 12 + (month - 1) + count;
  return dayOf(Math.floor(index / 12), (index % 12) + 1, 1);
}

export function monthEnd(day: Day): Day {
  return addMonths(day, 1) - 1;
}

/** `YYYY-MM`, the name of the accounting period containing `day`. */
export function monthKey(day: Day): string {
  const { year, month } = civil(day);
  return `${year}-${pad2(month)}`;
}

export function yearOf(day: Day): number {
  return civil(day).year;
}

/** The half-year (1 Jan or 1 Jul) containing `day`: rate-card versions change twice a year. */
export function halfYearStart(day: Day): Day {
  const { year, month } = civil(day);
  return dayOf(year, month <= 6 ? 1 : 7, 1);
}

/** Counts Monday–Friday days in [from, to]. */
export function countWeekdays(from: Day, to: Day): number {
  let count = 0;
  for (let day = from; day <= to; day++) if (isWeekday(day)) count++;
  return count;
}

/** Timecards are approved within this many days after their week ends. */
export const MAX_APPROVAL_LAG_DAYS = 10;

/** The generation clock: every date the generator derives from asOf. */
export interface SeedCalendar {
  readonly asOf: Day;
  /** First day of the time history (asOf minus 6 or 12 months). */
  readonly windowStart: Day;
  readonly asOfMonthStart: Day;
  /** Monday of the week containing asOf: its timecards are DRAFT. */
  readonly currentWeekStart: Day;
  /** Latest end date of a CLOSED project: fully billed before asOf's month, all time approved. */
  readonly closedEndMax: Day;
}

export function seedCalendar(asOf: Day, historyMonths: number): SeedCalendar {
  const { year, month, day } = civil(asOf);
  const index = year * 12 + (month - 1) - historyMonths;
  const windowYear = Math.floor(index / 12);
  const windowMonth = (index % 12) + 1;
  // Clamp the day of month (31 Oct minus 6 months is 30 Apr).
  const windowStart = Math.min(dayOf(windowYear, windowMonth, day), monthEnd(dayOf(windowYear, windowMonth, 1)));
  const currentWeekStart = mondayOf(asOf);
  const asOfMonthStart = monthStart(asOf);
  return {
    asOf,
    windowStart,
    asOfMonthStart,
    currentWeekStart,
    // A closed project's last timecard must be APPROVED (its week ended before the SUBMITTED
    // week) and approved before the last billing run on asOfMonthStart, approvals taking up to
    // MAX_APPROVAL_LAG_DAYS: so its last week ends at least that long before the run.
    closedEndMax: Math.min(currentWeekStart - 8, mondayOf(asOfMonthStart - MAX_APPROVAL_LAG_DAYS) - 1),
  };
}
