import type { NamedPolicy } from '../namedPolicy.ts';

/**
 * A partner token (one with `partner_accounts`) sees only its own customer accounts and their
 * records; other tokens are not restricted by this policy. Any authenticated caller passes the
 * gateway; the account filter is applied where the data is (`recordScope`).
 */
export const partnerAccountScoped: NamedPolicy = {
  name: 'partnerAccountScoped',
  description: "a partner sees only its own customers' records",
  admits: (principal) => principal !== null,
};
