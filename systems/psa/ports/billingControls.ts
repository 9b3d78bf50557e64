/**
 * Billing controls of the PSA (docs/capabilities.md#billing-controls): billing holds, write-offs of
 * unbilled sources, and discarded drafts. Canonical records and the read and write operations the
 * ports add for them; generic over every billable source type (`BillableSourceType`).
 *
 * Decisions (docs/state-machines.md#billing-hold):
 * - A hold is a record of its own (`BillingHold`), on one source or on a whole project. A source
 *   hold moves its source READY_TO_BILL → ON_HOLD; a project hold moves every READY_TO_BILL source
 *   of the project, and sources approved (or released from a discarded draft) while it is ACTIVE
 *   are held as they arrive. Releasing a hold moves back only the sources no other active hold covers.
 * - A write-off of a source is requested by one person and approved (READY_TO_BILL → WRITTEN_OFF)
 *   or rejected by another (docs/invariants.md#inv-8).
 * - A discarded draft keeps what it held as released items; its live claims are gone.
 */
import type { BillableSourceType, BillingDraft, BillingDraftItem } from './types.ts';

export interface SourceRef {
  readonly sourceType: BillableSourceType;
  readonly sourceId: string;
}

/** A billable source's billing facts, whatever its kind. */
export interface BillableSourceFacts extends SourceRef {
  readonly projectId: string;
  readonly billingStatus: string;
  /** The approved billable value, frozen (in `currency`). */
  readonly amountE4: number;
  readonly currency: string;
}

export type BillingHoldStatus = 'ACTIVE' | 'RELEASED';

export interface BillingHold {
  readonly id: string;
  readonly projectId: string;
  /** Null with `sourceId` null: the hold is on the whole project. */
  readonly sourceType: BillableSourceType | null;
  readonly sourceId: string | null;
  readonly status: BillingHoldStatus;
  readonly reason: string;
  readonly heldBy: string;
  readonly heldAt: string;
  readonly releasedBy: string | null;
  readonly releasedAt: string | null;
  readonly aggregateVersion: number;
}

export type SourceWriteOffStatus = 'REQUESTED' | 'APPROVED' | 'REJECTED';

/** The reasons a source or a receivable is written off (schema enum WriteOffReason). */
export const WRITE_OFF_REASONS = [
  'GOODWILL',
  'DISPUTE',
  'NON_BILLABLE_BY_AGREEMENT',
  'RATE_ADJUSTMENT',
  'SMALL_BALANCE',
  'BAD_DEBT',
  'OTHER',
] as const;
export type WriteOffReason = (typeof WRITE_OFF_REASONS)[number];

export interface SourceWriteOff extends SourceRef {
  readonly id: string;
  readonly projectId: string;
  readonly amountE4: number;
  readonly currency: string;
  readonly reasonCode: WriteOffReason;
  readonly reasonText: string;
  readonly status: SourceWriteOffStatus;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  readonly aggregateVersion: number;
}

export interface BillingControlReads {
  /** The sources (of any kind) on projects the scope sees; missing or hidden ones are absent. */
  billableSourcesByRefs(refs: readonly SourceRef[]): Promise<BillableSourceFacts[]>;
  billingHoldsByIds(ids: readonly string[]): Promise<BillingHold[]>;
  /**
   * The holds of the projects, oldest first; `activeOnly` leaves released ones out. A project's
   * close is refused while this answers an active hold (docs/state-machines.md#billing-hold).
   */
  billingHoldsByProjectIds(projectIds: readonly string[], activeOnly: boolean): Promise<BillingHold[]>;
  sourceWriteOffsByIds(ids: readonly string[]): Promise<SourceWriteOff[]>;
  /** Oldest first. */
  sourceWriteOffsByProjectIds(projectIds: readonly string[]): Promise<SourceWriteOff[]>;
  /** What discarded drafts held (their claims released), by id. */
  releasedDraftItemsByDraftIds(draftIds: readonly string[]): Promise<BillingDraftItem[]>;
}

export interface BillingControlWrites {
  /**
   * Places `hold` while no other hold, release or discard of the project runs: `check` runs first
   * (its rejection writes nothing), then the hold is written and its sources READY_TO_BILL → ON_HOLD.
   * A source hold whose source is no longer READY_TO_BILL: INVALID_STATE_TRANSITION.
   */
  placeBillingHold(hold: BillingHold, check: () => Promise<void>): Promise<{ billingHold: BillingHold; heldSources: number }>;
  /** ACTIVE → RELEASED from the version read; its sources no other active hold covers ON_HOLD → READY_TO_BILL. */
  releaseBillingHold(
    hold: BillingHold,
    release: { readonly releasedBy: string; readonly releasedAt: string },
  ): Promise<{ billingHold: BillingHold; releasedSources: number }>;
  /**
   * Holds the project's READY_TO_BILL sources when an active project hold covers it (serialized
   * with placing and releasing holds): called after a step that makes sources ready to bill.
   */
  holdNewlyReadySources(projectId: string): Promise<number>;
  /**
   * The draft DISCARDED from the version read; its items move to the released items (the claims
   * are freed) and its sources ON_DRAFT → READY_TO_BILL, or ON_HOLD where an active hold covers them.
   */
  discardBillingDraft(draft: BillingDraft, discardedAt: string): Promise<{ billingDraft: BillingDraft; releasedSources: number }>;
  requestSourceWriteOff(writeOff: SourceWriteOff): Promise<SourceWriteOff>;
  /**
   * REQUESTED → APPROVED or REJECTED from the version read; an approval moves the source
   * READY_TO_BILL → WRITTEN_OFF (a source that moved meanwhile: INVALID_STATE_TRANSITION).
   */
  decideSourceWriteOff(
    writeOff: SourceWriteOff,
    decision: {
      readonly status: 'APPROVED' | 'REJECTED';
      readonly decidedBy: string;
      readonly decidedAt: string;
      readonly note: string | null;
    },
  ): Promise<SourceWriteOff>;
}
