/**
 * A PROPOSED amendment that does not take effect (docs/state-machines.md#contract-amendment,
 * docs/capabilities.md#contract-amendments): an approver refuses it (`rejectContractAmendment`, never
 * who proposed it: segregation of duties) or its proposer takes it back (`withdrawContractAmendment`,
 * only them: AMENDMENT_NOT_PROPOSER). Either way with a reason, kept in the contract's history; the
 * contract keeps its version, value and end date (its aggregate version moves: a proposal or an
 * approval racing the closure is VERSION_CONFLICT), and a new amendment may be proposed. Neither the
 * PSA nor the ERP changed while it was PROPOSED, so the CRM closes it alone.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { CrmContext } from '../context.ts';
import type { CrmPorts } from '../ports/ports.ts';
import type { Contract, ContractAmendment } from '../ports/types.ts';
import type { AmendmentClosure } from '../ports/writePort.ts';
import { contractEvent } from './events.ts';
import { contractFor } from './records.ts';

interface CloseInput {
  readonly contractId: string;
  readonly amendmentId: string;
  readonly expectedVersion: number;
  readonly reason: string;
}

type Handler = CapabilityHandler<CrmPorts, CrmContext, CloseInput, { contract: Contract; amendment: ContractAmendment | null }>;

const EVENT = { REJECTED: 'ContractAmendmentRejected', WITHDRAWN: 'ContractAmendmentWithdrawn' } as const;

function closing(status: AmendmentClosure['status']): Handler {
  return {
    async effect({ input, ports, emit, principal, now }) {
      const current = await contractFor(ports.read, input.contractId);
      const amendment = (await ports.read.contractAmendmentsByContractIds([current.id])).find((a) => a.id === input.amendmentId);
      if (!amendment) throw notFoundRejection('ContractAmendment', input.amendmentId, 'amendmentId');
      if (amendment.status === status) {
        return {
          contract: current,
          amendment,
          warnings: [{ code: 'ALREADY_IN_STATE', message: `Amendment ${amendment.id} already is ${status}; nothing changed.` }],
        };
      }
      if (amendment.status !== 'PROPOSED') {
        throw rejected('INVALID_STATE_TRANSITION', `Amendment ${amendment.id} is ${amendment.status}, not PROPOSED.`, 'amendmentId');
      }
      checkVersion('Contract', current.aggregateVersion, input.expectedVersion, { required: true });
      const proposer = !isIndependentApprover(principal.sub, amendment.requestedBy);
      if (status === 'REJECTED' && proposer) {
        throw rejected('SEGREGATION_OF_DUTIES', 'You proposed this amendment: withdraw it, or another person rejects it.', 'amendmentId');
      }
      if (status === 'WITHDRAWN' && !proposer) {
        throw rejected(
          'AMENDMENT_NOT_PROPOSER',
          `Only ${amendment.requestedBy}, who proposed amendment ${amendment.id}, withdraws it: an approver rejects it.`,
          'amendmentId',
        );
      }
      const reason = input.reason.trim();
      if (reason === '') throw rejected('PRECONDITION_FAILED', `Say why the amendment is ${status.toLowerCase()}.`, 'reason');
      const result = await ports.write.closeContractAmendment(current, amendment, {
        status,
        closedBy: principal.sub,
        closedAt: now.toISOString(),
        closeReason: reason,
      });
      emit(
        contractEvent(EVENT[status], result.contract, {
          amendmentId: amendment.id,
          kind: amendment.kind,
          toVersion: amendment.toVersion,
          closedBy: principal.sub,
          reason,
        }),
      );
      return result;
    },
  };
}

/** An approver refuses a PROPOSED amendment: REJECTED, with why. */
export const rejectContractAmendment: Handler = closing('REJECTED');

/** Who proposed an amendment takes it back before it is approved: WITHDRAWN, with why. */
export const withdrawContractAmendment: Handler = closing('WITHDRAWN');
