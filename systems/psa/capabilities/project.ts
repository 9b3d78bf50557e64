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
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { ContractLine, Milestone, Project } from '../ports/types.ts';
import { projectMachine, type ProjectStatus } from '../machines.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readContract, readContractStatus, readRateCard, type ContractFacts, type ContractStatusFacts, type RateCardFacts } from './peerFacts.ts';
import { contractLineOf, projectFor, visibleProject } from './records.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<PsaPorts, PsaContext, Input, { project: Project }, Facts>;

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
  async effect({ input, facts, ports, emit }) {
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', input.contractId, 'contractId');
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
    let existingLineId: string | null = null;
    // The contract's line and milestone total are read and checked with no other project being created on it.
    const { project, milestones, newLine: createdLine } = await ports.write.createProject(contract.id, async () => {
      const code = await projectCode(ports.read, input.code, contract, id);
      if (input.projectManagerId) await projectManager(ports.read, input.projectManagerId);
      const existingLine = await contractLineOf(ports.read, contract.id);
      const line = existingLine ?? newLine(contract, input.rateCardId ?? null, facts.rateCard);
      if (existingLine && input.rateCardId && input.rateCardId !== existingLine.rateCardId) {
        throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} already bills with rate card ${existingLine.rateCardId ?? '(none)'}.`, 'rateCardId');
      }
      const planned = await plannedMilestones(ports.read, input.milestones ?? [], contract, line, { id, startDate, endDate });
      const total = planned.reduce((sum, milestone) => sum + milestone.amountE4, 0);
      existingLineId = existingLine?.id ?? null;
      return {
        newLine: existingLine ? null : line,
        milestones: planned,
        project: {
          id, code, name, status: 'PLANNED', type: 'CUSTOMER_BILLABLE', billingMethod: contract.billingMethod,
          accountId: contract.accountId, contractId: contract.id, legalEntityId: contract.legalEntityId,
          startDate, endDate, currency: contract.currency, projectManagerId: input.projectManagerId ?? null,
          budgetHoursE2: null, plannedRevenueE4: MILESTONE_BILLED.includes(contract.billingMethod) ? total : null,
          aggregateVersion: 1,
        },
      };
    });
    const milestoneTotal = milestones.reduce((sum, milestone) => sum + milestone.amountE4, 0);
    emit(aggregateEvent('ProjectCreated', 'Project', project, project.legalEntityId, {
      projectId: project.id, code: project.code, status: project.status, contractId: contract.id, customerId: contract.accountId,
      billingMethod: contract.billingMethod, contractLineId: createdLine?.id ?? existingLineId, contractLineCreated: createdLine !== null,
      milestoneIds: milestones.map((milestone) => milestone.id), milestoneTotal: money(milestoneTotal, contract.currency),
    }));
    return { project };
  },
};

/** The given code (trimmed, unused), or `<LE code>-<8 hex of the id>`. */
async function projectCode(read: PsaReadPort, given: string | null | undefined, contract: ContractFacts, id: string): Promise<string> {
  const code = given?.trim() || `${contract.legalEntityId.replace(/^le_/, '')}-${id.slice(4, 12).toUpperCase()}`;
  if (await read.projectCodeTaken(code)) throw rejected('PRECONDITION_FAILED', `The project code ${code} is already used.`, 'code');
  return code;
}

async function projectManager(read: PsaReadPort, id: string): Promise<void> {
  const [resource] = await read.resourcesByIds([id]);
  if (!resource) throw notFoundRejection('Resource', id, 'projectManagerId');
  if (resource.status !== 'ACTIVE') throw rejected('PRECONDITION_FAILED', `Resource ${id} is ${resource.status}: a project manager must be active.`, 'projectManagerId');
}

/**
 * The contract's PSA billing line, created with the project: a time-and-materials line is capped
 * at the contract value (not-to-exceed) and bills at a rate card; any other line amounts to it.
 */
function newLine(contract: ContractFacts, rateCardId: string | null, card: RateCardFacts | null): ContractLine {
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
  return {
    id: newId('cl'),
    contractId: contract.id,
    billingMethod: contract.billingMethod,
    amountE4: timeAndMaterials ? null : contract.totalContractValueE4,
    notToExceedE4: timeAndMaterials ? contract.totalContractValueE4 : null,
    currency: contract.currency,
    rateCardId,
  };
}

/**
 * The project's milestone rows. Fixed-fee and milestone contracts bill through milestones: the
 * milestones of all the contract's projects sum exactly to the line amount. Other contracts bill
 * time or a fee, and take none (they would bill the same work twice).
 */
async function plannedMilestones(
  read: PsaReadPort,
  inputs: readonly MilestoneInput[],
  contract: ContractFacts,
  line: ContractLine,
  project: { id: string; startDate: string; endDate: string },
): Promise<Milestone[]> {
  if (!MILESTONE_BILLED.includes(contract.billingMethod)) {
    if (inputs.length > 0) throw rejected('PRECONDITION_FAILED', `A ${contract.billingMethod} contract bills no milestones.`, 'milestones');
    return [];
  }
  const milestones = inputs.map((milestone, index): Milestone => {
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
      projectId: project.id, name, targetDate: milestone.targetDate, actualDate: null, amountE4: amount, currency: contract.currency,
      status: 'PLANNED', requiresCustomerSignOff: milestone.requiresCustomerSignOff === true, approvedForBilling: false, billingStatus: 'UNAPPROVED',
      aggregateVersion: 1,
    };
  });
  const given = checkTotal(milestones.reduce((sum, milestone) => sum + milestone.amountE4, 0), contract.currency, 'milestones');
  const open = (line.amountE4 ?? 0) - (await read.plannedOnContract(contract.id));
  if (given !== open) {
    throw rejected(
      'MILESTONES_DO_NOT_SUM',
      `The milestones sum to ${money(given, contract.currency).amount} ${contract.currency}; the contract line leaves ${money(open, contract.currency).amount} to plan.`,
      'milestones',
    );
  }
  return milestones;
}

interface ActivateInput {
  readonly projectId: string;
  readonly expectedVersion: number;
}

export const activateProject: Handler<ActivateInput, { contract: ContractStatusFacts | null }> = {
  async prepare({ input, ctx }) {
    const project = await visibleProject(ctx.read, input.projectId);
    const billable = project?.type === 'CUSTOMER_BILLABLE' && project.contractId !== null;
    return { contract: billable ? await readContractStatus(ctx, project.contractId!) : null };
  },
  async effect({ input, facts, ports, emit }) {
    const row = await projectFor(ports.read, input.projectId);
    checkVersion('Project', row.aggregateVersion, input.expectedVersion, { required: true });
    const from = row.status as ProjectStatus;
    const warning = guardTransition('Project', projectMachine, from, 'ACTIVE', 'activateProject');
    if (warning) return { project: row, warnings: [warning] };
    const billable = row.type === 'CUSTOMER_BILLABLE';
    if (from === 'DRAFT' && billable) {
      throw rejected('INVALID_STATE_TRANSITION', `Project is DRAFT: a customer project is planned before activateProject moves it to ACTIVE.`);
    }
    if (billable) {
      const contract = facts.contract;
      if (!contract || contract.id !== row.contractId) {
        throw rejected('CONTRACT_NOT_ACTIVE', `Project ${row.id} has no contract that could be active.`, 'projectId');
      }
      if (contract.status !== 'ACTIVE') throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${contract.id} is ${contract.status}, not ACTIVE.`, 'projectId');
      if (contract.legalEntityId !== row.legalEntityId) {
        throw rejected('LEGAL_ENTITY_MISMATCH', `The project belongs to ${row.legalEntityId}, its contract to ${contract.legalEntityId}.`, 'projectId');
      }
    }
    const project = await ports.write.activateProject(row);
    emit(aggregateEvent('ProjectActivated', 'Project', project, project.legalEntityId, {
      projectId: project.id, code: project.code, from, status: project.status, contractId: project.contractId,
    }));
    return { project };
  },
};
