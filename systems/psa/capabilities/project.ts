/**
 * Project capabilities (docs/state-machines.md#project, docs/capabilities.md#opportunity-to-project): a PLANNED project from a CRM contract (with the
 * contract's PSA billing line and the project's milestones), then its activation once the
 * contract is ACTIVE.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkTotal, moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../resolvers.ts';
import type { ContractLineRow, ProjectRow, PsaTables } from '../tables.ts';
import { projectMachine, type ProjectStatus } from '../machines.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readContract, readContractStatus, readRateCard, type ContractFacts, type ContractStatusFacts, type RateCardFacts } from './peerFacts.ts';
import { serializeOn } from '../../kernel/capability/engine.ts';
import { contractLineOf, projectFor, reload, visibleProject, type PsaTrx } from './records.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<PsaTables, PsaContext, Input, { project: ProjectRow }, Facts>;

/** The contract states a project may be created from: approved (mobilization before signature), signed or active. */
const CONTRACT_STATES_FOR_PROJECT: readonly string[] = ['APPROVED', 'SIGNED', 'ACTIVE'];
/** Billing methods billed through milestones: the line amount is the contract value. */
const MILESTONE_BILLED: readonly string[] = ['FIXED_FEE', 'MILESTONE'];

interface MilestoneInput {
  readonly name: string;
  readonly targetDate: string;
  readonly amount: string;
  readonly requiresCustomerSignOff?: boolean | null;
}

interface CreateProjectInput {
  readonly contractId: string;
  readonly name: string;
  readonly code?: string | null;
  readonly projectManagerId?: string | null;
  readonly startDate?: string | null;
  readonly endDate?: string | null;
  readonly rateCardId?: string | null;
  readonly milestones?: readonly MilestoneInput[] | null;
}

export const createProjectFromContract: Handler<CreateProjectInput, { contract: ContractFacts | null; rateCard: RateCardFacts | null }> = {
  async prepare({ input, ctx }) {
    const contract = await readContract(ctx, input.contractId);
    const rateCard = contract && input.rateCardId ? await readRateCard(ctx, input.rateCardId) : null;
    return { contract, rateCard };
  },
  async effect({ input, facts, trx, emit, ctx }) {
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', input.contractId, 'contractId');
    // Two projects created at once for one contract must not both create its line, nor both pass the milestone sum.
    await serializeOn(ctx.db, trx, `psa.contract:${contract.id}`);
    if (!CONTRACT_STATES_FOR_PROJECT.includes(contract.status)) {
      throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} is ${contract.status}: a project delivers an APPROVED, SIGNED or ACTIVE contract.`, 'contractId');
    }
    const name = input.name.trim();
    if (name === '') throw rejected('PRECONDITION_FAILED', 'A project needs a name.', 'name');
    const startDate = input.startDate ?? contract.startDate;
    const endDate = input.endDate ?? contract.endDate;
    if (startDate < contract.startDate) throw rejected('PRECONDITION_FAILED', `The project starts before its contract (${contract.startDate}).`, 'startDate');
    if (endDate > contract.endDate) throw rejected('PRECONDITION_FAILED', `The project ends after its contract (${contract.endDate}).`, 'endDate');
    if (endDate < startDate) throw rejected('PRECONDITION_FAILED', 'The project ends before it starts.', 'endDate');
    const id = newId('prj');
    const code = await projectCode(trx, input.code, contract, id);
    if (input.projectManagerId) await projectManager(trx, input.projectManagerId);

    const existingLine = await contractLineOf(trx, contract.id);
    const line = existingLine ?? (await newLine(trx, contract, input.rateCardId ?? null, facts.rateCard));
    if (existingLine && input.rateCardId && input.rateCardId !== existingLine.rate_card_id) {
      throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} already bills with rate card ${existingLine.rate_card_id ?? '(none)'}.`, 'rateCardId');
    }
    const milestones = await plannedMilestones(trx, input.milestones ?? [], contract, line, { id, startDate, endDate });
    const milestoneTotal = milestones.reduce((sum, milestone) => sum + milestone.amount_e4, 0);

    await trx
      .insertInto('projects')
      .values({
        id, code, name, status: 'PLANNED', type: 'CUSTOMER_BILLABLE', billing_method: contract.billingMethod,
        account_id: contract.accountId, contract_id: contract.id, legal_entity_id: contract.legalEntityId,
        start_date: startDate, end_date: endDate, currency: contract.currency, project_manager_id: input.projectManagerId ?? null,
        budget_hours_e2: null, planned_revenue_e4: MILESTONE_BILLED.includes(contract.billingMethod) ? milestoneTotal : null,
        aggregate_version: 1,
      })
      .execute();
    if (milestones.length > 0) await trx.insertInto('milestones').values(milestones).execute();
    const project = await reload.project(trx, id);
    emit(aggregateEvent('ProjectCreated', 'Project', project, project.legal_entity_id, {
      projectId: id, code, status: project.status, contractId: contract.id, customerId: contract.accountId, billingMethod: contract.billingMethod,
      contractLineId: line.id, contractLineCreated: existingLine === null, milestoneIds: milestones.map((milestone) => milestone.id),
      milestoneTotal: money(milestoneTotal, contract.currency),
    }));
    return { project };
  },
};

