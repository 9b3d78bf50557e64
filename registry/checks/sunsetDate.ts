/**
 * The sunset date of a deprecation, written into the reason itself so that a client reading
 * introspection sees it (`deprecationReason: "Use releaseInvoiceV2. Sunset 2027-06-30."`).
 * The governance lint requires it on every `@deprecated`; the sunset check reads it.
 */

/** `sunset YYYY-MM-DD` anywhere in a reason, any case (`Sunset: 2027-06-30` works too). */
const SUNSET = /\bsunset:?\s+(\d{4}-\d{2}-\d{2})\b/i;

/** The ISO date of the reason's `sunset YYYY-MM-DD`, or null when it has none or the date is not a real day. */
export function sunsetDateOf(reason: string | null | undefined): string | null {
  const match = reason ? SUNSET.exec(reason) : null;
  if (!match) return null;
  const date = match[1]!;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : null;
}
