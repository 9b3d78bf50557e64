/**
 * Write-off of an unbilled source (docs/capabilities.md#billing-controls, docs/state-machines.md#write-off):
 * one person requests it with a reason (a code of WRITE_OFF_REASONS and an explanation), another
 * approves it (segregation of duties, docs/invariants.md#inv-8) or rejects it. The approval moves
 * the source READY_TO_BILL → WRITTEN_OFF; its value stays in conservation's "written off" term
 * (docs/invariants.md#inv-11). A source drafted, held or written off between the request and the
 * approval is refused at approval (INVALID_STATE_TRANSITION): release the hold or discard the draft first.
 */
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import { sourceWriteOffMachine } from '../machines.ts';
import { WRITE_OFF_REASONS, type SourceWriteOff, type WriteOffReason } from '../ports/billingControls.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { BillableSourceType, Project } from '../ports/types.ts';
import { projectFor } from './records.ts';

type Handler<Input> = CapabilityHandler<PsaPorts, PsaContext, Input, { sourceWriteOff: SourceWriteOff }>;

interface RequestInput {
  readonly sourceType: BillableSourceType;
  readonly sourceId: string;
  readonly reasonCode: WriteOffReason;
  readonly reasonText: string;
}

export const requestSourceWriteOff: Handler<RequestInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const [source] = await ports.read.billableSourcesByRefs([{ sourceType: input.sourceType, sourceId: input.sourceId }]);
    if (!source) throw notFoundRejection(input.sourceType, input.sourceId, 'sourceId');
    const project = await projectFor(ports.read, source.projectId, 'sourceId');
    if (!WRITE_OFF_REASONS.includes(input.reasonCode))
      throw rejected('PRECONDITION_FAILED', `${String(input.reasonCode)} is not a write-off reason.`, 'reasonCode');
    const reasonText = input.reasonText.trim();
    if (reasonText === '') throw rejected('PRECONDITION_FAILED', 'Explain the write-off: its approver decides on it.', 'reasonText');
    if (source.billingStatus !== 'READY_TO_BILL') {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `${input.sourceType} ${input.sourceId} is ${source.billingStatus}: only a source READY_TO_BILL is written off.`,
        'sourceId',
      );
    }
    const pending = (await ports.read.sourceWriteOffsByProjectIds([project.id])).find(
      (w) => w.status === 'REQUESTED' && w.sourceType === input.sourceType && w.sourceId === input.sourceId,
    );
    if (pending)
      throw rejected('PRECONDITION_FAILED', `Write-off ${pending.id} of this source already waits for its approval.`, 'sourceId');
    const sourceWriteOff = await ports.write.requestSourceWriteOff({
      id: newId('wo'),
      projectId: project.id,
      sourceType: input.sourceType,
      sourceId: input.sourceId,
      amountE4: source.amountE4,
      currency: source.currency,
      reasonCode: input.reasonCode,
      reasonText,
      status: 'REQUESTED',
      requestedBy: principal.sub,
      requestedAt: now.toISOString(),
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      aggregateVersion: 1,
    });
    emit(event('SourceWriteOffRequested', sourceWriteOff, project, { requestedBy: principal.sub }));
    return { sourceWriteOff };
  },
};

interface DecisionInput {
  readonly writeOffId: string;
  readonly expectedVersion: number;
}

async function writeOffFor(read: PsaReadPort, id: string): Promise<{ writeOff: SourceWriteOff; project: Project }> {
  const [writeOff] = await read.sourceWriteOffsByIds([id]);
  if (!writeOff) throw notFoundRejection('SourceWriteOff', id, 'writeOffId');
  return { writeOff, project: await projectFor(read, writeOff.projectId, 'writeOffId') };
}

export const approveSourceWriteOff: Handler<DecisionInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const { writeOff, project } = await writeOffFor(ports.read, input.writeOffId);
    checkVersion('SourceWriteOff', writeOff.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('SourceWriteOff', sourceWriteOffMachine, writeOff.status, 'APPROVED', 'approveSourceWriteOff');
    if (warning) return { sourceWriteOff: writeOff, warnings: [warning] };
    if (!isIndependentApprover(principal.sub, writeOff.requestedBy))
      throw rejected('SEGREGATION_OF_DUTIES', 'You requested this write-off: another person must approve it.', 'writeOffId');
    const [source] = await ports.read.billableSourcesByRefs([writeOff]);
    if (source?.billingStatus !== 'READY_TO_BILL') {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `${writeOff.sourceType} ${writeOff.sourceId} is ${source?.billingStatus ?? 'gone'}: only a source READY_TO_BILL is written off.`,
        'writeOffId',
      );
    }
    const sourceWriteOff = await ports.write.decideSourceWriteOff(writeOff, {
      status: 'APPROVED',
      decidedBy: principal.sub,
      decidedAt: now.toISOString(),
      note: null,
    });
    emit(event('SourceWrittenOff', sourceWriteOff, project, { requestedBy: writeOff.requestedBy, approvedBy: principal.sub }));
    return { sourceWriteOff };
  },
};

export const rejectSourceWriteOff: Handler<DecisionInput & { readonly reason: string }> = {
  async effect({ input, ports, emit, principal, now }) {
    const { writeOff, project } = await writeOffFor(ports.read, input.writeOffId);
    checkVersion('SourceWriteOff', writeOff.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('SourceWriteOff', sourceWriteOffMachine, writeOff.status, 'REJECTED', 'rejectSourceWriteOff');
    if (warning) return { sourceWriteOff: writeOff, warnings: [warning] };
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the write-off is rejected.', 'reason');
    const sourceWriteOff = await ports.write.decideSourceWriteOff(writeOff, {
      status: 'REJECTED',
      decidedBy: principal.sub,
      decidedAt: now.toISOString(),
      note: reason,
    });
    emit(event('SourceWriteOffRejected', sourceWriteOff, project, { rejectedBy: principal.sub, reason }));
    return { sourceWriteOff };
  },
};

function event(type: string, writeOff: SourceWriteOff, project: Project, extra: Record<string, unknown>) {
  return aggregateEvent(type, 'SourceWriteOff', writeOff, project.legalEntityId, {
    writeOffId: writeOff.id,
    projectId: project.id,
    sourceType: writeOff.sourceType,
    sourceId: writeOff.sourceId,
    amount: money(writeOff.amountE4, writeOff.currency),
    reasonCode: writeOff.reasonCode,
    reasonText: writeOff.reasonText,
    status: writeOff.status,
    ...extra,
  });
}
