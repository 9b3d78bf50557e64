/**
 * approveContractAmendment (docs/capabilities.md#contract-amendments, docs/state-machines.md#contract-amendment):
 * finance approves a PROPOSED amendment or change order of an ACTIVE contract and puts it in force,
 * like activateContract puts the contract in force: the approver is not who proposed it (segregation
 * of duties); the PSA applies it to the contract's lines (`recordContractAmendment`: caps never below
 * what is billed or on draft, lines summing to the new value); the ERP reallocates the new value over
 * the contract's live revenue schedules with the activation's weights (Σ allocated = contract value,
 * INV-12), prospectively: what is recognized stays, a schedule is never allocated below it
 * (AMENDMENT_BELOW_BILLED), and later periods recognize toward the new allocation; then the CRM
 * takes the version (`recordContractAmendmentApproval`). Every step runs under a key derived from the
 * amendment, so a retry after a lost answer replays what already happened.
 */
import { isErrorCode } from '../../../core/errors.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { money, parseScaled } from '../../kernel/decimal.ts';
import type { RevenueRevision } from '../ports/revenueRevisionWrites.ts';
import type { RevenueSchedule } from '../ports/types.ts';
import type { ErpContext } from '../context.ts';
import { allocate } from './allocation.ts';
import { psaDelivery, type PsaDelivery } from './peerFacts.ts';
import type { ErpCapability } from './records.ts';

interface Input {
  readonly contractId: string;
  readonly amendmentId: string;
  readonly expectedVersion: number;
}

interface LineChange {
  readonly lineId: string | null;
  readonly billingMethod: string | null;
  readonly amount: string | null;
  readonly notToExceed: string | null;
  readonly markupPercent: string | null;
  readonly rateCardId: string | null;
}

interface AmendedContract {
  readonly id: string;
  readonly status: string;
  readonly aggregateVersion: number;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly amendment: {
    readonly id: string;
    readonly kind: string;
    readonly status: string;
    readonly toVersion: number;
    readonly requestedBy: string;
    readonly newValueE4: number;
    readonly lineChanges: readonly LineChange[];
  } | null;
}

interface Facts {
  readonly contract: AmendedContract | null;
  readonly delivery: PsaDelivery | null;
}

type Result = { contract: { id: string }; revenueSchedules: RevenueSchedule[]; warnings?: CapabilityRejection[] };

const CRM_AMENDMENT = `query ErpReadsAmendment($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Contract {
      id status aggregateVersion legalEntity { id } totalContractValue { currency }
      amendments { id kind status toVersion requestedBy newValue { amount } lineChanges { lineId billingMethod amount notToExceed markupPercent rateCardId } }
    }
  }
}`;

const RECORD_LINES = `mutation ErpAmendsLines($input: RecordContractAmendmentInput!) {
  recordContractAmendment(input: $input) { lines { id } userErrors { code message field } }
}`;

const RECORD_APPROVAL = `mutation ErpApprovedAmendment($input: RecordContractAmendmentApprovalInput!) {
  recordContractAmendmentApproval(input: $input) { contract { id aggregateVersion version } userErrors { code message field } }
}`;

