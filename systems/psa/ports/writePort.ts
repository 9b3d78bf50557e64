/**
 * How the PSA's capabilities change its system of record: business operations over canonical
 * records, never tables. The capabilities check every rule first (a remote system cannot roll
 * back); an operation only writes, and throws a typed error for what the system itself decides:
 * `rejected('VERSION_CONFLICT')` when the record moved since it was read (the versioned update),
 * `rejected('SOURCE_ALREADY_BILLED')` when another draft claimed a source first (docs/invariants.md#inv-2),
 * and DOWNSTREAM_UNAVAILABLE when a remote system fails.
 *
 * Two operations take a check that must run with no concurrent call interleaving (on PostgreSQL an
 * advisory lock held until commit): creating a project on a contract (its billing line and the
 * milestone total are the contract's), confirming an assignment (the resource's capacity), and
 * submitting a timecard (the person's hours a day and a week across projects).
 */
import type { ContractLineWrites } from './contractLineWrites.ts';
import type {
  Assignment,
  BillingDraft,
  BillingDraftItem,
  ContractLine,
  Milestone,
  Project,
  ResourceRequest,
  Timecard,
  TimeEntry,
} from './types.ts';
import type { ExpenseWrites } from './expensePorts.ts';
import type { BillingControlWrites } from './billingControls.ts';
import type { SourceCreditWrites } from './sourceCredits.ts';
import type { ProjectLifecycleWrites } from './lifecyclePorts.ts';

/** What `createProject` writes: the project, its milestones, and the contract's billing lines when they are new. */
export interface NewProject {
  readonly project: Project;
  readonly milestones: readonly Milestone[];
  readonly newLines: readonly ContractLine[];
}

export interface CreatedProject {
  readonly project: Project;
  readonly milestones: readonly Milestone[];
  /** The contract's billing lines, when the project created them (else empty). */
  readonly newLines: readonly ContractLine[];
}

/** An entry's pricing, frozen at approval. */
export interface PricedEntry {
  readonly id: string;
  readonly billRateE4: number | null;
  readonly billableE4: number;
  readonly billingStatus: 'READY_TO_BILL' | 'NOT_BILLABLE';
  readonly costRateE4: number;
  readonly costCurrency: string;
}

export interface TimecardApproval {
  readonly approvedAt: string;
  readonly approverId: string | null;
  readonly decidedBy: string;
  readonly totalHoursE2: number;
  readonly totalBillableE4: number;
  readonly entries: readonly PricedEntry[];
}

export interface TimecardRejection {
  readonly reason: string;
  readonly approverId: string | null;
  readonly decidedBy: string;
}

/** A submission of a week: the timecard as submitted and its entries (replacing any earlier ones). */
export interface TimecardSubmission {
  /** The week's timecard as read (its version is checked), or null for the week's first submission. */
  readonly existing: Timecard | null;
  readonly timecard: Timecard;
  readonly entries: readonly TimeEntry[];
}

export interface PsaWritePort extends ExpenseWrites, BillingControlWrites, SourceCreditWrites, ProjectLifecycleWrites, ContractLineWrites {
  /**
   * Runs `plan` while no other project is being created on the contract, then writes what it
   * returns. `plan` reads (through the read port) and checks; a rejection it throws writes nothing.
   * Answers the records as the system holds them (a resumed call gets those its first attempt wrote).
   */
  createProject(contractId: string, plan: () => Promise<NewProject>): Promise<CreatedProject>;
  /** PLANNED or DRAFT → ACTIVE, from the project's version as read. */
  activateProject(project: Project): Promise<Project>;
  createResourceRequest(request: ResourceRequest): Promise<ResourceRequest>;
  /** DRAFT, OPEN or HELD → CANCELLED, from the request's version as read. */
  cancelResourceRequest(request: ResourceRequest): Promise<ResourceRequest>;
  /**
   * Books `assignment` and fills `request` (from its version as read). `check` runs first, while no
   * other confirmation of the same resource can run (the capacity check); its rejection writes nothing.
   */
  confirmAssignment(
    change: { readonly request: ResourceRequest; readonly assignment: Assignment },
    check: () => Promise<void>,
  ): Promise<{ assignment: Assignment; resourceRequest: ResourceRequest }>;
  /**
   * A week's first submission (a concurrent first one: VERSION_CONFLICT), or a resubmission replacing its entries.
   * `check` runs first, while no other submission of the same person can run (the day's and the week's
   * limits across projects, docs/invariants.md#time-controls); its rejection writes nothing.
   */
  submitTimecard(submission: TimecardSubmission, check: () => Promise<void>): Promise<Timecard>;
  approveTimecard(timecard: Timecard, approval: TimecardApproval): Promise<Timecard>;
  rejectTimecard(timecard: Timecard, rejection: TimecardRejection): Promise<Timecard>;
  /** COMPLETE on `actualDate`; READY_TO_BILL too when `approvedForBilling` (an unapproved milestone needing no sign-off). */
  completeMilestone(
    milestone: Milestone,
    completion: { readonly actualDate: string; readonly approveForBilling: boolean },
  ): Promise<Milestone>;
  /** Writes the draft and claims its items' sources (READY_TO_BILL → ON_DRAFT); a source claimed meanwhile: SOURCE_ALREADY_BILLED. */
  generateBillingDraft(draft: BillingDraft, items: readonly BillingDraftItem[]): Promise<BillingDraft>;
  /** The draft INVOICED by the ERP's invoice; its sources ON_DRAFT → BILLED. */
  recordBillingDraftInvoiced(
    draft: BillingDraft,
    invoice: { readonly invoiceId: string; readonly invoiceNumber: string },
  ): Promise<{ billingDraft: BillingDraft; billedTimeEntries: number; billedMilestones: number; billedExpenses: number }>;
}
