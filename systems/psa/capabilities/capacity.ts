/**
 * The capacity check of a hard booking (docs/state-machines.md#assignment): every booking's hours are spread evenly
 * over its weekdays; on every weekday of the new booking, its share plus the shares of the
 * resource's other hard bookings stays within the day's capacity times the tolerance.
 */
import { HOURS_SCALE } from '../../kernel/decimal.ts';
import type { Booking } from '../ports/types.ts';
import { weekdaysBetween } from './dates.ts';

/** A working day: eight hours (e2). */
export const DAY_CAPACITY_E2 = 8 * HOURS_SCALE;
/** Hard bookings may exceed a day's capacity by 10 %: at most 8.80 hours a weekday. */
export const DAY_LIMIT_E2 = (DAY_CAPACITY_E2 * 110) / 100;

export interface Overbooking {
  readonly date: string;
  /** The day's booked hours (e2), rounded to the hundredth. */
  readonly bookedE2: number;
}

/**
 * The first weekday of `booking` on which it and `others` together exceed the tolerated
 * capacity, or null. Loads are compared as exact fractions (hours × weekdays), so a booking
 * exactly at the limit passes whatever its length.
 */
export function firstOverbookedDay(booking: Booking, others: readonly Booking[]): Overbooking | null {
  const spread = (b: Booking) => ({ ...b, days: weekdaysBetween(b.startDate, b.endDate).length });
  const mine = spread(booking);
  const theirs = others.map(spread).filter((b) => b.days > 0);
  for (const date of weekdaysBetween(booking.startDate, booking.endDate)) {
    const covering = theirs.filter((b) => b.startDate <= date && date <= b.endDate);
    const load = [mine, ...covering].reduce((sum, b) => sum + b.hoursE2 / b.days, 0);
    if (exceeds([mine, ...covering])) return { date, bookedE2: Math.round(load) };
  }
  return null;
}

/** Σ h_i / d_i > L, exactly: Σ h_i · (D / d_i) > L · D with D = Π d_i, in BigInt. */
function exceeds(bookings: readonly { hoursE2: number; days: number }[]): boolean {
  const product = bookings.reduce((p, b) => p * BigInt(b.days), 1n);
  const load = bookings.reduce((sum, b) => sum + BigInt(b.hoursE2) * (product / BigInt(b.days)), 0n);
  return load > BigInt(DAY_LIMIT_E2) * product;
}
