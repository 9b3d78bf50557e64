/**
 * How the in-memory remote CRM keeps CRM records in the vendor stand-in: one object type per
 * record, the canonical record in its fields, and what a call needs to resume without repeating
 * itself: which call created the record, which call changed it last and what it was before.
 */
import type { Account, Contact, Contract, Opportunity, OpportunityLine } from '../../ports/types.ts';

export const OBJECT = {
  account: 'Account',
  contact: 'Contact',
  opportunity: 'Opportunity',
  line: 'OpportunityLineItem',
  contract: 'Contract',
} as const;

export interface CrmRecords {
  readonly Account: Account;
  readonly Contact: Contact;
  readonly Opportunity: Opportunity;
  readonly OpportunityLineItem: OpportunityLine;
  readonly Contract: Contract;
}

export type ObjectType = keyof CrmRecords;

/** The vendor fields of a CRM record. */
export type Stored<T> = {
  readonly record: T;
  /** The call key of the capability call that created it (null: loaded, not created by a call). */
  readonly createdBy: string | null;
  /** The call key of the capability call that changed it last, and the record before that change. */
  readonly changedBy: string | null;
  readonly before: T | null;
};

export function stored<T>(record: T, createdBy: string | null = null): Stored<T> {
  return { record, createdBy, changedBy: null, before: null };
}
