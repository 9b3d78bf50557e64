/**
 * Project capabilities (docs/state-machines.md#project, docs/capabilities.md#opportunity-to-project): a PLANNED
 * project from a CRM contract (with the
 * contract's PSA billing line and the project's milestones), then its activation once the
 * contract is ACTIVE.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { Project } from '../ports/types.ts';
import { projectMachine, type ProjectStatus } from '../machines.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import {
  readContract,
  readContractStatus,
  readRateCard,
  type ContractFacts,
  type ContractStatusFacts,
  type RateCardFacts,
} from './peerFacts.ts';
import { projectFor, visibleProject } from './records.ts';
import { plannedLines, timeRateCardId, type ContractLineInput } from './contractLines.ts';
import { MILESTONE_BILLED, newLine, plannedMilestones, type MilestoneInput } from './contractPlan.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<PsaPorts, PsaContext, Input, { project: Project }, Facts>;

/** The contract states a project may be created from: approved (mobilization before signature), signed or active. */
const CONTRACT_STATES_FOR_PROJECT: readonly string[] = ['APPROVED', 'SIGNED', 'ACTIVE'];

interface CreateProjectInput {
  readonly contractId: string;
  readonly name: string;
  readonly code?: string | null;
  readonly projectManagerId?: string | null;
  readonly startDate?: string | null;
  readonly endDate?: string | null;
  readonly rateCardId?: string | null;
  readonly milestones?: readonly MilestoneInput[] | null;
  readonly lines?: readonly ContractLineInput[] | null;
}

export const createProjectFromContract: Handler<CreateProjectInput, { contract: ContractFacts | null; rateCard: RateCardFacts | null }> = {
  async prepare({ input, ctx }) {
    const contract = await readContract(ctx, input.contractId);
    const rateCardId = timeRateCardId(input.lines, input.rateCardId);
    const rateCard = contract && rateCardId ? await readRateCard(ctx, rateCardId) : null;
    return { contract, rateCard };
  },
  async effect({ input, facts, ports, emit }) {
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', input.contractId, 'contractId');
    if (!CONTRACT_STATES_FOR_PROJECT.includes(contract.status)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Contract ${contract.id} is ${contract.status}: a project delivers an APPROVED, SIGNED or ACTIVE contract.`,
        'contractId',
      );
    }
    const name = input.name.trim();
    if (name === '') throw rejected('PRECONDITION_FAILED', 'A project needs a name.', 'name');
    const startDate = input.startDate ?? contract.startDate;
    const endDate = input.endDate ?? contract.endDate;
    if (startDate < contract.startDate)
      throw rejected('PRECONDITION_FAILED', `The project starts before its contract (${contract.startDate}).`, 'startDate');
    if (endDate > contract.endDate)
      throw rejected('PRECONDITION_FAILED', `The project ends after its contract (${contract.endDate}).`, 'endDate');
    if (endDate < startDate) throw rejected('PRECONDITION_FAILED', 'The project ends before it starts.', 'endDate');
    const id = newId('prj');
    let lineIds: string[] = [];
    // The contract's line and milestone total are read and checked with no other project being created on it.
    const {
      project,
      milestones,
      newLines: createdLines,
    } = await ports.write.createProject(contract.id, async () => {
      const code = await projectCode(ports.read, input.code, contract, id);
      if (input.projectManagerId) await projectManager(ports.read, input.projectManagerId);
      // The contract's lines (docs/model.md#contractline): the first project creates them, later ones bill on them.
      const existing = await ports.read.contractLinesByContractIds([contract.id]);
      if (existing.length > 0 && input.lines?.length) {
        throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} already has its lines: amend the contract to change them.`, 'lines');
      }
      const lines =
        existing.length > 0
          ? existing
          : input.lines?.length
            ? plannedLines(contract, input.lines, facts.rateCard)
            : [newLine(contract, input.rateCardId ?? null, facts.rateCard)];
      const timeLine = lines.find((line) => line.billingMethod === 'TIME_AND_MATERIALS') ?? existing[0];
      if (existing.length > 0 && input.rateCardId && input.rateCardId !== timeLine?.rateCardId) {
        throw rejected(
          'PRECONDITION_FAILED',
          `Contract ${contract.id} already bills with rate card ${timeLine?.rateCardId ?? '(none)'}.`,
          'rateCardId',
        );
      }
      const planned = await plannedMilestones(ports.read, input.milestones ?? [], contract, lines, { id, startDate, endDate });
      const total = planned.reduce((sum, milestone) => sum + milestone.amountE4, 0);
      lineIds = lines.map((line) => line.id);
      const milestoneBilled = lines.some((line) => MILESTONE_BILLED.includes(line.billingMethod));
      return {
        newLines: existing.length > 0 ? [] : lines,
        milestones: planned,
        project: {
          id,
          code,
          name,
          status: 'PLANNED',
          type: 'CUSTOMER_BILLABLE',
          billingMethod: contract.billingMethod,
          accountId: contract.accountId,
          contractId: contract.id,
          legalEntityId: contract.legalEntityId,
          startDate,
          endDate,
          currency: contract.currency,
          projectManagerId: input.projectManagerId ?? null,
          budgetHoursE2: null,
          plannedRevenueE4: milestoneBilled ? total : null,
          aggregateVersion: 1,
        },
      };
    });
    const milestoneTotal = milestones.reduce((sum, milestone) => sum + milestone.amountE4, 0);
    emit(
      aggregateEvent('ProjectCreated', 'Project', project, project.legalEntityId, {
        projectId: project.id,
        code: project.code,
        status: project.status,
        contractId: contract.id,
        customerId: contract.accountId,
        billingMethod: contract.billingMethod,
        contractLineId: lineIds[0] ?? null,
        contractLineIds: lineIds,
        contractLineCreated: createdLines.length > 0,
        milestoneIds: milestones.map((milestone) => milestone.id),
        milestoneTotal: money(milestoneTotal, contract.currency),
      }),
    );
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
  if (resource.status !== 'ACTIVE')
    throw rejected('PRECONDITION_FAILED', `Resource ${id} is ${resource.status}: a project manager must be active.`, 'projectManagerId');
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
    // The machine's ON_HOLD and CLOSING → ACTIVE is a resumption (docs/capabilities.md#resumeproject).
    if (from !== 'DRAFT' && from !== 'PLANNED') {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `Project is ${from}: activateProject starts a DRAFT or PLANNED project (resumeProject resumes one).`,
      );
    }
    const billable = row.type === 'CUSTOMER_BILLABLE';
    if (from === 'DRAFT' && billable) {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `Project is DRAFT: a customer project is planned before activateProject moves it to ACTIVE.`,
      );
    }
    if (billable) {
      const contract = facts.contract;
      if (!contract || contract.id !== row.contractId) {
        throw rejected('CONTRACT_NOT_ACTIVE', `Project ${row.id} has no contract that could be active.`, 'projectId');
      }
      if (contract.status !== 'ACTIVE')
        throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${contract.id} is ${contract.status}, not ACTIVE.`, 'projectId');
      if (contract.legalEntityId !== row.legalEntityId) {
        throw rejected(
          'LEGAL_ENTITY_MISMATCH',
          `The project belongs to ${row.legalEntityId}, its contract to ${contract.legalEntityId}.`,
          'projectId',
        );
      }
    }
    const project = await ports.write.activateProject(row);
    emit(
      aggregateEvent('ProjectActivated', 'Project', project, project.legalEntityId, {
        projectId: project.id,
        code: project.code,
        from,
        status: project.status,
        contractId: project.contractId,
      }),
    );
    return { project };
  },
};
