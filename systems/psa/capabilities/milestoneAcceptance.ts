/**
 * The customer's decision on a milestone that requires sign-off (docs/state-machines.md#milestone,
 * docs/capabilities.md#acceptmilestone): accepted (who on the customer side, on what date, under
 * what reference), it is approved for billing; refused (with the reason), it goes back to work and
 * is completed again. Recorded by a caller with `psa:approve`, internal or a partner (customer)
 * token, which sees only the milestones of its own customers' projects.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import { milestoneMachine, type MilestoneStatus } from '../machines.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { Milestone, Project } from '../ports/types.ts';
import { dateOf } from './dates.ts';
import { milestoneFor } from './records.ts';

type Handler<Input> = CapabilityHandler<PsaPorts, PsaContext, Input, { milestone: Milestone }>;

/** Project states in which a delivered milestone's acceptance is recorded: not after the project ended. */
const DECIDING_PROJECTS: readonly string[] = ['ACTIVE', 'ON_HOLD', 'CLOSING'];

interface DecisionInput {
  readonly milestoneId: string;
  readonly expectedVersion: number;
}

/** The milestone at the expected version, checked for the transition; null warning when it proceeds. */
async function decision(ports: PsaPorts, input: DecisionInput, to: MilestoneStatus, capability: string) {
  const { record: row, project } = await milestoneFor(ports.read, input.milestoneId);
  checkVersion('Milestone', row.aggregateVersion, input.expectedVersion, { required: true });
  const warning = guardTransition('Milestone', milestoneMachine, row.status as MilestoneStatus, to, capability);
  return { row, project, warning };
}

function checkDeciding(row: Milestone, project: Project): void {
  if (!row.requiresCustomerSignOff) {
    throw rejected(
      'PRECONDITION_FAILED',
      `Milestone ${row.id} needs no customer sign-off: it was approved for billing when completed.`,
      'milestoneId',
    );
  }
  if (!DECIDING_PROJECTS.includes(project.status)) {
    throw rejected(
      'PRECONDITION_FAILED',
      `Project ${project.id} is ${project.status}: a milestone's acceptance is recorded on an ACTIVE, ON_HOLD or CLOSING project.`,
      'milestoneId',
    );
  }
}

function required(value: string, field: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw rejected('PRECONDITION_FAILED', `${what} is blank.`, field);
  return trimmed;
}

interface AcceptInput extends DecisionInput {
  readonly acceptedBy: string;
  readonly acceptedOn: string;
  readonly acceptanceReference: string;
}

export const acceptMilestone: Handler<AcceptInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const { row, project, warning } = await decision(ports, input, 'ACCEPTED', 'acceptMilestone');
    if (warning) return { milestone: row, warnings: [warning] };
    checkDeciding(row, project);
    const acceptedBy = required(input.acceptedBy, 'acceptedBy', "The customer's signatory");
    const reference = required(input.acceptanceReference, 'acceptanceReference', 'The acceptance reference');
    if (input.acceptedOn > dateOf(now))
      throw rejected('PRECONDITION_FAILED', `The acceptance date ${input.acceptedOn} is in the future.`, 'acceptedOn');
    if (row.actualDate !== null && input.acceptedOn < row.actualDate) {
      throw rejected(
        'PRECONDITION_FAILED',
        `The acceptance date ${input.acceptedOn} is before the milestone was delivered (${row.actualDate}).`,
        'acceptedOn',
      );
    }
    const milestone = await ports.write.acceptMilestone(row, {
      acceptedBy,
      acceptedOn: input.acceptedOn,
      reference,
      recordedBy: principal.sub,
      // UNAPPROVED → READY_TO_BILL; a milestone already billed (delivered again after a refusal) keeps its billing state.
      approveForBilling: row.billingStatus === 'UNAPPROVED',
    });
    emit(
      aggregateEvent('MilestoneAccepted', 'Milestone', milestone, project.legalEntityId, {
        milestoneId: row.id,
        projectId: project.id,
        acceptedBy,
        acceptedOn: input.acceptedOn,
        acceptanceReference: reference,
        recordedBy: principal.sub,
        amount: money(row.amountE4, row.currency),
        approvedForBilling: milestone.approvedForBilling,
        billingStatus: milestone.billingStatus,
      }),
    );
    return { milestone };
  },
};

interface RejectInput extends DecisionInput {
  readonly reason: string;
}

export const rejectMilestoneAcceptance: Handler<RejectInput> = {
  async effect({ input, ports, emit, principal }) {
    const { row, project, warning } = await decision(ports, input, 'REJECTED', 'rejectMilestoneAcceptance');
    if (warning) return { milestone: row, warnings: [warning] };
    checkDeciding(row, project);
    const reason = required(input.reason, 'reason', 'The reason');
    const milestone = await ports.write.rejectMilestoneAcceptance(row, { reason, recordedBy: principal.sub });
    emit(
      aggregateEvent('MilestoneAcceptanceRejected', 'Milestone', milestone, project.legalEntityId, {
        milestoneId: row.id,
        projectId: project.id,
        reason,
        recordedBy: principal.sub,
        billingStatus: milestone.billingStatus,
      }),
    );
    return { milestone };
  },
};
