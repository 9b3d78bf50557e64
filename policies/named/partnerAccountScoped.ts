import { definePolicy } from '../namedPolicy.ts';
import { columnIn } from '../recordSql.ts';

/**
 * A partner token (one with `partner_accounts`) sees only its own customer accounts and their
 * records; other tokens are not restricted by this policy. Any authenticated caller passes the
 * gateway; the account filter is applied where the data is.
 */
export const partnerAccountScoped = definePolicy({
  name: 'partnerAccountScoped',
  description: "a partner sees only its own customers' records",
  admits: (principal) => principal !== null,
  record: {
    attribute: 'account',
    visible: (principal) => principal.partnerAccounts,
    // A record of no customer account is internal: hidden from partners (in SQL too).
    sees: (allowed, value) => value !== null && allowed.includes(value),
    sql: columnIn,
  },
});
