/**
 * Contract amendments over the in-memory vendor (docs/model.md#contractamendment): the same operations as
 * the SQL adapter's, once per call (the kernel's `CallWrites`): each moves the contract's version,
 * so two proposals from one version cannot both stand.
 */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import {
  staleVersion,
  type AmendedContract,
  type AmendmentApproval,
  type AmendmentClosure,
  type Versioned,
} from '../../ports/writePort.ts';
import type { Contract, ContractAmendment } from '../../ports/types.ts';
import { OBJECT } from './objects.ts';

export function memoryAmendmentWrites(writes: CallWrites) {
  const moveContract = async (ref: Versioned, values: Partial<Contract>): Promise<Contract> => {
    const [current] = await writes.find<Contract>(OBJECT.contract, (record) => record.id === ref.id);
    if (!current) throw staleVersion('Contract', ref.id);
    return writes.transition<Contract>(
      OBJECT.contract,
      current,
      ref.aggregateVersion,
      (record) => ({ ...record, ...values }),
      () => staleVersion('Contract', ref.id),
    );
  };
  return {
    async proposeContractAmendment(ref: Versioned, proposal: ContractAmendment): Promise<AmendedContract> {
      const contract = await moveContract(ref, {});
      const amendment = await writes.create<ContractAmendment>(OBJECT.amendment, 'amendment', proposal);
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
      const [current] = await writes.find<ContractAmendment>(OBJECT.amendment, (record) => record.id === approved.id);
      if (!current || (current.fields.record.status !== 'PROPOSED' && !writes.wroteLast(current)))
        throw staleVersion('ContractAmendment', approved.id);
      const amendment = await writes.change<ContractAmendment>(
        OBJECT.amendment,
        current,
        (record) => ({ ...record, status: 'APPROVED', ...approval }),
        () => staleVersion('ContractAmendment', approved.id),
      );
      return { contract, amendment };
    },
    async closeContractAmendment(ref: Versioned, proposed: ContractAmendment, closure: AmendmentClosure): Promise<AmendedContract> {
      // The amendment is checked before the contract moves: a vendor call that refuses leaves both as they were.
      const [current] = await writes.find<ContractAmendment>(OBJECT.amendment, (record) => record.id === proposed.id);
      if (!current || (current.fields.record.status !== 'PROPOSED' && !writes.wroteLast(current)))
        throw staleVersion('ContractAmendment', proposed.id);
      const contract = await moveContract(ref, {});
      const amendment = await writes.change<ContractAmendment>(
        OBJECT.amendment,
        current,
        (record) => ({ ...record, ...closure }),
        () => staleVersion('ContractAmendment', proposed.id),
      );
      return { contract, amendment };
    },
  };
}