export const approveContractAmendment: ErpCapability<Input, Result, Facts> = {
  async prepare({ input, ctx }) {
    const contract = await amendedContract(ctx, input.contractId, input.amendmentId);
    const relevant = contract?.amendment?.status === 'PROPOSED';
    return { contract, delivery: relevant ? await psaDelivery(ctx, input.contractId) : null };
  },

  async effect({ input, facts, ports: { read, write }, emit, ctx, principal }) {
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', input.contractId, 'contractId');
    const amendment = contract.amendment;
    if (!amendment) throw notFoundRejection('ContractAmendment', input.amendmentId, 'amendmentId');
    const live = (await read.revenueSchedulesByContractIds([contract.id])).filter(isLive);
    if (amendment.status === 'APPROVED') {
      return {
        contract: { id: contract.id },
        revenueSchedules: live,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Amendment ${amendment.id} already is APPROVED; nothing changed.` }],
      };
    }
    if (amendment.status !== 'PROPOSED') {
      // Rejected or withdrawn (docs/state-machines.md#contract-amendment): refused before the PSA applies any line.
      throw rejected('INVALID_STATE_TRANSITION', `Amendment ${amendment.id} is ${amendment.status}, not PROPOSED.`, 'amendmentId');
    }
    checkVersion('Contract', contract.aggregateVersion, input.expectedVersion, { required: true });
    if (contract.status !== 'ACTIVE') {
      throw rejected(
        'CONTRACT_NOT_ACTIVE',
        `Contract ${contract.id} is ${contract.status}: only an ACTIVE contract is amended.`,
        'contractId',
      );
    }
    if (!isIndependentApprover(principal.sub, amendment.requestedBy)) {
      throw rejected('SEGREGATION_OF_DUTIES', 'You proposed this amendment: another person must approve it.', 'amendmentId');
    }

    const revisions = reallocation(amendment.newValueE4, live, facts.delivery ?? { lines: [], projects: [] }, contract.currency);
    const revenueSchedules = await write.reviseRevenueAllocation(revisions);

    const key = `erp.approveContractAmendment:${amendment.id}`;
    const lines = await ctx.peers.step<{ recordContractAmendment: { userErrors: CapabilityRejection[] } }>('psa', RECORD_LINES, {
      input: {
        idempotencyKey: key,
        contractId: contract.id,
        amendmentId: amendment.id,
        version: amendment.toVersion,
        totalContractValue: money(amendment.newValueE4, contract.currency).amount,
        lines: amendment.lineChanges,
      },
    });
    refuse('PSA', lines.recordContractAmendment.userErrors[0]);
    const approval = await ctx.peers.step<{
      recordContractAmendmentApproval: { contract: { aggregateVersion: number } | null; userErrors: CapabilityRejection[] };
    }>('crm', RECORD_APPROVAL, {
      input: { idempotencyKey: key, contractId: contract.id, amendmentId: amendment.id, approvedBy: principal.sub },
    });
    refuse('CRM', approval.recordContractAmendmentApproval.userErrors[0]);

    const version = approval.recordContractAmendmentApproval.contract?.aggregateVersion ?? contract.aggregateVersion + 1;
    emit(
      aggregateEvent('ContractAmendmentApproved', 'Contract', { id: contract.id, aggregateVersion: version }, contract.legalEntityId, {
        contractId: contract.id,
        amendmentId: amendment.id,
        kind: amendment.kind,
        version: amendment.toVersion,
        totalContractValue: money(amendment.newValueE4, contract.currency),
        approvedBy: principal.sub,
        revenueSchedules: revenueSchedules.map((schedule) => ({
          id: schedule.id,
          projectId: schedule.projectId,
          allocated: money(schedule.allocatedE4, schedule.currency),
          recognized: money(schedule.recognizedE4, schedule.currency),
        })),
      }),
    );
    return { contract: { id: contract.id }, revenueSchedules };
  },
};

const isLive = (schedule: RevenueSchedule): boolean => schedule.status !== 'SUPERSEDED' && schedule.status !== 'CANCELLED';

/**
 * The amended value over the live schedules, weighted like the activation (the projects' planned
 * revenue; none: equal shares), exact to the minor unit. Prospective: a schedule keeps what it
 * recognized and is never allocated below it.
 */
export function reallocation(
  valueE4: number,
  live: readonly RevenueSchedule[],
  delivery: PsaDelivery,
  currency: string,
): RevenueRevision[] {
  const schedules = [...live].sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  const weightOf = (schedule: RevenueSchedule) =>
    delivery.projects.find((project) => project.id === schedule.projectId)?.plannedRevenueE4 ?? 0;
  const parts = allocate(valueE4, schedules.map(weightOf), currency);
  return schedules.map((schedule, index) => {
    const allocatedE4 = parts[index]!;
    if (allocatedE4 < schedule.recognizedE4) {
      throw rejected(
        'AMENDMENT_BELOW_BILLED',
        `Revenue schedule ${schedule.id} of project ${schedule.projectId} would be allocated ${money(allocatedE4, currency).amount}, ` +
          `below the ${money(schedule.recognizedE4, currency).amount} ${currency} already recognized.`,
        'amendmentId',
      );
    }
    const status =
      allocatedE4 === schedule.recognizedE4 && allocatedE4 > 0 ? 'COMPLETED' : schedule.recognizedE4 > 0 ? 'IN_PROGRESS' : 'PLANNED';
    return { schedule, allocatedE4, status };
  });
}

function refuse(system: string, refusal: CapabilityRejection | undefined): void {
  if (!refusal) return;
  throw rejected(
    isErrorCode(refusal.code) ? refusal.code : 'PRECONDITION_FAILED',
    `The ${system} refused the amendment: ${refusal.message}`,
    'amendmentId',
  );
}

async function amendedContract(ctx: ErpContext, contractId: string, amendmentId: string): Promise<AmendedContract | null> {
  const data = await ctx.peers.read<{
    _entities: ({
      id: string;
      status: string;
      aggregateVersion: number;
      legalEntity: { id: string };
      totalContractValue: { currency: string };
      amendments:
        | {
            id: string;
            kind: string;
            status: string;
            toVersion: number;
            requestedBy: string;
            newValue: { amount: string };
            lineChanges: LineChange[];
          }[]
        | null;
    } | null)[];
  }>('crm', CRM_AMENDMENT, { representations: [{ __typename: 'Contract', id: contractId }] });
  const row = data._entities[0];
  if (!row) return null;
  const found = (row.amendments ?? []).find((candidate) => candidate.id === amendmentId);
  return {
    id: row.id,
    status: row.status,
    aggregateVersion: row.aggregateVersion,
    legalEntityId: row.legalEntity.id,
    currency: row.totalContractValue.currency,
    amendment: found
      ? {
          id: found.id,
          kind: found.kind,
          status: found.status,
          toVersion: found.toVersion,
          requestedBy: found.requestedBy,
          newValueE4: parseScaled(found.newValue.amount),
          lineChanges: found.lineChanges,
        }
      : null,
  };
}
