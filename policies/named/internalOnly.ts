import { definePolicy } from '../namedPolicy.ts';

/**
 * Internal callers only: a partner token (one with `partner_accounts`) is refused. For what a
 * partner never reads even on its own projects, such as people's contact details
 * (docs/ownership.md#what-partners-see). An admission decision only: it hides fields, not records.
 */
export const internalOnly = definePolicy({
  name: 'internalOnly',
  description: 'internal callers only, never a partner',
  admits: (principal) => principal !== null && principal.partnerAccounts === null,
});
