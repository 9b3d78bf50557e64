/**
 * Canonical values as HubSpot property values and back: every HubSpot property value is text
 * (numbers as decimal strings, dates as `YYYY-MM-DD` or an instant), and an empty or absent value
 * is no value (docs/connectors.md#hubspot).
 */
import { formatScaled, HOURS_SCALE, MONEY_SCALE, parseScaled } from '../../../kernel/decimal.ts';
import type { Properties } from './objects.ts';

/** An e4 amount as a decimal string with its significant digits ("1500.00" for 15000000). */
export const decimalE4 = (amountE4: number): string => formatScaled(amountE4, MONEY_SCALE, 2);
export const e4Of = (value: string): number => parseScaled(value, MONEY_SCALE);
export const decimalE2 = (hoursE2: number): string => formatScaled(hoursE2, HOURS_SCALE, 2);
export const e2Of = (value: string): number => parseScaled(value, HOURS_SCALE);

/** The value of a property, null when absent or empty. */
export function optional(properties: Properties, name: string): string | null {
  const value = properties[name];
  return value === undefined || value === null || value === '' ? null : value;
}

/** The value of a property the mapping always writes; a missing one is a portal that does not hold Tessera's record. */
export function required(properties: Properties, name: string): string {
  const value = optional(properties, name);
  if (value === null) throw new HubSpotMappingError(`HubSpot object has no ${name}`);
  return value;
}

export const numberOr = (value: string | null): number | null => (value === null ? null : Number(value));
export const text = (value: string | number | null): string | null => (value === null ? null : String(value));

/** HubSpot date properties hold midnight UTC of the day; `closedate` is a datetime: both read as the UTC day. */
export const dayOf = (value: string): string => value.slice(0, 10);

export class HubSpotMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubSpotMappingError';
  }
}
