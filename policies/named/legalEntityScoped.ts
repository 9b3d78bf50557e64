import { legalEntityId } from '../../core/legalEntityId.ts';
import { definePolicy } from '../namedPolicy.ts';
import { columnIn } from '../recordSql.ts';

/**
 * Records of a legal entity (projects, invoices, contracts, periods...) are visible only to
 * callers whose token names that legal entity (`legal_entities`, or `*` for all). Before
 * planning: a caller with no legal entity at all is refused; where the data is, rows of other
 * legal entities do not exist for the caller.
 */
export const legalEntityScoped = definePolicy({
  name: 'legalEntityScoped',
  description: 'only records of the legal entities in the token',
  admits: (principal) => principal !== null && (principal.legalEntities === '*' || principal.legalEntities.length > 0),
  record: {
    attribute: 'legalEntity',
    visible: (principal) => (principal.legalEntities === '*' ? null : principal.legalEntities.map(legalEntityId)),
    // A record without a legal entity is not scoped by it. In SQL such a row is hidden (NULL is in no
    // list); no scoped table has a nullable legal-entity column (test/policies/nullValues.test.ts).
    sees: (allowed, value) => value === null || allowed.includes(value),
    sql: columnIn,
  },
});
