/**
 * Milestone delivery (docs/model.md#milestone, docs/capabilities.md#time-to-billing): a milestone of an active project is
 * completed on its actual date. Without a required customer sign-off it is approved for billing
 * at once (READY_TO_BILL); with one it waits for the customer's acceptance.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../resolvers.ts';
import type { MilestoneRow, PsaTables } from '../tables.ts';
import { milestoneMachine, type MilestoneStatus } from '../machines.ts';
import { dateOf } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { milestoneFor, reload } from './records.ts';

interface CompleteInput {
  readonly milestoneId: string;
  readonly expectedVersion: number;
  readonly actualDate: string;
}

export const completeMilestone: CapabilityHandler<PsaTables, PsaContext, CompleteInput, { milestone: MilestoneRow }> = {
  async effect({ input, trx, emit, ctx, now }) {
    const { row, project } = await milestoneFor(trx, ctx.scope, input.milestoneId);
    checkVersion('Milestone', row.aggregate_version, input.expectedVersion, { required: true });
    const warning = guardTransition('Milestone', milestoneMachine, row.status as MilestoneStatus, 'COMPLETE', 'completeMilestone');
    if (warning) return { milestone: row, warnings: [warning] };
    if (project.status !== 'ACTIVE') {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: milestones are completed on an ACTIVE project.`, 'milestoneId');
    }
    if (input.actualDate > dateOf(now)) throw rejected('PRECONDITION_FAILED', `The actual date ${input.actualDate} is in the future.`, 'actualDate');
    if (input.actualDate < project.start_date) {
      throw rejected('PRECONDITION_FAILED', `The actual date ${input.actualDate} is before the project started (${project.start_date}).`, 'actualDate');
    }
    const approved = row.requires_sign_off === 0;
    await updateAggregate(trx, 'milestones', 'Milestone', row, {
      status: 'COMPLETE',
      actual_date: input.actualDate,
      // UNAPPROVED → READY_TO_BILL; a milestone already billed keeps its billing state.
      ...(approved && row.billing_status === 'UNAPPROVED' ? { approved_for_billing: 1, billing_status: 'READY_TO_BILL' } : {}),
    });
    const milestone = await reload.milestone(trx, row.id);
    emit(aggregateEvent('MilestoneCompleted', 'Milestone', milestone, project.legal_entity_id, {
      milestoneId: row.id, projectId: project.id, actualDate: input.actualDate, amount: money(row.amount_e4, row.currency),
      requiresCustomerSignOff: !approved, approvedForBilling: milestone.approved_for_billing === 1, billingStatus: milestone.billing_status,
    }));
    return { milestone };
  },
};
