/**
 * The accounts' tax ids (docs/demo-data.md#tax-ids). The parent firm's Salesforce customers are
 * American, with an EIN (`94-3115284`); the acquired German firm's HubSpot companies have a VAT id,
 * typed with or without spaces (`DE 811 569 869`, `DE811569869`). About one account in ten has none
 * recorded. Of the post-merger duplicates, about half carry their original's EIN as the other CRM
 * typed it (without its dash: the same id once normalized), the others the VAT id of the customer's
 * German entity or none, which are no evidence (docs/crosswalk.md#match-rules).
 */
import type { Rng } from './random.ts';

export interface TaxIds {
  /** The tax id of an account of `source` that duplicates none (`recorded`: never left empty). */
  own(source: 'salesforce' | 'hubspot', recorded: boolean): string | null;
  /** The tax id of a duplicate of an account whose tax id is `original` (`shared`: it carries that one when there is one). */
  duplicate(original: string | null, shared: boolean): string | null;
}

export function createTaxIds(rng: Rng): TaxIds {
  // Two customers never share a tax id: only a duplicate carries another account's.
  const used = new Set<string>();
  const unique = (make: () => string): string => {
    for (;;) {
      const id = make();
      const key = id.replace(/[^0-9A-Z]/g, '');
      if (!used.has(key)) {
        used.add(key);
        return id;
      }
    }
  };
  const digits = (count: number) => Array.from({ length: count }, () => String(rng.int(0, 9))).join('');
  const ein = () => unique(() => `${rng.int(10, 99)}-${digits(7)}`);
  const vat = () =>
    unique(() => {
      const number = digits(9);
      return rng.chance(0.5) ? `DE${number}` : `DE ${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6)}`;
    });
  return {
    own: (source, recorded) => (!recorded && rng.chance(0.1) ? null : source === 'salesforce' ? ein() : vat()),
    duplicate: (original, shared) => {
      if (original !== null && (shared || rng.chance(0.5))) return original.replace('-', '');
      return rng.chance(0.5) ? vat() : null;
    },
  };
}
