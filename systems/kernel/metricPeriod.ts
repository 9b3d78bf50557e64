/**
 * The period of a business metric (docs/metrics.md#periods-and-access): `{ month: "2026-10" }` or
 * `{ from, to }` (inclusive ISO dates), and the calendar arithmetic the metrics share, on UTC day
 * numbers so no time zone moves a date.
 */
import { badUserInput } from '../../core/errors.ts';

export interface MetricPeriodInput {
  readonly from?: string | null;
  readonly to?: string | null;
  readonly month?: string | null;
}

/** Inclusive ISO dates. */
export interface MetricPeriod {
  readonly from: string;
  readonly to: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** The longest period a metric answers: ten years of days. */
const MAX_DAYS = 3_660;

/** Days since 1970-01-01 of an ISO date (the caller checked its form). */
export function dayNumber(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isCalendarDate(iso: string): boolean {
  return ISO_DATE.test(iso) && isoOfDay(dayNumber(iso)) === iso;
}

/** The last day of the month `YYYY-MM`. */
export function monthEnd(month: string): string {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7));
  return isoOfDay(Date.UTC(year, index, 0) / DAY_MS);
}

/** The period of the input: a month, or from and to; BAD_USER_INPUT (argument `period`) otherwise. */
export function metricPeriod(input: MetricPeriodInput): MetricPeriod {
  if (input.month) {
    if (input.from || input.to) throw badUserInput('Give either period.month or period.from and period.to, not both.', 'period');
    const match = MONTH.exec(input.month);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) {
      throw badUserInput(`period.month must be YYYY-MM; got ${JSON.stringify(input.month)}.`, 'period');
    }
    return { from: `${input.month}-01`, to: monthEnd(input.month) };
  }
  if (!input.from || !input.to) throw badUserInput('period needs a month, or both from and to.', 'period');
  if (!isCalendarDate(input.from) || !isCalendarDate(input.to))
    throw badUserInput('period.from and period.to must be calendar dates.', 'period');
  if (input.from > input.to) throw badUserInput(`period.from ${input.from} is after period.to ${input.to}.`, 'period');
  if (dayNumber(input.to) - dayNumber(input.from) >= MAX_DAYS) throw badUserInput(`A period spans at most ${MAX_DAYS} days.`, 'period');
  return { from: input.from, to: input.to };
}

/** Monday to Friday days from `from` to `to`, both included. */
export function weekdaysBetween(from: string, to: string): number {
  let count = 0;
  for (let day = dayNumber(from); day <= dayNumber(to); day += 1) {
    const weekday = (((day + 4) % 7) + 7) % 7; // 0 Sunday … 6 Saturday (1970-01-01 was a Thursday)
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}

/** The months (`YYYY-MM`) the period touches, oldest first, each with its part of the period. */
export function monthsOf(period: MetricPeriod): { month: string; from: string; to: string }[] {
  const months: { month: string; from: string; to: string }[] = [];
  let start = period.from;
  while (start <= period.to) {
    const month = start.slice(0, 7);
    const end = monthEnd(month) < period.to ? monthEnd(month) : period.to;
    months.push({ month, from: start, to: end });
    start = isoOfDay(dayNumber(monthEnd(month)) + 1);
  }
  return months;
}

/** `numerator / denominator` as a decimal string rounded half away from zero to `digits` places; null when the denominator is 0. */
export function ratio(numerator: number, denominator: number, digits = 4): string | null {
  if (denominator === 0) return null;
  const n = BigInt(Math.round(numerator));
  const d = BigInt(Math.round(denominator));
  const negative = n < 0n !== d < 0n && n !== 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const scale = 10n ** BigInt(digits);
  const rounded = (an * scale * 2n + ad) / (ad * 2n);
  const whole = rounded / scale;
  const fraction = (rounded % scale).toString().padStart(digits, '0');
  return `${negative && rounded !== 0n ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}
