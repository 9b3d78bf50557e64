/**
 * Contract capabilities of the CRM (docs/state-machines.md#contract, docs/capabilities.md#opportunity-to-project): the commercial header from a won
 * opportunity through approval and signature. Activation is ERP's capability; the CRM records
 * it when ERP hands the step over (`recordContractActivation`).
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import type { DomainEventDraft } from '../../kernel/capability/types.ts';
import { money } from '../../kernel/decimal.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { CrmContext } from '../resolvers.ts';
import type { ContractRow, CrmTables } from '../tables.ts';
import { contractMachine, type ContractStatus } from '../machines.ts';
import { contractFor, opportunityFor, reloadContract, type CrmTrx } from './records.ts';

type Handler<Input> = CapabilityHandler<CrmTables, CrmContext, Input, { contract: ContractRow }>;
type Transition = { contractId: string; expectedVersion: number };

export const createContractFromOpportunity: Handler<{ opportunityId: string; title?: string | null }> = {
  async effect({ input, trx, emit, ctx, now }) {
    const opportunity = await opportunityFor(trx, ctx.scope, input.opportunityId);
    if (opportunity.stage !== 'CLOSED_WON') {
      throw rejected('PRECONDITION_FAILED', `Opportunity ${opportunity.id} is ${opportunity.stage}: only a won opportunity becomes a contract.`, 'opportunityId');
    }
    const live = await trx
      .selectFrom('contracts')
      .select('id')
      .where('opportunity_id', '=', opportunity.id)
      .where('status', '!=', 'CANCELLED')
      .executeTakeFirst();
    if (live) throw rejected('CONTRACT_ALREADY_EXISTS', `Opportunity ${opportunity.id} already has contract ${live.id}.`, 'opportunityId');
    const lines = await trx.selectFrom('opportunity_lines').selectAll().where('opportunity_id', '=', opportunity.id).orderBy('id').execute();
    if (lines.length === 0) throw rejected('PRECONDITION_FAILED', 'The opportunity has no lines to contract.', 'opportunityId');
    // The contract bills the way most of its value is billed (on a tie, the earlier line's way).
    const largest = lines.reduce((best, line) => (line.amount_e4 > best.amount_e4 ? line : best));
    const id = newId('ctr');
    const code = opportunity.legal_entity_id.replace(/^le_/, '');
    await trx
      .insertInto('contracts')
      .values({
        id,
        contract_number: `SOW-${code}-${now.getUTCFullYear()}-${id.slice(4, 12).toUpperCase()}`,
        version: 1,
        title: input.title?.trim() || opportunity.name,
        status: 'DRAFT',
        account_id: opportunity.account_id,
        opportunity_id: opportunity.id,
        legal_entity_id: opportunity.legal_entity_id,
        start_date: lines.map((line) => line.start_date).sort()[0]!,
        end_date: lines.map((line) => line.end_date).sort().at(-1)!,
        tcv_e4: opportunity.amount_e4,
        currency: opportunity.currency,
        billing_method: largest.billing_method,
        signed_at: null,
        customer_signatory: null,
        aggregate_version: 1,
      })
      .execute();
    const contract = await reloadContract(trx, id);
    emit(contractEvent('ContractCreated', contract, { opportunityId: opportunity.id, totalContractValue: money(contract.tcv_e4, contract.currency) }));
    return { contract };
  },
};

export const submitContractForApproval: Handler<Transition> = {
  async effect({ input, trx, emit, ctx, principal }) {
    const row = await transitionable(trx, ctx, input);
    const warning = guardTransition('Contract', contractMachine, row.status as ContractStatus, 'IN_APPROVAL', 'submitContractForApproval');
    if (warning) return { contract: row, warnings: [warning] };
    if (row.tcv_e4 <= 0) throw rejected('PRECONDITION_FAILED', 'The contract value must be positive.', 'contractId');
    if (row.end_date < row.start_date) throw rejected('PRECONDITION_FAILED', 'The contract ends before it starts.', 'contractId');
    const contract = await moveTo(trx, row, 'IN_APPROVAL', { submitted_by: principal.sub });
    emit(contractEvent('ContractSubmittedForApproval', contract, { submittedBy: principal.sub }));
    return { contract };
  },
};

export const approveContract: Handler<Transition> = {
  async effect({ input, trx, emit, ctx, principal, now }) {
    const row = await transitionable(trx, ctx, input);
    const warning = guardTransition('Contract', contractMachine, row.status as ContractStatus, 'APPROVED', 'approveContract');
    if (warning) return { contract: row, warnings: [warning] };
    if (!isIndependentApprover(principal.sub, row.submitted_by)) {
      throw rejected('SEGREGATION_OF_DUTIES', 'You submitted this contract: another person must approve it.', 'contractId');
    }
    const contract = await moveTo(trx, row, 'APPROVED', { approved_by: principal.sub, approved_at: now.toISOString() });
    emit(contractEvent('ContractApproved', contract, { approvedBy: principal.sub }));
    return { contract };
  },
};

export const recordContractSignature: Handler<Transition & { signedAt: string; customerSignatory: string; documentUrl: string }> = {
  async effect({ input, trx, emit, ctx }) {
    const row = await transitionable(trx, ctx, input);
    const warning = guardTransition('Contract', contractMachine, row.status as ContractStatus, 'SIGNED', 'recordContractSignature');
    if (warning) return { contract: row, warnings: [warning] };
    const signedAt = new Date(input.signedAt);
    if (row.approved_at !== null && signedAt.getTime() < Date.parse(row.approved_at)) {
      throw rejected('PRECONDITION_FAILED', `The signature (${input.signedAt}) predates the approval (${row.approved_at}).`, 'signedAt');
    }
    if (input.customerSignatory.trim() === '') throw rejected('PRECONDITION_FAILED', 'Name the customer signatory.', 'customerSignatory');
    if (!/^https:\/\/\S+$/.test(input.documentUrl)) throw rejected('PRECONDITION_FAILED', 'documentUrl must be an https URL of the signed document.', 'documentUrl');
    const contract = await moveTo(trx, row, 'SIGNED', {
      signed_at: signedAt.toISOString(),
      customer_signatory: input.customerSignatory.trim(),
      document_url: input.documentUrl,
    });
    emit(contractEvent('ContractSigned', contract, { signedAt: contract.signed_at, customerSignatory: contract.customer_signatory }));
    return { contract };
  },
};

/** ERP activated the contract (its guards passed there): the CRM header follows. */
export const recordContractActivation: Handler<{ contractId: string }> = {
  systemOnly: true,
  async effect({ input, trx, emit, ctx, now }) {
    const row = await contractFor(trx, ctx.scope, input.contractId);
    const warning = guardTransition('Contract', contractMachine, row.status as ContractStatus, 'ACTIVE', 'recordContractActivation');
    if (warning) return { contract: row, warnings: [warning] };
    if (row.status !== 'SIGNED') throw rejected('CONTRACT_NOT_SIGNED', `Contract ${row.id} is ${row.status}, not SIGNED.`, 'contractId');
    const contract = await moveTo(trx, row, 'ACTIVE', { activated_at: now.toISOString() });
    emit(contractEvent('ContractActivationRecorded', contract, { activatedAt: contract.activated_at }));
    return { contract };
  },
};

async function transitionable(trx: CrmTrx, ctx: CrmContext, input: Transition): Promise<ContractRow> {
  const row = await contractFor(trx, ctx.scope, input.contractId);
  checkVersion('Contract', row.aggregate_version, input.expectedVersion, { required: true });
  return row;
}

async function moveTo(trx: CrmTrx, row: ContractRow, status: ContractStatus, extra: Partial<ContractRow>): Promise<ContractRow> {
  await updateAggregate(trx, 'contracts', 'Contract', row, { status, ...extra });
  return reloadContract(trx, row.id);
}

function contractEvent(type: string, row: ContractRow, payload: Record<string, unknown>): DomainEventDraft {
  return aggregateEvent(type, 'Contract', row, row.legal_entity_id, { contractId: row.id, contractNumber: row.contract_number, status: row.status, ...payload });
}
