/**
 * Contract amendments on Salesforce (docs/model.md#contractamendment), kept in the custom object
 * `Tessera_Contract_Amendment__c`: the same operations as the in-memory adapter's, each moving the
 * contract's version, so two proposals from one version cannot both stand.
 */
import {
  staleVersion,
  type AmendedContract,
  type AmendmentApproval,
  type AmendmentClosure,
  type Versioned,
} from '../../ports/writePort.ts';
import type { Contract, ContractAmendment } from '../../ports/types.ts';
import type { SalesforceCallWrites } from './recordWrites.ts';

export function salesforceAmendmentWrites(writes: SalesforceCallWrites) {
  const { maps } = writes.org;
  const moveContract = (ref: Versioned, values: Partial<Contract>): Promise<Contract> =>
    writes.transition<Contract>(
      maps.contract,
      ref,
      (current) => ({ ...current, ...values }),
      () => staleVersion('Contract', ref.id),
    );
  /** The amendment still PROPOSED (or last written by this call), as a query record and canonical record. */
  const proposed = async (amendment: ContractAmendment) => {
    const raw = await writes.find(maps.amendment, amendment.id);
    const current = raw ? maps.amendment.read(raw) : null;
    if (!raw || !current || (current.status !== 'PROPOSED' && !writes.wroteLast(raw)))
      throw staleVersion('ContractAmendment', amendment.id);
    return { raw, current };
  };
  const settle = async (
    amendment: ContractAmendment,
    values: Partial<ContractAmendment>,
    checked?: Awaited<ReturnType<typeof proposed>>,
  ) => {
    const { raw, current } = checked ?? (await proposed(amendment));
    // An earlier attempt of this call already made the change: its result is the answer.
    if (writes.wroteLast(raw) && current.status !== 'PROPOSED') return current;
    return writes.patch(maps.amendment, raw, current, { ...current, ...values });
  };
  return {
    async proposeContractAmendment(ref: Versioned, proposal: ContractAmendment): Promise<AmendedContract> {
      const contract = await moveContract(ref, {});
      const amendment = await writes.create<ContractAmendment>(maps.amendment, 'amendment', proposal);
      return { contract, amendment };
    },
    async recordContractAmendmentApproval(
      ref: Versioned,
      approved: ContractAmendment,
      approval: AmendmentApproval,
    ): Promise<AmendedContract> {
      const contract = await moveContract(ref, {
        version: approved.toVersion,
        totalContractValue: approved.newValue,
        endDate: approved.newEndDate,
      });
      const amendment = await settle(approved, { status: 'APPROVED', ...approval });
      return { contract, amendment };
    },
    async closeContractAmendment(ref: Versioned, closing: ContractAmendment, closure: AmendmentClosure): Promise<AmendedContract> {
      // The amendment is checked before the contract moves: a refusal leaves both as they were.
      const checked = await proposed(closing);
      const contract = await moveContract(ref, {});
      const amendment = await settle(closing, { ...closure }, checked);
      return { contract, amendment };
    },
  };
}
