/**
 * The form of legal document numbers (docs/invariants.md#gapless-numbering), the same in every
 * adapter: `<legal entity code>-<series>-<year>-<six-digit sequence>`, e.g. `UK01-INV-2026-000042`.
 */

export function formatDocumentNumber(code: string, series: string, year: number, sequence: number): string {
  return `${code}-${series}-${year}-${String(sequence).padStart(6, '0')}`;
}

/** The year and sequence of a number of `code`'s `series`, or null when it is not one. */
export function parseDocumentNumber(code: string, series: string, number: string): { year: number; sequence: number } | null {
  const match = new RegExp(`^${code}-${series}-(\\d{4})-(\\d{6})$`).exec(number);
  return match ? { year: Number(match[1]), sequence: Number(match[2]) } : null;
}

/**
 * Customer numbers (docs/capabilities.md#enablecustomerbilling): `<legal entity code>-C<five digits>`,
 * e.g. `UK01-C00042`, one series per legal entity, numbered on from the highest it gave.
 */
export function formatCustomerNumber(code: string, sequence: number): string {
  return `${code}-C${String(sequence).padStart(5, '0')}`;
}

/** The next customer number of `code` after `numbers` (any the legal entity gave; others are ignored). */
export function nextCustomerNumber(code: string, numbers: readonly string[]): string {
  const prefix = `${code}-C`;
  const taken = numbers
    .filter((number) => number.startsWith(prefix) && /^\d+$/.test(number.slice(prefix.length)))
    .map((number) => Number(number.slice(prefix.length)));
  return formatCustomerNumber(code, Math.max(0, ...taken) + 1);
}
