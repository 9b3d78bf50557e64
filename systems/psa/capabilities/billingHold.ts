/**
 * Billing hold and release, and discarding a draft (docs/capabilities.md#billing-controls,
 * docs/state-machines.md#billing-hold): a hold keeps a source, or every source of a project, out of
 * billing drafts (READY_TO_BILL → ON_HOLD) until it is released; a draft left GENERATED or
 * IN_REVIEW is discarded and its claims released (ON_DRAFT → READY_TO_BILL, or ON_HOLD under a
 * project hold). Value never changes: held value stays in conservation's "on hold" term
 * (docs/invariants.md#inv-11).
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import { billingDraftMachine, billingHoldMachine, type BillingDraftStatus } from '../machines.ts';
import type { BillingHold } from '../ports/billingControls.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { BillableSourceType, BillingDraft } from '../ports/types.ts';
import { billingDraftFor, projectFor } from './records.ts';

type Handler<Input, Result extends Record<string, unknown>> = CapabilityHandler<PsaPorts, PsaContext, Input, Result>;

/** Project states whose billing can no longer be held: nothing of theirs is billed again. */
const FINISHED: readonly string[] = ['CLOSED', 'CANCELLED'];

/** The active hold on the whole project, if any (generateBillingDraft refuses such a project: BILLING_ON_HOLD). */
export async function projectHoldOf(read: PsaReadPort, projectId: string): Promise<BillingHold | null> {
  return (await read.billingHoldsByProjectIds([projectId], true)).find((hold) => hold.sourceId === null) ?? null;
}

interface PlaceInput {
  readonly projectId: string;
  readonly sourceType?: BillableSourceType | null;
  readonly sourceId?: string | null;
  readonly reason: string;
}

export const placeBillingHold: Handler<PlaceInput, { billingHold: BillingHold | null }> = {
  async effect({ input, ports, emit, principal, now }) {
    const project = await projectFor(ports.read, input.projectId);
    if (((input.sourceType ?? null) === null) !== ((input.sourceId ?? null) === null))
      throw rejected(
        'PRECONDITION_FAILED',
        'Name both the source type and the source id, or neither (a hold on the whole project).',
        'sourceId',
      );
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why billing is held.', 'reason');
    if (FINISHED.includes(project.status))
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: nothing of it is billed any more.`, 'projectId');
    const active = await ports.read.billingHoldsByProjectIds([project.id], true);
    const projectHold = active.find((hold) => hold.sourceId === null) ?? null;
    const source = input.sourceType && input.sourceId ? { sourceType: input.sourceType, sourceId: input.sourceId } : null;

    if (source) {
      const [facts] = await ports.read.billableSourcesByRefs([source]);
      if (!facts || facts.projectId !== project.id) throw notFoundRejection(source.sourceType, source.sourceId, 'sourceId');
      const covering = active.find((hold) => hold.sourceId === source.sourceId && hold.sourceType === source.sourceType) ?? projectHold;
      if (facts.billingStatus === 'ON_HOLD' && covering)
        return {
          billingHold: covering,
          warnings: [
            { code: 'ALREADY_IN_STATE', message: `${source.sourceType} ${source.sourceId} already is ON_HOLD (hold ${covering.id}).` },
          ],
        };
      if (facts.billingStatus !== 'READY_TO_BILL')
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `${source.sourceType} ${source.sourceId} is ${facts.billingStatus}: only a source READY_TO_BILL is held.`,
          'sourceId',
        );
    } else if (projectHold) {
      return {
        billingHold: projectHold,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Project ${project.id} already is on billing hold (${projectHold.id}).` }],
      };
    }

    const hold: BillingHold = {
      id: newId('bh'),
      projectId: project.id,
      sourceType: source?.sourceType ?? null,
      sourceId: source?.sourceId ?? null,
      status: 'ACTIVE',
      reason,
      heldBy: principal.sub,
      heldAt: now.toISOString(),
      releasedBy: null,
      releasedAt: null,
      aggregateVersion: 1,
    };
    const { billingHold, heldSources } = await ports.write.placeBillingHold(hold, async () => {
      // Under the project's billing lock: a concurrent hold of the same scope placed meanwhile loses.
      const now = await ports.read.billingHoldsByProjectIds([project.id], true);
      const twin = now.find((other) => other.sourceType === hold.sourceType && other.sourceId === hold.sourceId);
      if (twin)
        throw rejected(
          'VERSION_CONFLICT',
          `Billing hold ${twin.id} was placed meanwhile on the same ${source ? 'source' : 'project'}.`,
          'projectId',
        );
    });
    emit(
      aggregateEvent('BillingHoldPlaced', 'BillingHold', billingHold, project.legalEntityId, {
        billingHoldId: billingHold.id,
        projectId: project.id,
        sourceType: billingHold.sourceType,
        sourceId: billingHold.sourceId,
        reason,
        heldBy: principal.sub,
        heldSources,
      }),
    );
    return { billingHold };
  },
};

interface ReleaseInput {
  readonly billingHoldId: string;
  readonly expectedVersion: number;
}

export const releaseBillingHold: Handler<ReleaseInput, { billingHold: BillingHold }> = {
  async effect({ input, ports, emit, principal, now }) {
    const [row] = await ports.read.billingHoldsByIds([input.billingHoldId]);
    if (!row) throw notFoundRejection('BillingHold', input.billingHoldId, 'billingHoldId');
    const project = await projectFor(ports.read, row.projectId, 'billingHoldId');
    checkVersion('BillingHold', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('BillingHold', billingHoldMachine, row.status, 'RELEASED', 'releaseBillingHold');
    if (warning) return { billingHold: row, warnings: [warning] };
    const { billingHold, releasedSources } = await ports.write.releaseBillingHold(row, {
      releasedBy: principal.sub,
      releasedAt: now.toISOString(),
    });
    emit(
      aggregateEvent('BillingHoldReleased', 'BillingHold', billingHold, project.legalEntityId, {
        billingHoldId: row.id,
        projectId: project.id,
        sourceType: row.sourceType,
        sourceId: row.sourceId,
        releasedBy: principal.sub,
        releasedSources,
      }),
    );
    return { billingHold };
  },
};

interface DiscardInput {
  readonly billingDraftId: string;
  readonly expectedVersion: number;
  readonly reason: string;
}

/** GENERATED or IN_REVIEW → DISCARDED; once RELEASED or INVOICED a draft is corrected in the ERP (credit memo), never discarded. */
export const discardBillingDraft: Handler<DiscardInput, { billingDraft: BillingDraft }> = {
  async effect({ input, ports, emit, principal, now }) {
    const row = await billingDraftFor(ports.read, input.billingDraftId);
    const project = await projectFor(ports.read, row.projectId, 'billingDraftId');
    checkVersion('BillingDraft', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition(
      'BillingDraft',
      billingDraftMachine,
      row.status as BillingDraftStatus,
      'DISCARDED',
      'discardBillingDraft',
    );
    if (warning) return { billingDraft: row, warnings: [warning] };
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the draft is discarded.', 'reason');
    const { billingDraft, releasedSources } = await ports.write.discardBillingDraft(row, now.toISOString());
    emit(
      aggregateEvent('BillingDraftDiscarded', 'BillingDraft', billingDraft, row.legalEntityId, {
        billingDraftId: row.id,
        projectId: project.id,
        reason,
        discardedBy: principal.sub,
        summaryAmount: money(row.summaryE4, row.currency),
        releasedSources,
      }),
    );
    return { billingDraft };
  },
};
