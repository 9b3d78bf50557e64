/**
 * Exact decimal arithmetic for money, hours and rates.
 *
 * Amounts are stored and summed as integers scaled by 10^4 ("e4" values): Decimal(19,4) in the
 * domain model, exact in SQL SUM() and in JavaScript numbers up to 9e11 currency units. Floats
 * never touch money. Hours are integers scaled by 10^2 (quarter hours are exact).
 */

export const MONEY_SCALE = 10_000;
export const HOURS_SCALE = 100;

/** ISO 4217 minor units of the currencies the reference systems use. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  USD: 2,
  GBP: 2,
  EUR: 2,
  CAD: 2,
  INR: 2,
  AUD: 2,
  CHF: 2,
  JPY: 0,
  SGD: 2,
};

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

const DECIMAL_PATTERN = /^(-)?(\d{1,15})(?:\.(\d{1,4}))?$/;

/** Parses a decimal string ("1250.5") into an e4 integer; throws RangeError on anything else. */
export function parseScaled(value: string, scale: number = MONEY_SCALE): number {
  const match = DECIMAL_PATTERN.exec(value);
  if (!match) throw new RangeError(`not a decimal with at most 4 fraction digits: ${JSON.stringify(value)}`);
  const digits = Math.round(Math.log10(scale));
  const fraction = (match[3] ?? '').padEnd(4, '0');
  if (fraction.slice(digits).replace(/0/g, '') !== '') {
    throw new RangeError(`too many fraction digits for scale ${scale}: ${value}`);
  }
  const magnitude = Number(match[2]) * scale + Number(fraction.slice(0, digits) || '0');
  return match[1] ? -magnitude : magnitude;
}

/** Formats an integer scaled by `scale` as a decimal string with exactly `fractionDigits` digits. */
export function formatScaled(scaled: number, scale: number, fractionDigits: number): string {
  if (!Number.isSafeInteger(scaled)) throw new RangeError(`not a safe integer: ${scaled}`);
  const scaleDigits = Math.round(Math.log10(scale));
  const negative = scaled < 0;
  const abs = Math.abs(scaled);
  const whole = Math.floor(abs / scale);
  const fraction = String(abs % scale).padStart(scaleDigits, '0');
  // Keep every significant digit even if it is beyond the requested precision.
  const significant = fraction.replace(/0+$/, '');
  const shown = significant.length > fractionDigits ? significant : fraction.slice(0, fractionDigits).padEnd(fractionDigits, '0');
  const text = shown.length > 0 ? `${whole}.${shown}` : String(whole);
  return negative && abs !== 0 ? `-${text}` : text;
}

export interface Money {
  readonly amount: string;
  readonly currency: string;
}

/** The GraphQL Money value of an e4 amount, shown with the currency's minor units. */
export function money(amountE4: number | string | bigint, currency: string): Money {
  return { amount: formatScaled(Number(amountE4), MONEY_SCALE, minorUnits(currency)), currency };
}

/** Hours (e2) as a decimal string with two digits. */
export function formatHours(hoursE2: number | string | bigint): string {
  return formatScaled(Number(hoursE2), HOURS_SCALE, 2);
}

/** Rounds an e4 amount to the currency's minor unit, half away from zero. */
export function roundToMinor(amountE4: number, currency: string): number {
  const step = 10 ** (4 - minorUnits(currency));
  const sign = amountE4 < 0 ? -1 : 1;
  return sign * Math.round(Math.abs(amountE4) / step) * step;
}

/** hours (e2) x rate (e4) = amount (e4), rounded to the currency's minor unit. */
export function extend(hoursE2: number, rateE4: number, currency: string): number {
  return roundToMinor((hoursE2 * rateE4) / HOURS_SCALE, currency);
}

/** tax on a net amount (e4) at a percentage given in e4 ("20" percent = 200000). */
export function taxOn(netE4: number, ratePercentE4: number, currency: string): number {
  return roundToMinor((netE4 * ratePercentE4) / (100 * MONEY_SCALE), currency);
}

/**
 * An amount (e4) with a markup in percent (e4: "10" percent = 100000) added, rounded to the
 * currency's minor unit half away from zero like every other derived amount here. Exact: the
 * product is taken in BigInt, so any accepted amount and markup stay exact.
 */
export function withMarkup(amountE4: number, markupPercentE4: number, currency: string): number {
  const scale = 100n * BigInt(MONEY_SCALE);
  const step = 10n ** BigInt(4 - minorUnits(currency));
  const numerator = BigInt(amountE4) * (scale + BigInt(markupPercentE4));
  const divisor = scale * step;
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = ((magnitude * 2n + divisor) / (divisor * 2n)) * step;
  return Number(negative ? -rounded : rounded);
}
