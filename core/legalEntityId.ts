/**
 * The canonical id of a legal entity: `le_` and its code (`le_US01`). Codes are immutable in the
 * ERP (a NetSuite subsidiary, an SAP company code), so tokens can name legal entities by code and
 * every system can check a record's `legal_entity_id` against them without a lookup.
 */
export function legalEntityId(code: string): string {
  return `le_${code}`;
}
