/**
 * How the in-memory remote CRM keeps CRM records in the vendor stand-in: one object type per
 * record, each kept with its call history (the kernel's `Stored`, callHistory.ts).
 */
import type { Account, Contact, Contract, ContractAmendment, Opportunity, OpportunityLine } from '../../ports/types.ts';

export const OBJECT = {
  account: 'Account',
  contact: 'Contact',
  opportunity: 'Opportunity',
  line: 'OpportunityLineItem',
  contract: 'Contract',
  amendment: 'ContractAmendment',
} as const;

export interface CrmRecords {
  readonly Account: Account;
  readonly Contact: Contact;
  readonly Opportunity: Opportunity;
  readonly OpportunityLineItem: OpportunityLine;
  readonly Contract: Contract;
  readonly ContractAmendment: ContractAmendment;
}

export type ObjectType = keyof CrmRecords;