/** The given code (trimmed, unused), or `<LE code>-<8 hex of the id>`. */
async function projectCode(trx: PsaTrx, given: string | null | undefined, contract: ContractFacts, id: string): Promise<string> {
  const code = given?.trim() || `${contract.legalEntityId.replace(/^le_/, '')}-${id.slice(4, 12).toUpperCase()}`;
  const taken = await trx.selectFrom('projects').select('id').where('code', '=', code).executeTakeFirst();
  if (taken) throw rejected('PRECONDITION_FAILED', `The project code ${code} is already used.`, 'code');
  return code;
}

async function projectManager(trx: PsaTrx, id: string): Promise<void> {
  const resource = await trx.selectFrom('resources').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
  if (!resource) throw notFoundRejection('Resource', id, 'projectManagerId');
  if (resource.status !== 'ACTIVE') throw rejected('PRECONDITION_FAILED', `Resource ${id} is ${resource.status}: a project manager must be active.`, 'projectManagerId');
}

/**
 * The contract's PSA billing line, created with the project: a time-and-materials line is capped
 * at the contract value (not-to-exceed) and bills at a rate card; any other line amounts to it.
 */
async function newLine(trx: PsaTrx, contract: ContractFacts, rateCardId: string | null, card: RateCardFacts | null): Promise<ContractLineRow> {
  const timeAndMaterials = contract.billingMethod === 'TIME_AND_MATERIALS';
  if (timeAndMaterials && !rateCardId) {
    throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} bills time and materials: name the rate card its line bills at.`, 'rateCardId');
  }
  if (rateCardId) {
    if (!card) throw notFoundRejection('RateCard', rateCardId, 'rateCardId');
    if (card.legalEntityId !== contract.legalEntityId) {
      throw rejected('LEGAL_ENTITY_MISMATCH', `Rate card ${card.id} belongs to ${card.legalEntityId}, the contract to ${contract.legalEntityId}.`, 'rateCardId');
    }
    if (card.currency !== contract.currency) {
      throw rejected('CURRENCY_MISMATCH', `Rate card ${card.id} is in ${card.currency}, the contract in ${contract.currency}.`, 'rateCardId');
    }
    if (card.customerId !== null && card.customerId !== contract.accountId) {
      throw rejected('PRECONDITION_FAILED', `Rate card ${card.id} was negotiated with another customer.`, 'rateCardId');
    }
  }
  const line: ContractLineRow = {
    id: newId('cl'),
    contract_id: contract.id,
    billing_method: contract.billingMethod,
    amount_e4: timeAndMaterials ? null : contract.totalContractValueE4,
    nte_e4: timeAndMaterials ? contract.totalContractValueE4 : null,
    currency: contract.currency,
    rate_card_id: rateCardId,
  };
  await trx.insertInto('contract_lines').values(line).execute();
  return line;
}

/**
 * The project's milestone rows. Fixed-fee and milestone contracts bill through milestones: the
 * milestones of all the contract's projects sum exactly to the line amount. Other contracts bill
 * time or a fee, and take none (they would bill the same work twice).
 */
async function plannedMilestones(
  trx: PsaTrx,
  inputs: readonly MilestoneInput[],
  contract: ContractFacts,
  line: ContractLineRow,
  project: { id: string; startDate: string; endDate: string },
) {
  if (!MILESTONE_BILLED.includes(contract.billingMethod)) {
    if (inputs.length > 0) throw rejected('PRECONDITION_FAILED', `A ${contract.billingMethod} contract bills no milestones.`, 'milestones');
    return [];
  }
  const rows = inputs.map((milestone, index) => {
    const field = `milestones.${index}`;
    const name = milestone.name.trim();
    if (name === '') throw rejected('PRECONDITION_FAILED', 'A milestone needs a name.', `${field}.name`);
    const amount = moneyInput(milestone.amount, contract.currency, `${field}.amount`);
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A milestone amount must be positive.', `${field}.amount`);
    if (milestone.targetDate < project.startDate || milestone.targetDate > project.endDate) {
      throw rejected('PRECONDITION_FAILED', `The target date ${milestone.targetDate} is outside the project (${project.startDate} to ${project.endDate}).`, `${field}.targetDate`);
    }
    return {
      // Milestone ids sort in the order they were given.
      id: `ms_${project.id.slice(4)}_${String(index).padStart(3, '0')}`,
      project_id: project.id, name, target_date: milestone.targetDate, actual_date: null, amount_e4: amount, currency: contract.currency,
      status: 'PLANNED', requires_sign_off: milestone.requiresCustomerSignOff ? 1 : 0, approved_for_billing: 0, billing_status: 'UNAPPROVED',
      aggregate_version: 1,
    };
  });
  const given = checkTotal(rows.reduce((sum, row) => sum + row.amount_e4, 0), contract.currency, 'milestones');
  const planned = await trx
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('milestones.amount_e4'), eb.lit(0)).as('total'))
    .where('projects.contract_id', '=', contract.id)
    .executeTakeFirstOrThrow();
  const open = (line.amount_e4 ?? 0) - Number(planned.total);
  if (given !== open) {
    throw rejected(
      'MILESTONES_DO_NOT_SUM',
      `The milestones sum to ${money(given, contract.currency).amount} ${contract.currency}; the contract line leaves ${money(open, contract.currency).amount} to plan.`,
      'milestones',
    );
  }
  return rows;
}

interface ActivateInput {
  readonly projectId: string;
  readonly expectedVersion: number;
}

export const activateProject: Handler<ActivateInput, { contract: ContractStatusFacts | null }> = {
  async prepare({ input, ctx }) {
    const project = await visibleProject(ctx.reads, ctx.scope, input.projectId);
    const billable = project?.type === 'CUSTOMER_BILLABLE' && project.contract_id !== null;
    return { contract: billable ? await readContractStatus(ctx, project.contract_id!) : null };
  },
  async effect({ input, facts, trx, emit, ctx }) {
    const row = await projectFor(trx, ctx.scope, input.projectId);
    checkVersion('Project', row.aggregate_version, input.expectedVersion, { required: true });
    const from = row.status as ProjectStatus;
    const warning = guardTransition('Project', projectMachine, from, 'ACTIVE', 'activateProject');
    if (warning) return { project: row, warnings: [warning] };
    const billable = row.type === 'CUSTOMER_BILLABLE';
    if (from === 'DRAFT' && billable) {
      throw rejected('INVALID_STATE_TRANSITION', `Project is DRAFT: a customer project is planned before activateProject moves it to ACTIVE.`);
    }
    if (billable) {
      const contract = facts.contract;
      if (!contract || contract.id !== row.contract_id) {
        throw rejected('CONTRACT_NOT_ACTIVE', `Project ${row.id} has no contract that could be active.`, 'projectId');
      }
      if (contract.status !== 'ACTIVE') throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${contract.id} is ${contract.status}, not ACTIVE.`, 'projectId');
      if (contract.legalEntityId !== row.legal_entity_id) {
        throw rejected('LEGAL_ENTITY_MISMATCH', `The project belongs to ${row.legal_entity_id}, its contract to ${contract.legalEntityId}.`, 'projectId');
      }
    }
    await updateAggregate(trx, 'projects', 'Project', row, { status: 'ACTIVE' });
    const project = await reload.project(trx, row.id);
    emit(aggregateEvent('ProjectActivated', 'Project', project, project.legal_entity_id, {
      projectId: project.id, code: project.code, from, status: project.status, contractId: project.contract_id,
    }));
    return { project };
  },
};
