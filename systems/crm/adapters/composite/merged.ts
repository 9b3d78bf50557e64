/**
 * What the composite CRM adds to a canonical record it answers (docs/crosswalk.md#reading-both-crms):
 * the ids of the records of the other CRM merged into it, which resolve to it (the CRM's loaders key
 * a record by them too), and, for survivorship's `newest`, when its system last changed it (a vendor
 * adapter that knows it, from `SystemModstamp` or `hs_lastmodifieddate`, answers it as `modifiedAt`).
 */
import type { Account, Opportunity } from '../../ports/types.ts';

export type Merged<T> = T & { readonly mergedIds?: readonly string[] };

export type StampedAccount = Merged<Account> & { readonly modifiedAt?: string | null };
export type MergedOpportunity = Merged<Opportunity>;
