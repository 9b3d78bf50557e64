/**
 * Staffing capabilities (docs/state-machines.md#assignment, docs/capabilities.md#staffing): a project asks for a role over some dates
 * (a resource request), and a confirmed assignment fills it: a hard booking at the bill rate the
 * contract's rate card gives the role, within the resource's capacity, across legal entities only
 * where the ERP allows intercompany work.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { hoursInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { formatHours, money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { Assignment, Project, Resource, ResourceRequest } from '../ports/types.ts';
import { resourceRequestMachine, type ResourceRequestStatus } from '../machines.ts';
import { DAY_LIMIT_E2, firstOverbookedDay } from './capacity.ts';
import { weekdaysBetween } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readIntercompanyEnabled, readRateCard, type RateCardFacts } from './peerFacts.ts';
import { contractLineOf, projectFor, resourceFor, resourceRequestFor, visibleProject } from './records.ts';

/** Project states that take staffing requests, and those in which a request may be filled. */
const REQUESTABLE: readonly string[] = ['DRAFT', 'PLANNED', 'ACTIVE'];
const STAFFABLE: readonly string[] = ['PLANNED', 'ACTIVE'];

interface CreateRequestInput {
  readonly projectId: string;
  readonly roleId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly hours: string;
}

export const createResourceRequest: CapabilityHandler<PsaPorts, PsaContext, CreateRequestInput, { resourceRequest: ResourceRequest }> = {
  async effect({ input, ports, emit }) {
    const project = await projectFor(ports.read, input.projectId);
    if (!REQUESTABLE.includes(project.status)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Project ${project.id} is ${project.status}: only a DRAFT, PLANNED or ACTIVE project takes staffing requests.`,
        'projectId',
      );
    }
    const [role] = await ports.read.rolesByIds([input.roleId]);
    if (!role) throw notFoundRejection('Role', input.roleId, 'roleId');
    if (input.startDate < project.startDate)
      throw rejected('PRECONDITION_FAILED', `The request starts before the project (${project.startDate}).`, 'startDate');
    if (input.endDate > project.endDate)
      throw rejected('PRECONDITION_FAILED', `The request ends after the project (${project.endDate}).`, 'endDate');
    if (input.endDate < input.startDate) throw rejected('PRECONDITION_FAILED', 'The request ends before it starts.', 'endDate');
    if (weekdaysBetween(input.startDate, input.endDate).length === 0) {
      throw rejected('PRECONDITION_FAILED', 'The request spans no weekday: there is no day to work.', 'endDate');
    }
    const hours = hoursInput(input.hours, 'hours');
    if (hours <= 0) throw rejected('PRECONDITION_FAILED', 'A request asks for a positive number of hours.', 'hours');
    const id = newId('rr');
    const resourceRequest = await ports.write.createResourceRequest({
      id,
      projectId: project.id,
      roleId: role.id,
      startDate: input.startDate,
      endDate: input.endDate,
      hoursE2: hours,
      status: 'OPEN',
      assignmentId: null,
      aggregateVersion: 1,
    });
    emit(
      aggregateEvent('ResourceRequestCreated', 'ResourceRequest', resourceRequest, project.legalEntityId, {
        resourceRequestId: id,
        projectId: project.id,
        roleId: role.id,
        startDate: input.startDate,
        endDate: input.endDate,
        hours: formatHours(hours),
        status: resourceRequest.status,
      }),
    );
    // What resource managers act on (docs/capabilities.md#createresourcerequest): an open need for a role, to fill.
    emit(
      aggregateEvent('StaffingNeeded', 'ResourceRequest', resourceRequest, project.legalEntityId, {
        resourceRequestId: id,
        projectId: project.id,
        projectCode: project.code,
        roleId: role.id,
        roleName: role.name,
        practice: role.practice,
        startDate: input.startDate,
        endDate: input.endDate,
        hours: formatHours(hours),
      }),
    );
    return { resourceRequest };
  },
};

interface ConfirmInput {
  readonly resourceRequestId: string;
  readonly resourceId: string;
  readonly expectedVersion: number;
  readonly allowOverbook?: boolean | null;
}

/** What the ERP says about the booking: the rate card in force at the request's start, and intercompany. */
interface ConfirmFacts {
  readonly rateCard: RateCardFacts | null;
  readonly intercompanyEnabled: boolean | null;
}

type ConfirmResult = { assignment: Assignment | null; resourceRequest: ResourceRequest };

export const confirmAssignment: CapabilityHandler<PsaPorts, PsaContext, ConfirmInput, ConfirmResult, ConfirmFacts> = {
  async prepare({ input, ctx }) {
    // Only what to ask the ERP: the effect re-reads every record and refuses what is missing.
    const [request] = await ctx.read.resourceRequestsByIds([input.resourceRequestId]);
    const project = request ? await visibleProject(ctx.read, request.projectId) : null;
    if (!request || !project) return { rateCard: null, intercompanyEnabled: null };
    const [resource] = await ctx.read.resourcesByIds([input.resourceId]);
    const line = await contractLineOf(ctx.read, project.contractId);
    const crossEntity = resource !== undefined && resource.homeLegalEntityId !== project.legalEntityId;
    return {
      rateCard: line?.rateCardId ? await readRateCard(ctx, line.rateCardId, request.startDate) : null,
      intercompanyEnabled: crossEntity ? await readIntercompanyEnabled(ctx, project.legalEntityId) : null,
    };
  },
  async effect({ input, facts, ports, emit }) {
    const { record: request, project } = await resourceRequestFor(ports.read, input.resourceRequestId);
    checkVersion('ResourceRequest', request.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition(
      'ResourceRequest',
      resourceRequestMachine,
      request.status as ResourceRequestStatus,
      'FILLED',
      'confirmAssignment',
    );
    if (warning) {
      const assignment = request.assignmentId ? ((await ports.read.assignmentsByIds([request.assignmentId]))[0] ?? null) : null;
      return { assignment, resourceRequest: request, warnings: [warning] };
    }
    if (!STAFFABLE.includes(project.status)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Project ${project.id} is ${project.status}: only a PLANNED or ACTIVE project is staffed.`,
        'resourceRequestId',
      );
    }
    const resource = await resourceFor(ports.read, input.resourceId);
    if (resource.status !== 'ACTIVE' || !resource.isBookable) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Resource ${resource.id} is ${resource.status}${resource.isBookable ? '' : ' and not bookable'}: it cannot be booked.`,
        'resourceId',
      );
    }
    if (resource.homeLegalEntityId !== project.legalEntityId && facts.intercompanyEnabled !== true) {
      throw rejected(
        'INTERCOMPANY_NOT_ENABLED',
        `Resource ${resource.id} works for ${resource.homeLegalEntityId}; ${project.legalEntityId} does not take intercompany work.`,
        'resourceId',
      );
    }
    const billRate = await billRateOf(ports.read, project, request, facts.rateCard);
    const id = newId('asg');
    const billable = project.type === 'CUSTOMER_BILLABLE';
    const booking: Assignment = {
      id,
      projectId: project.id,
      resourceId: resource.id,
      roleId: request.roleId,
      status: 'CONFIRMED',
      startDate: request.startDate,
      endDate: request.endDate,
      scheduledHoursE2: request.hoursE2,
      billRateE4: billable ? billRate : null,
      costRateE4: resource.costRateE4,
      currency: project.currency,
      costCurrency: resource.costCurrency === project.currency ? null : resource.costCurrency,
      isBillable: billable,
      aggregateVersion: 1,
    };
    const { assignment, resourceRequest } = await ports.write.confirmAssignment({ request, assignment: booking }, async () => {
      if (!input.allowOverbook) await checkCapacity(ports.read, resource, request);
    });
    emit(
      aggregateEvent('AssignmentConfirmed', 'Assignment', assignment, project.legalEntityId, {
        assignmentId: id,
        resourceRequestId: request.id,
        projectId: project.id,
        resourceId: resource.id,
        roleId: request.roleId,
        startDate: assignment.startDate,
        endDate: assignment.endDate,
        scheduledHours: formatHours(assignment.scheduledHoursE2),
        billRate: assignment.billRateE4 === null ? null : money(assignment.billRateE4, assignment.currency),
        isBillable: billable,
        intercompany: resource.homeLegalEntityId !== project.legalEntityId,
        overbookAllowed: input.allowOverbook === true,
      }),
    );
    return { assignment, resourceRequest };
  },
};

/**
 * The bill rate of the request's role on the contract line's rate card, in force at the request's
 * start. A time-and-materials project cannot be staffed without one; a project billed through
 * milestones or a fee books at the card's rate when its line has a card (the value of its time),
 * and without a rate otherwise. Internal projects bill nothing.
 */
async function billRateOf(
  read: PsaReadPort,
  project: Project,
  request: ResourceRequest,
  card: RateCardFacts | null,
): Promise<number | null> {
  if (project.type !== 'CUSTOMER_BILLABLE') return null;
  const line = await contractLineOf(read, project.contractId);
  if (!line?.rateCardId) {
    if (project.billingMethod !== 'TIME_AND_MATERIALS') return null;
    throw rejected(
      'RATE_CARD_NOT_EFFECTIVE',
      `The contract of project ${project.id} names no rate card to bill time at.`,
      'resourceRequestId',
    );
  }
  if (!card || card.id !== line.rateCardId) {
    throw rejected('RATE_CARD_NOT_EFFECTIVE', `Rate card ${line.rateCardId} was not found.`, 'resourceRequestId');
  }
  if (card.currency !== project.currency) {
    throw rejected(
      'CURRENCY_MISMATCH',
      `Rate card ${card.id} is in ${card.currency}, project ${project.id} in ${project.currency}.`,
      'resourceRequestId',
    );
  }
  const inForce = card.lines.find(
    (rate) =>
      rate.roleId === request.roleId &&
      rate.effectiveFrom <= request.startDate &&
      (rate.effectiveTo === null || request.startDate <= rate.effectiveTo),
  );
  if (!inForce) {
    throw rejected(
      'RATE_CARD_NOT_EFFECTIVE',
      `Rate card ${card.id} has no rate for role ${request.roleId} in force on ${request.startDate}.`,
      'resourceRequestId',
    );
  }
  return inForce.billRateE4;
}

/** The resource's hard bookings on every project (the caller's scope aside: each takes its hours) plus this one fit its capacity. */
async function checkCapacity(read: PsaReadPort, resource: Resource, request: ResourceRequest): Promise<void> {
  const others = await read.hardBookings(resource.id, request.startDate, request.endDate);
  const overbooked = firstOverbookedDay({ startDate: request.startDate, endDate: request.endDate, hoursE2: request.hoursE2 }, others);
  if (overbooked) {
    throw rejected(
      'OVERBOOKED',
      `Resource ${resource.id} would be booked ${formatHours(overbooked.bookedE2)} hours on ${overbooked.date} ` +
        `(at most ${formatHours(DAY_LIMIT_E2)}). Set allowOverbook to book anyway.`,
      'resourceId',
    );
  }
}
