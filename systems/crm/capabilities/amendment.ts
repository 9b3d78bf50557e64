/**
 * Contract amendments and change orders (docs/state-machines.md#contract-amendment, docs/capabilities.md#contract-amendments):
 * after signature a contract changes only by a new version. `amendContract` proposes version N+1 of
 * an ACTIVE contract (value, end date, PSA lines) and moves the contract's version, so two proposals
 * from one version cannot both stand (VERSION_CONFLICT); the ERP's `approveContractAmendment` (another
 * person: segregation of duties) puts it in force in the PSA and the ERP and hands the header to
 * `recordContractAmendmentApproval` here. The CRM checks the shape; the PSA checks the lines against
 * what is billed, the ERP the value against what is recognized.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import type { CrmContext } from '../context.ts';
import type { CrmPorts } from '../ports/ports.ts';
import type { Contract, ContractAmendment, ContractLineChange } from '../ports/types.ts';
import { contractEvent } from './events.ts';
import { contractFor } from './records.ts';

type Handler<Input> = CapabilityHandler<CrmPorts, CrmContext, Input, { contract: Contract; amendment: ContractAmendment | null }>;

export const AMENDMENT_KINDS: readonly string[] = ['AMENDMENT', 'CHANGE_ORDER'];

interface LineChangeInput {
  readonly lineId?: string | null;
  readonly billingMethod?: string | null;
  readonly amount?: string | null;
  readonly notToExceed?: string | null;
  readonly markupPercent?: string | null;
  readonly rateCardId?: string | null;
}

interface AmendInput {
  readonly contractId: string;
  readonly expectedVersion: number;
  readonly kind: string;
  readonly reason: string;
  readonly totalContractValue?: string | null;
  readonly endDate?: string | null;
  readonly lines?: readonly LineChangeInput[] | null;
}

export const amendContract: Handler<AmendInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const current = await contractFor(ports.read, input.contractId);
    checkVersion('Contract', current.aggregateVersion, input.expectedVersion, { required: true });
    if (current.status !== 'ACTIVE') {
      throw rejected(
        'CONTRACT_NOT_ACTIVE',
        `Contract ${current.id} is ${current.status}: only an ACTIVE contract is amended.`,
        'contractId',
      );
    }
    const pending = (await ports.read.contractAmendmentsByContractIds([current.id])).find((a) => a.status === 'PROPOSED');
    if (pending) {
      throw rejected(
        'AMENDMENT_PENDING',
        `Amendment ${pending.id} (version ${pending.toVersion}) awaits approval: approve, reject or withdraw it before proposing another.`,
        'contractId',
      );
    }
    if (!AMENDMENT_KINDS.includes(input.kind)) throw rejected('PRECONDITION_FAILED', `Unknown amendment kind ${input.kind}.`, 'kind');
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the contract changes.', 'reason');
    const currency = current.totalContractValue.currency;
    const value =
      input.totalContractValue == null
        ? current.totalContractValue.amountE4
        : moneyInput(input.totalContractValue, currency, 'totalContractValue');
    if (value <= 0) throw rejected('PRECONDITION_FAILED', 'The contract value must be positive.', 'totalContractValue');
    const endDate = input.endDate ?? current.endDate;
    if (endDate < current.startDate)
      throw rejected('PRECONDITION_FAILED', `The contract would end before it starts (${current.startDate}).`, 'endDate');
    const lineChanges = (input.lines ?? []).map((line, index) => lineChange(line, `lines.${index}`));
    if (value === current.totalContractValue.amountE4 && endDate === current.endDate && lineChanges.length === 0) {
      throw rejected('PRECONDITION_FAILED', 'The amendment changes nothing: give a value, an end date or lines.', 'contractId');
    }
    const { contract, amendment } = await ports.write.proposeContractAmendment(current, {
      id: newId('ctra'),
      contractId: current.id,
      kind: input.kind,
      status: 'PROPOSED',
      fromVersion: current.version,
      toVersion: current.version + 1,
      reason,
      requestedBy: principal.sub,
      requestedAt: now.toISOString(),
      approvedBy: null,
      approvedAt: null,
      closedBy: null,
      closedAt: null,
      closeReason: null,
      previousValue: current.totalContractValue,
      newValue: { amountE4: value, currency },
      previousEndDate: current.endDate,
      newEndDate: endDate,
      lineChanges,
    });
    emit(
      contractEvent('ContractAmendmentProposed', contract, {
        amendmentId: amendment.id,
        kind: amendment.kind,
        fromVersion: amendment.fromVersion,
        toVersion: amendment.toVersion,
        previousValue: money(amendment.previousValue.amountE4, currency),
        newValue: money(amendment.newValue.amountE4, currency),
        previousEndDate: amendment.previousEndDate,
        newEndDate: amendment.newEndDate,
        lineChanges: amendment.lineChanges,
        requestedBy: amendment.requestedBy,
        reason,
      }),
    );
    return { contract, amendment };
  },
};

/** The ERP approved the amendment (its guards and the PSA's passed there): the contract takes its version. */
export const recordContractAmendmentApproval: Handler<{ contractId: string; amendmentId: string; approvedBy: string }> = {
  systemOnly: true,
  async effect({ input, ports, emit, now }) {
    const current = await contractFor(ports.read, input.contractId);
    const amendment = (await ports.read.contractAmendmentsByContractIds([current.id])).find((a) => a.id === input.amendmentId);
    if (!amendment) throw notFoundRejection('ContractAmendment', input.amendmentId, 'amendmentId');
    if (amendment.status === 'APPROVED') {
      return {
        contract: current,
        amendment,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Amendment ${amendment.id} already is APPROVED; nothing changed.` }],
      };
    }
    if (amendment.status !== 'PROPOSED') {
      throw rejected('INVALID_STATE_TRANSITION', `Amendment ${amendment.id} is ${amendment.status}, not PROPOSED.`, 'amendmentId');
    }
    if (current.status !== 'ACTIVE')
      throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${current.id} is ${current.status}, not ACTIVE.`, 'contractId');
    // The ERP's capability checked the approver (segregation of duties) and names them: a system step's principal is the system.
    const approvedBy = input.approvedBy;
    const result = await ports.write.recordContractAmendmentApproval(current, amendment, { approvedBy, approvedAt: now.toISOString() });
    emit(
      contractEvent('ContractAmended', result.contract, {
        amendmentId: amendment.id,
        kind: amendment.kind,
        version: result.contract.version,
        totalContractValue: money(result.contract.totalContractValue.amountE4, result.contract.totalContractValue.currency),
        endDate: result.contract.endDate,
        approvedBy,
      }),
    );
    return result;
  },
};

function lineChange(line: LineChangeInput, field: string): ContractLineChange {
  if (!line.lineId && !line.billingMethod) {
    throw rejected('PRECONDITION_FAILED', 'Name the line to change (lineId) or the billing method of a new line.', `${field}.lineId`);
  }
  if (line.lineId && line.billingMethod) {
    throw rejected('PRECONDITION_FAILED', 'A line is changed (lineId) or added (billingMethod), not both.', `${field}.billingMethod`);
  }
  const change = {
    lineId: line.lineId ?? null,
    billingMethod: line.billingMethod ?? null,
    amount: line.amount ?? null,
    notToExceed: line.notToExceed ?? null,
    markupPercent: line.markupPercent ?? null,
    rateCardId: line.rateCardId ?? null,
  };
  if (
    change.amount === null &&
    change.notToExceed === null &&
    change.markupPercent === null &&
    change.rateCardId === null &&
    change.lineId
  ) {
    throw rejected('PRECONDITION_FAILED', `The change of line ${change.lineId} changes nothing.`, field);
  }
  return change;
}
