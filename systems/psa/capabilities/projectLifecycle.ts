/**
 * A project's lifecycle after activation (docs/state-machines.md#project,
 * docs/capabilities.md#project-lifecycle): put on hold with a reason and resumed; closing (billing
 * goes on) and closed once nothing is left to approve or bill (docs/invariants.md#inv-22);
 * cancelled before any work was recorded, its open staffing withdrawn.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import { projectMachine, type ProjectStatus } from '../machines.ts';
import type { ProjectWork } from '../ports/lifecyclePorts.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { Project } from '../ports/types.ts';
import { readContractStatus, type ContractStatusFacts } from './peerFacts.ts';
import { openWork, recordedWork, valueIn } from './projectWork.ts';
import { projectFor, visibleProject } from './records.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<PsaPorts, PsaContext, Input, { project: Project }, Facts>;

interface TransitionInput {
  readonly projectId: string;
  readonly expectedVersion: number;
}

interface ReasonInput extends TransitionInput {
  readonly reason: string;
}

/** The project at the expected version, and the ALREADY_IN_STATE warning or null (INVALID_STATE_TRANSITION thrown). */
async function transition(ports: PsaPorts, input: TransitionInput, to: ProjectStatus, capability: string) {
  const row = await projectFor(ports.read, input.projectId);
  checkVersion('Project', row.aggregateVersion, input.expectedVersion, { required: true });
  const from = row.status as ProjectStatus;
  return { row, from, warning: guardTransition('Project', projectMachine, from, to, capability) };
}

function reasonOf(input: ReasonInput, what: string): string {
  const reason = input.reason.trim();
  if (reason === '') throw rejected('PRECONDITION_FAILED', `Say why the project is ${what}.`, 'reason');
  return reason;
}

const lifecycleEvent = (type: string, project: Project, from: string, extra: Record<string, unknown> = {}) =>
  aggregateEvent(type, 'Project', project, project.legalEntityId, {
    projectId: project.id,
    code: project.code,
    from,
    status: project.status,
    ...extra,
  });

/** ACTIVE → ON_HOLD with the reason: no time is recorded and nothing is billed until it is resumed (or closing). */
export const holdProject: Handler<ReasonInput> = {
  async effect({ input, ports, emit }) {
    const { row, from, warning } = await transition(ports, input, 'ON_HOLD', 'holdProject');
    if (warning) return { project: row, warnings: [warning] };
    const reason = reasonOf(input, 'put on hold');
    const project = await ports.write.moveProject(row, { status: 'ON_HOLD', statusReason: reason });
    emit(lifecycleEvent('ProjectPutOnHold', project, from, { reason }));
    return { project };
  },
};

/** The contract of a customer project, for the checks of resuming it. */
async function contractFacts(ctx: PsaContext, projectId: string): Promise<{ contract: ContractStatusFacts | null }> {
  const project = await visibleProject(ctx.read, projectId);
  const billable = project?.type === 'CUSTOMER_BILLABLE' && project.contractId !== null;
  return { contract: billable ? await readContractStatus(ctx, project.contractId!) : null };
}

/** ON_HOLD or CLOSING → ACTIVE; a customer project needs its contract ACTIVE. Its held work bills again. */
export const resumeProject: Handler<TransitionInput, { contract: ContractStatusFacts | null }> = {
  prepare: ({ input, ctx }) => contractFacts(ctx, input.projectId),
  async effect({ input, facts, ports, emit }) {
    const { row, from, warning } = await transition(ports, input, 'ACTIVE', 'resumeProject');
    if (warning) return { project: row, warnings: [warning] };
    if (from !== 'ON_HOLD' && from !== 'CLOSING') {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `Project is ${from}: resumeProject resumes an ON_HOLD or CLOSING project (activateProject starts one).`,
      );
    }
    if (row.type === 'CUSTOMER_BILLABLE') {
      const contract = facts.contract;
      if (!contract || contract.id !== row.contractId)
        throw rejected('CONTRACT_NOT_ACTIVE', `Project ${row.id} has no contract that could be active.`, 'projectId');
      if (contract.status !== 'ACTIVE')
        throw rejected(
          'CONTRACT_NOT_ACTIVE',
          `Contract ${contract.id} is ${contract.status}, not ACTIVE: the project stays ${from}.`,
          'projectId',
        );
    }
    const project = await ports.write.moveProject(row, { status: 'ACTIVE', statusReason: null });
    emit(lifecycleEvent('ProjectResumed', project, from, { previousReason: row.statusReason ?? null, contractId: row.contractId }));
    return { project };
  },
};

