/**
 * The PSA's state machines (docs/state-machines.md#project, docs/state-machines.md#assignment,
 * docs/state-machines.md#timecard-and-billing-status, docs/state-machines.md#billing-draft-and-invoice), as data:
 * any transition not listed is illegal.
 */
import type { StateMachine } from '../kernel/capability/stateMachine.ts';

export type ProjectStatus = 'DRAFT' | 'PLANNED' | 'ACTIVE' | 'ON_HOLD' | 'CLOSING' | 'CLOSED' | 'CANCELLED';

/**
 * DRAFT → ACTIVE skips planning: only a project without a customer contract may (see activateProject).
 * Closing (→ CLOSED) needs nothing left to approve or bill, cancelling (→ CANCELLED) no work recorded
 * at all (docs/invariants.md#inv-22); CLOSING bills on, ON_HOLD does not.
 */
export const projectMachine: StateMachine<ProjectStatus> = {
  DRAFT: ['PLANNED', 'ACTIVE', 'CANCELLED'],
  PLANNED: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['ON_HOLD', 'CLOSING', 'CLOSED', 'CANCELLED'],
  ON_HOLD: ['ACTIVE', 'CLOSING', 'CLOSED', 'CANCELLED'],
  CLOSING: ['ACTIVE', 'CLOSED'],
  CLOSED: ['CLOSING'],
  CANCELLED: [],
};

export type ResourceRequestStatus = 'DRAFT' | 'OPEN' | 'HELD' | 'FILLED' | 'CANCELLED';

export const resourceRequestMachine: StateMachine<ResourceRequestStatus> = {
  DRAFT: ['OPEN', 'CANCELLED'],
  OPEN: ['HELD', 'FILLED', 'CANCELLED'],
  HELD: ['OPEN', 'FILLED', 'CANCELLED'],
  FILLED: [],
  CANCELLED: [],
};

export type AssignmentStatus = 'PROPOSED' | 'CONFIRMED' | 'ACTIVE' | 'COMPLETED' | 'CANCELLED';

export const assignmentMachine: StateMachine<AssignmentStatus> = {
  PROPOSED: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['PROPOSED', 'ACTIVE', 'CANCELLED'],
  ACTIVE: ['COMPLETED'],
  COMPLETED: ['ACTIVE'],
  CANCELLED: [],
};

export type TimecardStatus = 'DRAFT' | 'SUBMITTED' | 'APPROVED' | 'REJECTED' | 'ADJUSTMENT_PENDING';

export const timecardMachine: StateMachine<TimecardStatus> = {
  DRAFT: ['SUBMITTED'],
  SUBMITTED: ['DRAFT', 'APPROVED', 'REJECTED'],
  APPROVED: ['ADJUSTMENT_PENDING'],
  REJECTED: ['DRAFT', 'SUBMITTED'],
  ADJUSTMENT_PENDING: ['APPROVED'],
};

export type BillingStatus =
  'UNAPPROVED' | 'NOT_BILLABLE' | 'READY_TO_BILL' | 'ON_HOLD' | 'ON_DRAFT' | 'BILLED' | 'CREDITED' | 'WRITTEN_OFF';

/** The billing state of a billable source: a time entry or a milestone (docs/state-machines.md#timecard-and-billing-status). */
export const billingStatusMachine: StateMachine<BillingStatus> = {
  // → ON_HOLD: approved while the project is on billing hold (docs/state-machines.md#billing-hold).
  UNAPPROVED: ['READY_TO_BILL', 'NOT_BILLABLE', 'ON_HOLD'],
  NOT_BILLABLE: [],
  READY_TO_BILL: ['ON_HOLD', 'ON_DRAFT', 'WRITTEN_OFF'],
  ON_HOLD: ['READY_TO_BILL'],
  // → READY_TO_BILL: the draft discarded (→ ON_HOLD when its project is on billing hold meanwhile).
  ON_DRAFT: ['READY_TO_BILL', 'BILLED', 'ON_HOLD'],
  BILLED: ['READY_TO_BILL', 'CREDITED'],
  CREDITED: [],
  WRITTEN_OFF: [],
};

/**
 * The billing states whose value is approved billable value (conservation, docs/invariants.md#inv-11):
 * unbilled + on hold + on draft + billed + credited + written off. CREDITED (a billed source a
 * credit memo credited, never billed again) is its own term: still approved value, no longer billed.
 */
export const APPROVED_VALUE_STATES: readonly BillingStatus[] = [
  'READY_TO_BILL',
  'ON_HOLD',
  'ON_DRAFT',
  'BILLED',
  'CREDITED',
  'WRITTEN_OFF',
];

export type MilestoneStatus = 'PLANNED' | 'IN_PROGRESS' | 'COMPLETE' | 'ACCEPTED' | 'REJECTED';

/** Delivery of a milestone; a customer's rejection sends it back to work. */
export const milestoneMachine: StateMachine<MilestoneStatus> = {
  PLANNED: ['IN_PROGRESS', 'COMPLETE'],
  IN_PROGRESS: ['COMPLETE'],
  COMPLETE: ['ACCEPTED', 'REJECTED'],
  REJECTED: ['IN_PROGRESS', 'COMPLETE'],
  ACCEPTED: [],
};

export type BillingDraftStatus = 'GENERATED' | 'IN_REVIEW' | 'RELEASED' | 'INVOICED' | 'DISCARDED';

/** A draft is generated straight into review; the ERP's invoice marks it INVOICED (docs/state-machines.md#billing-draft-and-invoice). */
export const billingDraftMachine: StateMachine<BillingDraftStatus> = {
  GENERATED: ['IN_REVIEW', 'INVOICED', 'DISCARDED'],
  IN_REVIEW: ['GENERATED', 'RELEASED', 'INVOICED', 'DISCARDED'],
  RELEASED: ['INVOICED'],
  INVOICED: [],
  DISCARDED: [],
};

export type BillingHoldStatus = 'ACTIVE' | 'RELEASED';

/** A billing hold on a source or a project (docs/state-machines.md#billing-hold): placed ACTIVE, released once. */
export const billingHoldMachine: StateMachine<BillingHoldStatus> = {
  ACTIVE: ['RELEASED'],
  RELEASED: [],
};

export type SourceWriteOffStatus = 'REQUESTED' | 'APPROVED' | 'REJECTED';

/** A write-off of an unbilled source (docs/state-machines.md#write-off): requested, then decided once by another person. */
export const sourceWriteOffMachine: StateMachine<SourceWriteOffStatus> = {
  REQUESTED: ['APPROVED', 'REJECTED'],
  APPROVED: [],
  REJECTED: [],
};
