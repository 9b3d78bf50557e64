/**
 * A contract amendment's revenue consequence (docs/capabilities.md#contract-amendments, docs/invariants.md#inv-12):
 * each live schedule of the contract takes its share of the amended value, prospectively (what was
 * recognized stays; later periods recognize toward the new allocation). A versioned write per
 * schedule: a recognition run that moved one meanwhile makes it VERSION_CONFLICT.
 */
import type { RevenueSchedule } from './types.ts';

export interface RevenueRevision {
  readonly schedule: RevenueSchedule;
  readonly allocatedE4: number;
  /** COMPLETED when the new allocation is what is recognized, IN_PROGRESS when something was, else PLANNED. */
  readonly status: string;
}

export interface RevenueRevisionWrites {
  /** Answers the revised schedules in the order given. */
  reviseRevenueAllocation(revisions: readonly RevenueRevision[]): Promise<RevenueSchedule[]>;
}