/**
 * ACTIVE or ON_HOLD → CLOSING: delivery is over, billing goes on; the event lists what is left before
 * closeProject. CLOSED → CLOSING reopens a closed project for billing (a source a correction reopened).
 */
export const beginProjectClosing: Handler<TransitionInput> = {
  async effect({ input, ports, emit }) {
    const { row, from, warning } = await transition(ports, input, 'CLOSING', 'beginProjectClosing');
    if (warning) return { project: row, warnings: [warning] };
    const project = await ports.write.moveProject(row, { status: 'CLOSING', statusReason: null });
    const remaining = openWork(await ports.read.projectWork(row.id), row.currency);
    emit(lifecycleEvent('ProjectClosingBegun', project, from, { openWork: remaining }));
    return { project };
  },
};

/** ACTIVE, ON_HOLD or CLOSING → CLOSED, refused with PROJECT_HAS_OPEN_WORK while anything is left to approve or bill. */
export const closeProject: Handler<TransitionInput> = {
  async effect({ input, ports, emit }) {
    const { row, from, warning } = await transition(ports, input, 'CLOSED', 'closeProject');
    if (warning) return { project: row, warnings: [warning] };
    let work: ProjectWork | null = null;
    // The check runs once the project is held against concurrent work (docs/invariants.md#inv-22).
    const project = await ports.write.moveProject(row, { status: 'CLOSED', statusReason: null }, async () => {
      work = await ports.read.projectWork(row.id);
      const reasons = openWork(work, row.currency);
      if (reasons.length > 0) {
        throw rejected(
          'PROJECT_HAS_OPEN_WORK',
          `Project ${row.id} cannot close: ${reasons.join('; ')}. Approve and bill it (or write it off), then close.`,
          'projectId',
        );
      }
    });
    const closed = work as ProjectWork | null;
    emit(
      lifecycleEvent('ProjectClosed', project, from, {
        billedValue: money(closed ? valueIn(closed, 'BILLED') : 0, row.currency),
        writtenOffValue: money(closed ? valueIn(closed, 'WRITTEN_OFF') : 0, row.currency),
      }),
    );
    return { project };
  },
};

/**
 * DRAFT, PLANNED, ACTIVE or ON_HOLD → CANCELLED with the reason, refused with PROJECT_HAS_RECORDED_WORK
 * once any work was recorded (that project is closed instead); its open requests are cancelled,
 * its unstarted assignments cancelled and its active ones completed, freeing the people.
 */
export const cancelProject: Handler<ReasonInput> = {
  async effect({ input, ports, emit }) {
    const { row, from, warning } = await transition(ports, input, 'CANCELLED', 'cancelProject');
    if (warning) return { project: row, warnings: [warning] };
    const reason = reasonOf(input, 'cancelled');
    const cancellation = await ports.write.cancelProject(row, reason, async () => {
      const recorded = recordedWork(await ports.read.projectWork(row.id));
      if (recorded.length > 0) {
        throw rejected(
          'PROJECT_HAS_RECORDED_WORK',
          `Project ${row.id} has recorded work (${recorded.join(', ')}): close it once its work is billed instead of cancelling it.`,
          'projectId',
        );
      }
    });
    const { project } = cancellation;
    emit(
      lifecycleEvent('ProjectCancelled', project, from, {
        reason,
        contractId: project.contractId,
        cancelledResourceRequests: cancellation.cancelledRequests,
        cancelledAssignments: cancellation.cancelledAssignments,
        completedAssignments: cancellation.completedAssignments,
      }),
    );
    return { project };
  },
};
