/**
 * Contract amendments on Salesforce (docs/model.md#contractamendment), kept in the custom object
 * `Tessera_Contract_Amendment__c`: the shared operations (amendmentTransitions.ts), each moving the
 * contract's version, so two proposals from one version cannot both stand.
 */
import { staleVersion, type Versioned } from '../../ports/writePort.ts';
import type { Contract, ContractAmendment } from '../../ports/types.ts';
import { amendmentTransitions } from '../amendmentTransitions.ts';
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
  return amendmentTransitions({
    moveContract,
    create: (proposal) => writes.create<ContractAmendment>(maps.amendment, 'amendment', proposal),
    proposed,
    settle: async ({ raw, current }, values) => {
      // An earlier attempt of this call already made the change: its result is the answer.
      if (writes.wroteLast(raw) && current.status !== 'PROPOSED') return current;
      return writes.patch(maps.amendment, raw, current, { ...current, ...values });
    },
  });
}
