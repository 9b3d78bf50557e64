/**
 * Contract amendments over the in-memory vendor (docs/model.md#contractamendment): the shared
 * operations (amendmentTransitions.ts) once per call (the kernel's `CallWrites`): each moves the
 * contract's version, so two proposals from one version cannot both stand.
 */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import { staleVersion, type Versioned } from '../../ports/writePort.ts';
import type { Contract, ContractAmendment } from '../../ports/types.ts';
import { amendmentTransitions } from '../amendmentTransitions.ts';
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
  const proposed = async (amendment: ContractAmendment) => {
    const [current] = await writes.find<ContractAmendment>(OBJECT.amendment, (record) => record.id === amendment.id);
    if (!current || (current.fields.record.status !== 'PROPOSED' && !writes.wroteLast(current)))
      throw staleVersion('ContractAmendment', amendment.id);
    return current;
  };
  return amendmentTransitions({
    moveContract,
    create: (proposal) => writes.create<ContractAmendment>(OBJECT.amendment, 'amendment', proposal),
    proposed,
    settle: (current, values) =>
      writes.change<ContractAmendment>(
        OBJECT.amendment,
        current,
        (record) => ({ ...record, ...values }),
        () => staleVersion('ContractAmendment', current.fields.record.id),
      ),
  });
}
