/**
 * approveTimecard (docs/capabilities.md#approvetimecard): someone other than the submitter and the
 * resource approves a SUBMITTED week. Each entry's bill rate is the rate of the project's rate card
 * for the entry's role in force on the entry's work date (docs/invariants.md#time-controls), read
 * from the ERP before the transaction and frozen now; its cost rate is the resource's cost rate now
 * (the PSA keeps no cost history). Later rate changes never reprice approved time.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { extend, formatHours, money } from '../../kernel/decimal.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PricedEntry } from '../ports/writePort.ts';
import type { Assignment, Project, Timecard, TimeEntry } from '../ports/types.ts';
import { timecardMachine, type TimecardStatus } from '../machines.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readRateCard, type RateCardFacts } from './peerFacts.ts';
import { contractLineOf, resourceFor, timecardFor, visibleProject } from './records.ts';
import { rateInForce } from './timeRules.ts';

/** The ERP's rate card of the project's contract line (every line, whatever its dates); null when the line names none. */
interface ApproveFacts {
  readonly rateCard: RateCardFacts | null;
}

/** A decision on a submitted week: approval here, rejection (with its reason) in timecard.ts. */
export interface DecisionInput {
  readonly timecardId: string;
  readonly expectedVersion: number;
}

export const approveTimecard: CapabilityHandler<PsaPorts, PsaContext, DecisionInput, { timecard: Timecard }, ApproveFacts> = {
  async prepare({ input, ctx }) {
    // Only what to ask the ERP: the effect re-reads every record and refuses what is missing.
    const [row] = await ctx.read.timecardsByIds([input.timecardId]);
    const project = row ? await visibleProject(ctx.read, row.projectId) : null;
    const line = project ? await contractLineOf(ctx.read, project.contractId) : null;
    return { rateCard: line?.rateCardId ? await readRateCard(ctx, line.rateCardId) : null };
  },
  async effect({ input, facts, ports, emit, principal, now }) {
    const { record: row, project } = await timecardFor(ports.read, input.timecardId);
    checkVersion('Timecard', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('Timecard', timecardMachine, row.status as TimecardStatus, 'APPROVED', 'approveTimecard');
    if (warning) return { timecard: row, warnings: [warning] };
    const resource = await resourceFor(ports.read, row.resourceId, 'timecardId');
    if (!isIndependentApprover(principal.sub, row.submittedBy, [resource.id, resource.email])) {
      throw rejected(
        'SEGREGATION_OF_DUTIES',
        'You submitted this timecard, or it is your own time: another person must approve it.',
        'timecardId',
      );
    }
    // The project as it is now, held against a concurrent close until this call commits (docs/invariants.md#inv-22).
    const { status } = (await ports.write.projectForWork(project.id)) ?? project;
    if (status === 'CLOSED')
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is CLOSED: its time is no longer approved.`, 'timecardId');
    const assignment = row.assignmentId ? ((await ports.read.assignmentsByIds([row.assignmentId]))[0] ?? null) : null;
    if (!assignment) throw rejected('PRECONDITION_FAILED', 'The timecard has no assignment to take its rates from.', 'timecardId');
    const rateOf = await rateResolver(ports, project, row, facts.rateCard);

    // Only a time-and-materials project bills time; elsewhere time is delivery effort (billed by
    // milestone or fee). Only BILLABLE hours are charged: CREDITED ones are priced (their rate is
    // frozen, docs/metrics.md#hour-classes) but charge nothing, like NON_BILLABLE and EXCLUDED ones.
    const billsTime = project.billingMethod === 'TIME_AND_MATERIALS' && assignment.isBillable;
    const costCurrency = resource.costCurrency;
    const entries = await ports.read.timeEntriesByTimecardIds([row.id]);
    // An entry not yet approved becomes READY_TO_BILL or NOT_BILLABLE; one already NOT_BILLABLE
    // (non-billable time as some sources record it) stays so; none is in another state here.
    const priced = entries
      .filter((entry) => entry.billingStatus === 'UNAPPROVED' || entry.billingStatus === 'NOT_BILLABLE')
      .map((entry) => {
        const charged = billsTime && entry.hourClass === 'BILLABLE' && entry.billingStatus === 'UNAPPROVED';
        const rate = rateOf(entry, assignment, charged);
        const ready = charged && rate !== null;
        return { entry, rate, ready, amount: ready ? extend(entry.hoursE2, rate, row.currency) : 0 };
      });
    const billable = priced.reduce((sum, p) => sum + p.amount, 0);
    const readyHours = priced.reduce((sum, p) => sum + (p.ready ? p.entry.hoursE2 : 0), 0);
    const cost = entries.reduce((sum, entry) => sum + extend(entry.hoursE2, resource.costRateE4, costCurrency), 0);
    const totalHours = entries.reduce((sum, entry) => sum + entry.hoursE2, 0);
    const approver = await ports.read.resourceOfSubject(principal.sub);
    const timecard = await ports.write.approveTimecard(row, {
      approvedAt: now.toISOString(),
      approverId: approver?.id ?? null,
      decidedBy: principal.sub,
      totalHoursE2: totalHours,
      totalBillableE4: billable,
      entries: priced.map(({ entry, rate, ready, amount }): PricedEntry => ({
        id: entry.id,
        billRateE4: rate,
        billableE4: amount,
        billingStatus: ready ? 'READY_TO_BILL' : 'NOT_BILLABLE',
        costRateE4: resource.costRateE4,
        costCurrency,
      })),
    });
    emit(
      aggregateEvent('TimecardApproved', 'Timecard', timecard, project.legalEntityId, {
        timecardId: row.id,
        resourceId: row.resourceId,
        projectId: project.id,
        weekStart: row.weekStart,
        approvedBy: principal.sub,
        totalHours: formatHours(totalHours),
        readyToBillHours: formatHours(readyHours),
        approvedBillableValue: money(billable, row.currency),
        costValue: money(cost, costCurrency),
      }),
    );
    return { timecard };
  },
};

type RateOf = (entry: TimeEntry, assignment: Assignment, charged: boolean) => number | null;

/**
 * How each entry's bill rate is found. With a rate card on the project's contract line: the card's
 * rate for the entry's role in force on its date; an entry to be charged with none in force is
 * refused (RATE_CARD_NOT_EFFECTIVE), one not charged falls back to the assignment's rate (the value
 * of its time as booked). Without a rate card (an internal project, a fixed fee or milestone line
 * without one): the assignment's rate, frozen at confirmation (null on internal projects).
 */
async function rateResolver(ports: PsaPorts, project: Project, timecard: Timecard, card: RateCardFacts | null): Promise<RateOf> {
  const line = await contractLineOf(ports.read, project.contractId);
  if (!line?.rateCardId) return (_entry, assignment) => assignment.billRateE4;
  if (!card || card.id !== line.rateCardId) {
    throw rejected('RATE_CARD_NOT_EFFECTIVE', `Rate card ${line.rateCardId} was not found.`, 'timecardId');
  }
  if (card.currency !== timecard.currency) {
    throw rejected(
      'CURRENCY_MISMATCH',
      `Rate card ${card.id} is in ${card.currency}, timecard ${timecard.id} in ${timecard.currency}.`,
      'timecardId',
    );
  }
  return (entry, assignment, charged) => {
    const rate = rateInForce(card.lines, entry.roleId, entry.date);
    if (rate !== null) return rate;
    if (!charged) return assignment.billRateE4;
    throw rejected(
      'RATE_CARD_NOT_EFFECTIVE',
      `Rate card ${card.id} has no rate for role ${entry.roleId} in force on ${entry.date}.`,
      'timecardId',
    );
  };
}
