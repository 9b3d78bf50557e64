/**
 * Milestone delivery (docs/model.md#milestone, docs/capabilities.md#time-to-billing): a milestone of an active project is
 * completed on its actual date. Without a required customer sign-off it is approved for billing
 * at once (READY_TO_BILL); with one it waits for the customer's acceptance.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { Milestone } from '../ports/types.ts';
import { milestoneMachine, type MilestoneStatus } from '../machines.ts';
import { dateOf } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { milestoneFor } from './records.ts';

interface CompleteInput {
  readonly milestoneId: string;
  readonly expectedVersion: number;
  readonly actualDate: string;
}

export const completeMilestone: CapabilityHandler<PsaPorts, PsaContext, CompleteInput, { milestone: Milestone }> = {
  async effect({ input, ports, emit, now }) {
    const { record: row, project } = await milestoneFor(ports.read, input.milestoneId);
    checkVersion('Milestone', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('Milestone', milestoneMachine, row.status as MilestoneStatus, 'COMPLETE', 'completeMilestone');
    if (warning) return { milestone: row, warnings: [warning] };
    if (project.status !== 'ACTIVE') {
      throw rejected(
        'PRECONDITION_FAILED',
        `Project ${project.id} is ${project.status}: milestones are completed on an ACTIVE project.`,
        'milestoneId',
      );
    }
    if (input.actualDate > dateOf(now))
      throw rejected('PRECONDITION_FAILED', `The actual date ${input.actualDate} is in the future.`, 'actualDate');
    if (input.actualDate < project.startDate) {
      throw rejected(
        'PRECONDITION_FAILED',
        `The actual date ${input.actualDate} is before the project started (${project.startDate}).`,
        'actualDate',
      );
    }
    const approved = !row.requiresCustomerSignOff;
    const milestone = await ports.write.completeMilestone(row, {
      actualDate: input.actualDate,
      // UNAPPROVED → READY_TO_BILL; a milestone already billed keeps its billing state.
      approveForBilling: approved && row.billingStatus === 'UNAPPROVED',
    });
    emit(
      aggregateEvent('MilestoneCompleted', 'Milestone', milestone, project.legalEntityId, {
        milestoneId: row.id,
        projectId: project.id,
        actualDate: input.actualDate,
        amount: money(row.amountE4, row.currency),
        requiresCustomerSignOff: !approved,
        approvedForBilling: milestone.approvedForBilling,
        billingStatus: milestone.billingStatus,
      }),
    );
    return { milestone };
  },
};
