/**
 * The three amendment operations of the write port (docs/state-machines.md#contract-amendment), written
 * once for every adapter that keeps amendments as vendor records (in-memory, Salesforce, HubSpot): each
 * moves the contract's version, so two proposals from one version cannot both stand. The adapter gives
 * its vendor I/O: the versioned change of a contract, the creation of an amendment, the check that an
 * amendment is still PROPOSED (or was closed by this call) and the change of the checked amendment.
 */
import type { Contract, ContractAmendment } from '../ports/types.ts';
import type { CrmWritePort, Versioned } from '../ports/writePort.ts';

type AmendmentTransitions = Pick<CrmWritePort, 'proposeContractAmendment' | 'recordContractAmendmentApproval' | 'closeContractAmendment'>;

/** An adapter's vendor I/O for amendments; `Checked` is what its check of a PROPOSED amendment read. */
export interface AmendmentStore<Checked> {
  /** The versioned change of a contract (VERSION_CONFLICT when `ref` is stale). */
  readonly moveContract: (ref: Versioned, values: Partial<Contract>) => Promise<Contract>;
  readonly create: (proposal: ContractAmendment) => Promise<ContractAmendment>;
  /** The amendment still PROPOSED (or last written by this call), or VERSION_CONFLICT. */
  readonly proposed: (amendment: ContractAmendment) => Promise<Checked>;
  /** The checked amendment with `values` written over it. */
  readonly settle: (checked: Checked, values: Partial<ContractAmendment>) => Promise<ContractAmendment>;
}

/** What an approved amendment changes on its contract: its version, value and end date. */
export function amendedContractValues(approved: ContractAmendment): Partial<Contract> {
  return { version: approved.toVersion, totalContractValue: approved.newValue, endDate: approved.newEndDate };
}

export function amendmentTransitions<Checked>(store: AmendmentStore<Checked>): AmendmentTransitions {
  return {
    async proposeContractAmendment(ref, proposal) {
      const contract = await store.moveContract(ref, {});
      const amendment = await store.create(proposal);
      return { contract, amendment };
    },
    async recordContractAmendmentApproval(ref, approved, approval) {
      const contract = await store.moveContract(ref, amendedContractValues(approved));
      const amendment = await store.settle(await store.proposed(approved), { status: 'APPROVED', ...approval });
      return { contract, amendment };
    },
    async closeContractAmendment(ref, closing, closure) {
      // The amendment is checked before the contract moves: a refusal leaves both as they were.
      const checked = await store.proposed(closing);
      const contract = await store.moveContract(ref, {});
      const amendment = await store.settle(checked, { ...closure });
      return { contract, amendment };
    },
  };
}
