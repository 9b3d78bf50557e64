/**
 * Contract amendments on HubSpot (docs/model.md#contractamendment): the shared operations
 * (amendmentTransitions.ts) once per call (callWrites.ts): each moves the contract's version, so two
 * proposals from one version cannot both stand.
 */
import { staleVersion, type Versioned } from '../../ports/writePort.ts';
import type { Contract, ContractAmendment } from '../../ports/types.ts';
import { amendmentTransitions } from '../amendmentTransitions.ts';
import type { HubSpotCallWrites } from './callWrites.ts';
import { amendmentProperties } from './contractMapping.ts';
import { AMENDMENT } from './records.ts';

/** `moveContract`: the versioned change of a contract (hubspotWrites.ts). */
export function hubspotAmendmentWrites(
  writes: HubSpotCallWrites,
  moveContract: (ref: Versioned, values: Partial<Contract>) => Promise<Contract>,
) {
  /** The PROPOSED amendment (or the one this call already closed), or VERSION_CONFLICT. */
  const proposed = async (amendment: ContractAmendment) => {
    const current = await writes.find(AMENDMENT, amendment.id);
    if (!current || (current.record.status !== 'PROPOSED' && !writes.wroteLast(current.object)))
      throw staleVersion('ContractAmendment', amendment.id);
    return current;
  };
  return amendmentTransitions({
    moveContract,
    create: async (proposal) => (await writes.create(AMENDMENT, 'amendment', amendmentProperties(proposal))).record,
    proposed,
    settle: (current, values) => writes.change(AMENDMENT, current, amendmentProperties({ ...current.record, ...values })),
  });
}
