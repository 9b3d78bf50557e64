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
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { formatHours, money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../resolvers.ts';
import type { AssignmentRow, ProjectRow, PsaTables, ResourceRequestRow, ResourceRow } from '../tables.ts';
import { resourceRequestMachine, type ResourceRequestStatus } from '../machines.ts';
import { DAY_LIMIT_E2, firstOverbookedDay } from './capacity.ts';
import { weekdaysBetween } from './dates.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readIntercompanyEnabled, readRateCard, type RateCardFacts } from './peerFacts.ts';
import { serializeOn } from '../../kernel/capability/engine.ts';
import { contractLineOf, projectFor, reload, resourceFor, resourceRequestFor, visibleProject, type PsaDb, type PsaTrx } from './records.ts';

/** Project states that take staffing requests, and those in which a request may be filled. */
const REQUESTABLE: readonly string[] = ['DRAFT', 'PLANNED', 'ACTIVE'];
const STAFFABLE: readonly string[] = ['PLANNED', 'ACTIVE'];
/** Assignment states that consume capacity (hard bookings). */
const HARD_BOOKINGS: readonly string[] = ['CONFIRMED', 'ACTIVE'];

interface CreateRequestInput {
  readonly projectId: string;
  readonly roleId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly hours: string;
}

export const createResourceRequest: CapabilityHandler<PsaTables, PsaContext, CreateRequestInput, { resourceRequest: ResourceRequestRow }> = {
  async effect({ input, trx, emit, ctx }) {
    const project = await projectFor(trx, ctx.scope, input.projectId);
    if (!REQUESTABLE.includes(project.status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: only a DRAFT, PLANNED or ACTIVE project takes staffing requests.`, 'projectId');
    }
    const role = await trx.selectFrom('roles').select('id').where('id', '=', input.roleId).executeTakeFirst();
    if (!role) throw notFoundRejection('Role', input.roleId, 'roleId');
    if (input.startDate < project.start_date) throw rejected('PRECONDITION_FAILED', `The request starts before the project (${project.start_date}).`, 'startDate');
    if (input.endDate > project.end_date) throw rejected('PRECONDITION_FAILED', `The request ends after the project (${project.end_date}).`, 'endDate');
    if (input.endDate < input.startDate) throw rejected('PRECONDITION_FAILED', 'The request ends before it starts.', 'endDate');
    if (weekdaysBetween(input.startDate, input.endDate).length === 0) {
      throw rejected('PRECONDITION_FAILED', 'The request spans no weekday: there is no day to work.', 'endDate');
    }
    const hours = hoursInput(input.hours, 'hours');
    if (hours <= 0) throw rejected('PRECONDITION_FAILED', 'A request asks for a positive number of hours.', 'hours');
    const id = newId('rr');
    await trx
      .insertInto('resource_requests')
      .values({
        id, project_id: project.id, role_id: role.id, start_date: input.startDate, end_date: input.endDate, hours_e2: hours,
        status: 'OPEN', assignment_id: null, aggregate_version: 1,
      })
      .execute();
    const resourceRequest = await reload.resourceRequest(trx, id);
    emit(aggregateEvent('ResourceRequestCreated', 'ResourceRequest', resourceRequest, project.legal_entity_id, {
      resourceRequestId: id, projectId: project.id, roleId: role.id, startDate: input.startDate, endDate: input.endDate,
      hours: formatHours(hours), status: resourceRequest.status,
    }));
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

type ConfirmResult = { assignment: AssignmentRow | null; resourceRequest: ResourceRequestRow };

export const confirmAssignment: CapabilityHandler<PsaTables, PsaContext, ConfirmInput, ConfirmResult, ConfirmFacts> = {
  async prepare({ input, ctx }) {
    // Only what to ask the ERP: the effect re-reads every record and refuses what is missing.
    const request = await ctx.reads.selectFrom('resource_requests').selectAll().where('id', '=', input.resourceRequestId).executeTakeFirst();
    const project = request ? await visibleProject(ctx.reads, ctx.scope, request.project_id) : null;
    if (!request || !project) return { rateCard: null, intercompanyEnabled: null };
    const resource = await ctx.reads.selectFrom('resources').selectAll().where('id', '=', input.resourceId).executeTakeFirst();
    const line = await contractLineOf(ctx.reads, project.contract_id);
    const crossEntity = resource !== undefined && resource.home_legal_entity_id !== project.legal_entity_id;
    return {
      rateCard: line?.rate_card_id ? await readRateCard(ctx, line.rate_card_id, request.start_date) : null,
      intercompanyEnabled: crossEntity ? await readIntercompanyEnabled(ctx, project.legal_entity_id) : null,
    };
  },
  async effect({ input, facts, trx, emit, ctx }) {
    const { row: request, project } = await resourceRequestFor(trx, ctx.scope, input.resourceRequestId);
    checkVersion('ResourceRequest', request.aggregate_version, input.expectedVersion, { required: true });
    const warning = guardTransition('ResourceRequest', resourceRequestMachine, request.status as ResourceRequestStatus, 'FILLED', 'confirmAssignment');
    if (warning) {
      const assignment = request.assignment_id ? await reload.assignment(trx, request.assignment_id) : null;
      return { assignment, resourceRequest: request, warnings: [warning] };
    }
    if (!STAFFABLE.includes(project.status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: only a PLANNED or ACTIVE project is staffed.`, 'resourceRequestId');
    }
    const resource = await resourceFor(trx, input.resourceId);
    if (resource.status !== 'ACTIVE' || resource.is_bookable !== 1) {
      throw rejected('PRECONDITION_FAILED', `Resource ${resource.id} is ${resource.status}${resource.is_bookable === 1 ? '' : ' and not bookable'}: it cannot be booked.`, 'resourceId');
    }
    if (resource.home_legal_entity_id !== project.legal_entity_id && facts.intercompanyEnabled !== true) {
      throw rejected(
        'INTERCOMPANY_NOT_ENABLED',
        `Resource ${resource.id} works for ${resource.home_legal_entity_id}; ${project.legal_entity_id} does not take intercompany work.`,
        'resourceId',
      );
    }
    const billRate = await billRateOf(trx, project, request, facts.rateCard);
    // Two confirmations for one resource at once must not both fit into the same free capacity.
    await serializeOn(ctx.db, trx, `psa.resource:${resource.id}`);
    if (!input.allowOverbook) await checkCapacity(trx, resource, request);

    const id = newId('asg');
    const billable = project.type === 'CUSTOMER_BILLABLE';
    await trx
      .insertInto('assignments')
      .values({
        id, project_id: project.id, resource_id: resource.id, role_id: request.role_id, status: 'CONFIRMED',
        start_date: request.start_date, end_date: request.end_date, scheduled_hours_e2: request.hours_e2,
        bill_rate_e4: billable ? billRate : null, cost_rate_e4: resource.cost_rate_e4, currency: project.currency,
        is_billable: billable ? 1 : 0, aggregate_version: 1,
        cost_currency: resource.cost_currency === project.currency ? null : resource.cost_currency,
      })
      .execute();
    await updateAggregate(trx, 'resource_requests', 'ResourceRequest', request, { status: 'FILLED', assignment_id: id });
    const assignment = await reload.assignment(trx, id);
    emit(aggregateEvent('AssignmentConfirmed', 'Assignment', assignment, project.legal_entity_id, {
      assignmentId: id, resourceRequestId: request.id, projectId: project.id, resourceId: resource.id, roleId: request.role_id,
      startDate: assignment.start_date, endDate: assignment.end_date, scheduledHours: formatHours(assignment.scheduled_hours_e2),
      billRate: assignment.bill_rate_e4 === null ? null : money(assignment.bill_rate_e4, assignment.currency),
      isBillable: billable, intercompany: resource.home_legal_entity_id !== project.legal_entity_id, overbookAllowed: input.allowOverbook === true,
    }));
    return { assignment, resourceRequest: await reload.resourceRequest(trx, request.id) };
  },
};

/**
 * The bill rate of the request's role on the contract line's rate card, in force at the request's
 * start. A time-and-materials project cannot be staffed without one; a project billed through
 * milestones or a fee books at the card's rate when its line has a card (the value of its time),
 * and without a rate otherwise. Internal projects bill nothing.
 */
async function billRateOf(trx: PsaTrx, project: ProjectRow, request: ResourceRequestRow, card: RateCardFacts | null): Promise<number | null> {
  if (project.type !== 'CUSTOMER_BILLABLE') return null;
  const line = await contractLineOf(trx, project.contract_id);
  if (!line?.rate_card_id) {
    if (project.billing_method !== 'TIME_AND_MATERIALS') return null;
    throw rejected('RATE_CARD_NOT_EFFECTIVE', `The contract of project ${project.id} names no rate card to bill time at.`, 'resourceRequestId');
  }
  if (!card || card.id !== line.rate_card_id) {
    throw rejected('RATE_CARD_NOT_EFFECTIVE', `Rate card ${line.rate_card_id} was not found.`, 'resourceRequestId');
  }
  if (card.currency !== project.currency) {
    throw rejected('CURRENCY_MISMATCH', `Rate card ${card.id} is in ${card.currency}, project ${project.id} in ${project.currency}.`, 'resourceRequestId');
  }
  const inForce = card.lines.find(
    (rate) => rate.roleId === request.role_id && rate.effectiveFrom <= request.start_date && (rate.effectiveTo === null || request.start_date <= rate.effectiveTo),
  );
  if (!inForce) {
    throw rejected('RATE_CARD_NOT_EFFECTIVE', `Rate card ${card.id} has no rate for role ${request.role_id} in force on ${request.start_date}.`, 'resourceRequestId');
  }
  return inForce.billRateE4;
}

async function checkCapacity(db: PsaDb, resource: ResourceRow, request: ResourceRequestRow): Promise<void> {
  const others = await db
    .selectFrom('assignments')
    .select(['start_date', 'end_date', 'scheduled_hours_e2'])
    .where('resource_id', '=', resource.id)
    .where('status', 'in', HARD_BOOKINGS)
    .where('start_date', '<=', request.end_date)
    .where('end_date', '>=', request.start_date)
    .execute();
  const overbooked = firstOverbookedDay(
    { startDate: request.start_date, endDate: request.end_date, hoursE2: request.hours_e2 },
    others.map((a) => ({ startDate: a.start_date, endDate: a.end_date, hoursE2: a.scheduled_hours_e2 })),
  );
  if (overbooked) {
    throw rejected(
      'OVERBOOKED',
      `Resource ${resource.id} would be booked ${formatHours(overbooked.bookedE2)} hours on ${overbooked.date} (at most ${formatHours(DAY_LIMIT_E2)}). Set allowOverbook to book anyway.`,
      'resourceId',
    );
  }
}
