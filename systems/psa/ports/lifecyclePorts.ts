/**
 * The project-lifecycle part of the PSA's ports (docs/capabilities.md#project-lifecycle): PsaReadPort
 * and PsaWritePort extend these. Hold, resume, closing, close and cancel of a project; the
 * customer's acceptance of a milestone that needs sign-off (docs/state-machines.md#project,
 * docs/state-machines.md#milestone).
 */
import type { Milestone, Project } from './types.ts';

/** Timecards of a project in one status. */
export interface TimecardTally {
  readonly status: string;
  readonly count: number;
  readonly hoursE2: number;
}

/** Milestones of a project in one delivery status and billing status; amounts in the project's currency. */
export interface MilestoneTally {
  readonly status: string;
  readonly billingStatus: string;
  readonly count: number;
  readonly amountE4: number;
}

/** Billable sources of one kind (`TIME_SPLIT`, `MILESTONE`, `EXPENSE`, ...) in one billing status, and their billable value. */
export interface SourceTally {
  readonly sourceType: string;
  readonly billingStatus: string;
  readonly count: number;
  readonly amountE4: number;
}

/** Billing drafts of a project in one status. */
export interface DraftTally {
  readonly status: string;
  readonly count: number;
  readonly amountE4: number;
}

/**
 * Everything recorded on a project, counted in the system of record (a statement per kind, whatever
 * the number of records): what closing and cancelling check (docs/invariants.md#inv-22). Each list
 * is ordered by its keys; a status with nothing in it is absent.
 */
export interface ProjectWork {
  readonly timecards: readonly TimecardTally[];
  readonly milestones: readonly MilestoneTally[];
  /** Every billable source table of the PSA (time entries, milestones, expenses, ...), generically. */
  readonly sources: readonly SourceTally[];
  readonly drafts: readonly DraftTally[];
}

export interface ProjectLifecycleReads {
  /** The work recorded on a project the scope sees (empty lists for one it does not see). */
  projectWork(projectId: string): Promise<ProjectWork>;
}

/** A project's new status, and the reason kept with it (null clears it). */
export interface ProjectMove {
  readonly status: string;
  readonly statusReason: string | null;
}

/** What cancelling a project did to its staffing. */
export interface ProjectCancellation {
  readonly project: Project;
  /** Requests DRAFT, OPEN or HELD → CANCELLED. */
  readonly cancelledRequests: readonly string[];
  /** Assignments PROPOSED or CONFIRMED → CANCELLED. */
  readonly cancelledAssignments: readonly string[];
  /** Assignments ACTIVE → COMPLETED (they end; no time was booked on them). */
  readonly completedAssignments: readonly string[];
}

export interface MilestoneAcceptance {
  /** The customer's person who signed off, and the date they did. */
  readonly acceptedBy: string;
  readonly acceptedOn: string;
  /** The sign-off document or e-mail reference. */
  readonly reference: string;
  /** The principal subject who recorded it. */
  readonly recordedBy: string;
  /** UNAPPROVED → READY_TO_BILL; a milestone already past UNAPPROVED keeps its billing status. */
  readonly approveForBilling: boolean;
}

export interface MilestoneAcceptanceRejection {
  readonly reason: string;
  readonly recordedBy: string;
}

export interface ProjectLifecycleWrites {
  /**
   * The project to `move.status` from its version as read (VERSION_CONFLICT otherwise). `check` runs
   * after the project is held against concurrent work (on SQL: after its row is updated, so a
   * concurrent submission or approval either finished before and is seen, or waits and then finds
   * the new status); its rejection writes nothing.
   */
  moveProject(project: Project, move: ProjectMove, check?: () => Promise<void>): Promise<Project>;
  /** CANCELLED with the reason, its open staffing withdrawn; `check` as for `moveProject`. */
  cancelProject(project: Project, reason: string, check: () => Promise<void>): Promise<ProjectCancellation>;
  /**
   * The project as it is now, held until the calling transaction ends against a concurrent close or
   * cancel (PostgreSQL: `for share` on its row). Work on a project (a timecard submitted or
   * approved) reads its status through this, just before writing. Null when it is gone.
   */
  projectForWork(projectId: string): Promise<Project | null>;
  /** COMPLETE → ACCEPTED with the acceptance; approved for billing (UNAPPROVED → READY_TO_BILL) when `approveForBilling`. */
  acceptMilestone(milestone: Milestone, acceptance: MilestoneAcceptance): Promise<Milestone>;
  /** COMPLETE → REJECTED with the reason; the billing status stays UNAPPROVED. */
  rejectMilestoneAcceptance(milestone: Milestone, rejection: MilestoneAcceptanceRejection): Promise<Milestone>;
}
