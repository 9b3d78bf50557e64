/** The CRM's state machines (docs/state-machines.md#opportunity, docs/state-machines.md#contract), as data. */
import type { StateMachine } from '../kernel/capability/stateMachine.ts';

export type OpportunityStage = 'PROSPECTING' | 'QUALIFIED' | 'PROPOSAL' | 'NEGOTIATION' | 'CLOSED_WON' | 'CLOSED_LOST';

export const OPEN_STAGES: ReadonlySet<string> = new Set(['PROSPECTING', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION']);

/** CLOSED_WON is final: changes go through a change-order opportunity. CLOSED_LOST → QUALIFIED is a privileged reopen. */
export const opportunityMachine: StateMachine<OpportunityStage> = {
  PROSPECTING: ['QUALIFIED', 'CLOSED_LOST'],
  QUALIFIED: ['PROPOSAL', 'NEGOTIATION', 'CLOSED_LOST'],
  PROPOSAL: ['NEGOTIATION', 'QUALIFIED', 'CLOSED_WON', 'CLOSED_LOST'],
  NEGOTIATION: ['PROPOSAL', 'CLOSED_WON', 'CLOSED_LOST'],
  CLOSED_WON: [],
  CLOSED_LOST: ['QUALIFIED'],
};

export type ContractStatus =
  'DRAFT' | 'IN_APPROVAL' | 'APPROVED' | 'SIGNED' | 'ACTIVE' | 'SUSPENDED' | 'COMPLETED' | 'TERMINATED' | 'EXPIRED' | 'CANCELLED';

export const contractMachine: StateMachine<ContractStatus> = {
  DRAFT: ['IN_APPROVAL', 'CANCELLED'],
  IN_APPROVAL: ['DRAFT', 'APPROVED', 'CANCELLED'],
  APPROVED: ['SIGNED', 'CANCELLED'],
  SIGNED: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['SUSPENDED', 'COMPLETED', 'TERMINATED', 'EXPIRED'],
  SUSPENDED: ['ACTIVE', 'TERMINATED'],
  COMPLETED: [],
  TERMINATED: [],
  EXPIRED: [],
  CANCELLED: [],
};

/** The role that may reopen a lost opportunity. */
export const SALES_OPS_ROLE = 'SALES_OPS';
