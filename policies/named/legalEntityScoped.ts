import type { NamedPolicy } from '../namedPolicy.ts';

/**
 * Records of a legal entity (projects, invoices, contracts, periods...) are visible only to
 * callers whose token names that legal entity (`legal_entities`, or `*` for all). Before
 * planning: a caller with no legal entity at all is refused; where the data is, rows of other
 * legal entities do not exist for the caller (`recordScope`).
 */
export const legalEntityScoped: NamedPolicy = {
  name: 'legalEntityScoped',
  description: 'only records of the legal entities in the token',
  admits: (principal) => principal !== null && (principal.legalEntities === '*' || principal.legalEntities.length > 0),
};
