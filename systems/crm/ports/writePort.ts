/**
 * How CRM capabilities change the system of record: business operations, not tables. The
 * capability checks every rule first (state machine, preconditions: docs/state-machines.md#opportunity,
 * docs/state-machines.md#contract), then calls one operation; the adapter only applies it. A
 * transition applies only if the aggregate is still at the version the capability read, otherwise
 * it throws `rejected('VERSION_CONFLICT', ...)` (see `staleVersion`). A remote adapter throws
 * DOWNSTREAM_UNAVAILABLE when the vendor fails or does not answer.
 */
import { rejected, type CapabilityRejected } from '../../kernel/capability/rejection.ts';
import type { Contract, ContractAmendment, Opportunity, OpportunityLine } from './types.ts';

/** The aggregate as the capability read it: the write applies only while it is still at this version. */
export interface Versioned {
  readonly id: string;
  readonly aggregateVersion: number;
}

/** A new opportunity at version 1 (the capability assigns its id and its lines' ids). */
export type NewOpportunity = Omit<Opportunity, 'aggregateVersion'>;
export type NewOpportunityLine = Omit<OpportunityLine, 'opportunityId'>;
/** A new contract at version 1. */
export type NewContract = Omit<Contract, 'aggregateVersion'>;

/** A move along the pipeline (closing included): the stage and what follows from it. */
export interface StageChange {
  readonly stage: string;
  readonly sourceStage: string;
  readonly probability: number;
  readonly forecastCategory: string;
  readonly lossReason: string | null;
  /** Closing sets the close date to the day it closed. */
  readonly closeDate?: string;
}

export interface CrmWritePort {
  openOpportunity(opportunity: NewOpportunity, lines: readonly NewOpportunityLine[]): Promise<Opportunity>;
  moveOpportunityStage(opportunity: Versioned, change: StageChange): Promise<Opportunity>;
  draftContractFromOpportunity(contract: NewContract): Promise<Contract>;
  /** DRAFT → IN_APPROVAL. */
  submitContractForApproval(contract: Versioned, submittedBy: string): Promise<Contract>;
  /** IN_APPROVAL → APPROVED. */
  approveContract(contract: Versioned, approval: { readonly approvedBy: string; readonly approvedAt: string }): Promise<Contract>;
  /** APPROVED → SIGNED. */
  recordContractSignature(
    contract: Versioned,
    signature: { readonly signedAt: string; readonly customerSignatory: string; readonly documentUrl: string },
  ): Promise<Contract>;
  /** SIGNED → ACTIVE (ERP activated it). */
  recordContractActivation(contract: Versioned, activatedAt: string): Promise<Contract>;
  /** An ACTIVE contract's amendment, PROPOSED; the contract's version moves (a concurrent proposal is VERSION_CONFLICT). */
  proposeContractAmendment(contract: Versioned, amendment: ContractAmendment): Promise<AmendedContract>;
  /** The PROPOSED amendment APPROVED: the contract takes its version, value and end date (docs/state-machines.md#contract-amendment). */
  recordContractAmendmentApproval(contract: Versioned, amendment: ContractAmendment, approval: AmendmentApproval): Promise<AmendedContract>;
  /** The PROPOSED amendment REJECTED or WITHDRAWN: the contract keeps its version, value and end date; its aggregate version moves. */
  closeContractAmendment(contract: Versioned, amendment: ContractAmendment, closure: AmendmentClosure): Promise<AmendedContract>;
}

/** How a PROPOSED amendment ends without taking effect (docs/state-machines.md#contract-amendment). */
export interface AmendmentClosure {
  readonly status: 'REJECTED' | 'WITHDRAWN';
  readonly closedBy: string;
  readonly closedAt: string;
  readonly closeReason: string;
}

export interface AmendmentApproval {
  readonly approvedBy: string;
  readonly approvedAt: string;
}

export interface AmendedContract {
  readonly contract: Contract;
  readonly amendment: ContractAmendment;
}

/** The status each contract operation moves to. */
export const CONTRACT_STATUS_AFTER = {
  submitContractForApproval: 'IN_APPROVAL',
  approveContract: 'APPROVED',
  recordContractSignature: 'SIGNED',
  recordContractActivation: 'ACTIVE',
} as const;

/** The rejection of a transition whose aggregate moved on since the capability read it. */
export function staleVersion(entity: string, id: string): CapabilityRejected {
  return rejected(
    'VERSION_CONFLICT',
    `${entity} ${JSON.stringify(id)} changed while this call ran. Read it again, then decide.`,
    'expectedVersion',
  );
}
