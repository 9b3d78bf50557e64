/**
 * Contract capabilities of the CRM (docs/state-machines.md#contract, docs/capabilities.md#opportunity-to-project): the commercial
 * header from a won opportunity through approval and signature. Activation is ERP's capability; the CRM records
 * it when ERP hands the step over (`recordContractActivation`). Every rule is checked before the one write.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { money } from '../../kernel/decimal.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { CrmContext } from '../context.ts';
import type { CrmPorts } from '../ports/ports.ts';
import type { Contract } from '../ports/types.ts';
import { contractMachine, type ContractStatus } from '../machines.ts';
import { contractEvent } from './events.ts';
import { contractFor, opportunityFor } from './records.ts';

type Handler<Input> = CapabilityHandler<CrmPorts, CrmContext, Input, { contract: Contract }>;
type Transition = { contractId: string; expectedVersion: number };

export const createContractFromOpportunity: Handler<{ opportunityId: string; title?: string | null }> = {
  async effect({ input, ports, emit, now }) {
    const opportunity = await opportunityFor(ports.read, input.opportunityId);
    if (opportunity.stage !== 'CLOSED_WON') {
      throw rejected(
        'PRECONDITION_FAILED',
        `Opportunity ${opportunity.id} is ${opportunity.stage}: only a won opportunity becomes a contract.`,
        'opportunityId',
      );
    }
    const live = (await ports.read.contractsByOpportunityIds([opportunity.id])).find((contract) => contract.status !== 'CANCELLED');
    if (live) throw rejected('CONTRACT_ALREADY_EXISTS', `Opportunity ${opportunity.id} already has contract ${live.id}.`, 'opportunityId');
    const lines = await ports.read.opportunityLinesByOpportunityIds([opportunity.id]);
    if (lines.length === 0) throw rejected('PRECONDITION_FAILED', 'The opportunity has no lines to contract.', 'opportunityId');
    // The contract bills the way most of its value is billed (on a tie, the earlier line's way); an
    // EXPENSES line is a PSA contract line's method, never a contract's (docs/model.md#contractline).
    const billed = lines.filter((line) => line.billingMethod !== 'EXPENSES');
    const largest = (billed.length > 0 ? billed : lines).reduce((best, line) => (line.amountE4 > best.amountE4 ? line : best));
    const id = newId('ctr');
    const code = opportunity.legalEntityId.replace(/^le_/, '');
    const contract = await ports.write.draftContractFromOpportunity({
      id,
      contractNumber: `SOW-${code}-${now.getUTCFullYear()}-${id.slice(4, 12).toUpperCase()}`,
      version: 1,
      title: input.title?.trim() || opportunity.name,
      status: 'DRAFT',
      accountId: opportunity.accountId,
      opportunityId: opportunity.id,
      legalEntityId: opportunity.legalEntityId,
      startDate: lines.map((line) => line.startDate).sort()[0]!,
      endDate: lines
        .map((line) => line.endDate)
        .sort()
        .at(-1)!,
      totalContractValue: opportunity.amount,
      billingMethod: largest.billingMethod,
      signedAt: null,
      customerSignatory: null,
      submittedBy: null,
      approvedBy: null,
      approvedAt: null,
      documentUrl: null,
      activatedAt: null,
    });
    emit(contractEvent('ContractCreated', contract, { opportunityId: opportunity.id, totalContractValue: valueOf(contract) }));
    return { contract };
  },
};

export const submitContractForApproval: Handler<Transition> = {
  async effect({ input, ports, emit, principal }) {
    const current = await transitionable(ports, input);
    const warning = guardTransition(
      'Contract',
      contractMachine,
      current.status as ContractStatus,
      'IN_APPROVAL',
      'submitContractForApproval',
    );
    if (warning) return { contract: current, warnings: [warning] };
    if (current.totalContractValue.amountE4 <= 0)
      throw rejected('PRECONDITION_FAILED', 'The contract value must be positive.', 'contractId');
    if (current.endDate < current.startDate) throw rejected('PRECONDITION_FAILED', 'The contract ends before it starts.', 'contractId');
    const contract = await ports.write.submitContractForApproval(current, principal.sub);
    emit(contractEvent('ContractSubmittedForApproval', contract, { submittedBy: principal.sub }));
    return { contract };
  },
};

export const approveContract: Handler<Transition> = {
  async effect({ input, ports, emit, principal, now }) {
    const current = await transitionable(ports, input);
    const warning = guardTransition('Contract', contractMachine, current.status as ContractStatus, 'APPROVED', 'approveContract');
    if (warning) return { contract: current, warnings: [warning] };
    if (!isIndependentApprover(principal.sub, current.submittedBy)) {
      throw rejected('SEGREGATION_OF_DUTIES', 'You submitted this contract: another person must approve it.', 'contractId');
    }
    const contract = await ports.write.approveContract(current, { approvedBy: principal.sub, approvedAt: now.toISOString() });
    emit(contractEvent('ContractApproved', contract, { approvedBy: principal.sub }));
    return { contract };
  },
};

export const recordContractSignature: Handler<Transition & { signedAt: string; customerSignatory: string; documentUrl: string }> = {
  async effect({ input, ports, emit }) {
    const current = await transitionable(ports, input);
    const warning = guardTransition('Contract', contractMachine, current.status as ContractStatus, 'SIGNED', 'recordContractSignature');
    if (warning) return { contract: current, warnings: [warning] };
    const signedAt = new Date(input.signedAt);
    if (current.approvedAt !== null && signedAt.getTime() < Date.parse(current.approvedAt)) {
      throw rejected('PRECONDITION_FAILED', `The signature (${input.signedAt}) predates the approval (${current.approvedAt}).`, 'signedAt');
    }
    if (input.customerSignatory.trim() === '') throw rejected('PRECONDITION_FAILED', 'Name the customer signatory.', 'customerSignatory');
    if (!/^https:\/\/\S+$/.test(input.documentUrl)) {
      throw rejected('PRECONDITION_FAILED', 'documentUrl must be an https URL of the signed document.', 'documentUrl');
    }
    const contract = await ports.write.recordContractSignature(current, {
      signedAt: signedAt.toISOString(),
      customerSignatory: input.customerSignatory.trim(),
      documentUrl: input.documentUrl,
    });
    emit(contractEvent('ContractSigned', contract, { signedAt: contract.signedAt, customerSignatory: contract.customerSignatory }));
    return { contract };
  },
};

/** ERP activated the contract (its guards passed there): the CRM header follows. */
export const recordContractActivation: Handler<{ contractId: string }> = {
  systemOnly: true,
  async effect({ input, ports, emit, now }) {
    const current = await contractFor(ports.read, input.contractId);
    const warning = guardTransition('Contract', contractMachine, current.status as ContractStatus, 'ACTIVE', 'recordContractActivation');
    if (warning) return { contract: current, warnings: [warning] };
    if (current.status !== 'SIGNED')
      throw rejected('CONTRACT_NOT_SIGNED', `Contract ${current.id} is ${current.status}, not SIGNED.`, 'contractId');
    const contract = await ports.write.recordContractActivation(current, now.toISOString());
    emit(contractEvent('ContractActivationRecorded', contract, { activatedAt: contract.activatedAt }));
    return { contract };
  },
};

async function transitionable(ports: CrmPorts, input: Transition): Promise<Contract> {
  const contract = await contractFor(ports.read, input.contractId);
  checkVersion('Contract', contract.aggregateVersion, input.expectedVersion, { required: true });
  return contract;
}

function valueOf(contract: Contract) {
  return money(contract.totalContractValue.amountE4, contract.totalContractValue.currency);
}
