/**
 * Decimal inputs of capabilities, checked as business rules (docs/invariants.md#inv-7): money has no more
 * decimals than its currency's minor unit and stays within what is stored exactly; hours are
 * quarter-hour-exact hundredths. A bad value is a MONEY_PRECISION user error on its field, never a crash.
 */
import { HOURS_SCALE, MONEY_SCALE, minorUnits, parseScaled } from '../decimal.ts';
import { rejected } from './rejection.ts';

/** The largest amount a capability accepts: 100 billion currency units (e4 values stay exact when summed). */
export const MAX_AMOUNT_E4 = 100_000_000_000 * MONEY_SCALE;
const MAX_HOURS_E2 = 1_000_000 * HOURS_SCALE;

/** An e4 amount from a Decimal input in `currency`. */
export function moneyInput(value: string, currency: string, field: string): number {
  const scaled = parse(value, MONEY_SCALE, field);
  if (!(Math.abs(scaled) <= MAX_AMOUNT_E4))
    throw rejected('MONEY_PRECISION', `${value} is larger than ${MAX_AMOUNT_E4 / MONEY_SCALE} ${currency}.`, field);
  const step = 10 ** (4 - minorUnits(currency));
  if (scaled % step !== 0)
    throw rejected('MONEY_PRECISION', `${value} has more decimals than ${currency} allows (${minorUnits(currency)}).`, field);
  return scaled;
}

/** An e2 number of hours from a Decimal input (at most two decimals). */
export function hoursInput(value: string, field: string): number {
  const scaled = parse(value, HOURS_SCALE, field);
  if (!(Math.abs(scaled) <= MAX_HOURS_E2)) throw rejected('MONEY_PRECISION', `${value} hours is more than anyone books.`, field);
  return scaled;
}

/** Checks a sum of accepted amounts (a total must stay exact too). */
export function checkTotal(totalE4: number, currency: string, field: string): number {
  if (Math.abs(totalE4) > MAX_AMOUNT_E4)
    throw rejected('MONEY_PRECISION', `The total is larger than ${MAX_AMOUNT_E4 / MONEY_SCALE} ${currency}.`, field);
  return totalE4;
}

function parse(value: string, scale: number, field: string): number {
  try {
    return parseScaled(value, scale);
  } catch {
    throw rejected('MONEY_PRECISION', `${value} has more decimals than allowed here (${Math.round(Math.log10(scale))}).`, field);
  }
}
