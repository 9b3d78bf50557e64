/**
 * The four contract transitions of the write port (docs/state-machines.md#contract), written once
 * for every remote adapter: each is one versioned move of the contract to its next status with the
 * values the transition records. `move` is the adapter's versioned change of a contract.
 */
import type { Contract } from '../ports/types.ts';
import { CONTRACT_STATUS_AFTER, type CrmWritePort, type Versioned } from '../ports/writePort.ts';

type ContractTransitions = Pick<CrmWritePort, keyof typeof CONTRACT_STATUS_AFTER>;

export function contractTransitions(move: (ref: Versioned, values: Partial<Contract>) => Promise<Contract>): ContractTransitions {
  return {
    submitContractForApproval: (ref, submittedBy) => move(ref, { status: CONTRACT_STATUS_AFTER.submitContractForApproval, submittedBy }),
    approveContract: (ref, approval) => move(ref, { status: CONTRACT_STATUS_AFTER.approveContract, ...approval }),
    recordContractSignature: (ref, signature) => move(ref, { status: CONTRACT_STATUS_AFTER.recordContractSignature, ...signature }),
    recordContractActivation: (ref, activatedAt) => move(ref, { status: CONTRACT_STATUS_AFTER.recordContractActivation, activatedAt }),
  };
}
