/**
 * The time controls as pure functions (docs/invariants.md#time-controls): the hour class an entry
 * input means, the future-time window, a person's 24 hours a day and weekly maximum across every
 * project, and the bill rate of a rate card in force on a work date. No port, no clock: the
 * capabilities (timecard.ts) turn a violation into a refusal with its code, and anything else that
 * builds time (the demo data) can check the same rules.
 */
import { HOURS_SCALE } from '../../kernel/decimal.ts';
import { addDays } from './dates.ts';

/** docs/metrics.md#hour-classes */
export const HOUR_CLASSES = ['BILLABLE', 'NON_BILLABLE', 'CREDITED', 'EXCLUDED'] as const;
export type HourClass = (typeof HOUR_CLASSES)[number];

/** A day has 24 hours, whatever the projects (e2). */
export const DAY_MAX_E2 = 24 * HOURS_SCALE;

/** Why an entry input's hour class cannot be decided. */
export interface HourClassConflict {
  readonly reason: 'BILLABLE_CONTRADICTS_CLASS' | 'ASSIGNMENT_NOT_BILLABLE';
}

/**
 * The hour class of an entry input. `hourClass` wins; the deprecated `billable` alone means
 * BILLABLE (true or absent) or NON_BILLABLE (false), and both given must agree (`billable` is true
 * exactly for BILLABLE). On an assignment that bills nothing (an internal project), `billable`
 * time becomes NON_BILLABLE as it always did, but an explicit BILLABLE class is a contradiction
 * (CREDITED is not: credited time, presales say, is never charged anyway).
 */
export function hourClassOf(
  input: { readonly hourClass?: string | null; readonly billable?: boolean | null },
  assignmentBillable: boolean,
): HourClass | HourClassConflict {
  const billable = input.billable ?? null;
  const given = (input.hourClass ?? null) as HourClass | null;
  if (given === null) return billable !== false && assignmentBillable ? 'BILLABLE' : 'NON_BILLABLE';
  if (billable !== null && billable !== (given === 'BILLABLE')) return { reason: 'BILLABLE_CONTRADICTS_CLASS' };
  if (!assignmentBillable && given === 'BILLABLE') return { reason: 'ASSIGNMENT_NOT_BILLABLE' };
  return given;
}

/** The last work date `futureDays` allows on `today` (null: no window). */
export function latestWorkDate(today: string, futureDays: number | null): string | null {
  return futureDays === null ? null : addDays(today, futureDays);
}

/** An entry of a submission: its date and hours (e2), in input order. */
export interface DayHours {
  readonly date: string;
  readonly hoursE2: number;
}

export interface TimeLimits {
  /** The ISO week's maximum (e2), across projects. */
  readonly weeklyMaxE2: number;
  /** @default DAY_MAX_E2 */
  readonly dayMaxE2?: number;
}

/** The first entry that takes its day or its week over a limit, with the total it would reach (e2). */
export interface LimitViolation {
  readonly kind: 'DAY' | 'WEEK';
  /** The entry's index in the submission. */
  readonly index: number;
  readonly date: string;
  readonly totalE2: number;
  readonly limitE2: number;
}

/**
 * Checks a week's submission against the person's other time (hours per date on their other
 * timecards, every project): entries are added in input order, and the first one that takes its
 * date beyond the day's maximum, or the week beyond the weekly maximum, is the violation (the day
 * is checked first). `others` holds the other time of the submission's week only.
 */
export function firstLimitViolation(entries: readonly DayHours[], others: readonly DayHours[], limits: TimeLimits): LimitViolation | null {
  const dayMax = limits.dayMaxE2 ?? DAY_MAX_E2;
  const perDay = new Map<string, number>();
  let week = 0;
  for (const other of others) {
    perDay.set(other.date, (perDay.get(other.date) ?? 0) + other.hoursE2);
    week += other.hoursE2;
  }
  for (const [index, entry] of entries.entries()) {
    const day = (perDay.get(entry.date) ?? 0) + entry.hoursE2;
    if (day > dayMax) return { kind: 'DAY', index, date: entry.date, totalE2: day, limitE2: dayMax };
    week += entry.hoursE2;
    if (week > limits.weeklyMaxE2) return { kind: 'WEEK', index, date: entry.date, totalE2: week, limitE2: limits.weeklyMaxE2 };
    perDay.set(entry.date, day);
  }
  return null;
}

/** A rate card line: a role's bill rate from a date (to a date, both included; null: open-ended). */
export interface RateCardLine {
  readonly roleId: string;
  readonly billRateE4: number;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
}

/**
 * The bill rate (e4) of `roleId` in force on `date` on the card's lines, or null when none is. Lines
 * that overlap (a card edited carelessly) resolve to the one effective latest.
 */
export function rateInForce(lines: readonly RateCardLine[], roleId: string, date: string): number | null {
  let found: RateCardLine | null = null;
  for (const rate of lines) {
    const inForce = rate.roleId === roleId && rate.effectiveFrom <= date && (rate.effectiveTo === null || date <= rate.effectiveTo);
    if (inForce && (found === null || rate.effectiveFrom > found.effectiveFrom)) found = rate;
  }
  return found ? found.billRateE4 : null;
}
