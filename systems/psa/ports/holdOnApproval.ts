/**
 * Sources approved while their project is on billing hold are held as they arrive
 * (docs/state-machines.md#billing-hold): every write-port operation that makes sources ready to bill
 * (a timecard's approval, a milestone's completion or acceptance, an expense's approval) is followed, in the same
 * capability call, by `holdNewlyReadySources`, which holds them when an ACTIVE project hold covers
 * the project (on SQL under the project's billing lock, so a hold placed concurrently cannot miss
 * them). Applied to the write port of every adapter, so no capability can forget it.
 */
import type { PsaWritePort } from './writePort.ts';

export function holdingNewlyReadySources(write: PsaWritePort): PsaWritePort {
  return {
    ...write,
    async approveTimecard(timecard, approval) {
      const approved = await write.approveTimecard(timecard, approval);
      await write.holdNewlyReadySources(timecard.projectId);
      return approved;
    },
    async completeMilestone(milestone, completion) {
      const completed = await write.completeMilestone(milestone, completion);
      const held = await write.holdNewlyReadySources(milestone.projectId);
      return held > 0 && completed.billingStatus === 'READY_TO_BILL' ? { ...completed, billingStatus: 'ON_HOLD' } : completed;
    },
    // A customer's acceptance makes a milestone READY_TO_BILL too (docs/capabilities.md#billing-controls).
    async acceptMilestone(milestone, acceptance) {
      const accepted = await write.acceptMilestone(milestone, acceptance);
      const held = await write.holdNewlyReadySources(milestone.projectId);
      return held > 0 && accepted.billingStatus === 'READY_TO_BILL' ? { ...accepted, billingStatus: 'ON_HOLD' } : accepted;
    },
    async approveExpense(expense, approval) {
      const approved = await write.approveExpense(expense, approval);
      const held = await write.holdNewlyReadySources(expense.projectId);
      return held > 0 && approved.billingStatus === 'READY_TO_BILL' ? { ...approved, billingStatus: 'ON_HOLD' } : approved;
    },
  };
}
