/**
 * Contract amendments on HubSpot (docs/model.md#contractamendment): the same operations as the
 * other adapters', once per call (callWrites.ts): each moves the contract's version, so two
 * proposals from one version cannot both stand.
 */
import {
  staleVersion,
  type AmendedContract,
  type AmendmentApproval,
  type AmendmentClosure,
  type Versioned,
} from '../../ports/writePort.ts';
import type { Contract, ContractAmendment } from '../../ports/types.ts';
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
  return {
    async proposeContractAmendment(ref: Versioned, proposal: ContractAmendment): Promise<AmendedContract> {
      const contract = await moveContract(ref, {});
      const amendment = (await writes.create(AMENDMENT, 'amendment', amendmentProperties(proposal))).record;
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
      const current = await proposed(approved);
      const amendment = await writes.change(
        AMENDMENT,
        current,
        amendmentProperties({ ...current.record, status: 'APPROVED', ...approval }),
      );
      return { contract, amendment };
    },
    async closeContractAmendment(ref: Versioned, closing: ContractAmendment, closure: AmendmentClosure): Promise<AmendedContract> {
      // The amendment is checked before the contract moves: a refusal leaves both as they were.
      const current = await proposed(closing);
      const contract = await moveContract(ref, {});
      const amendment = await writes.change(AMENDMENT, current, amendmentProperties({ ...current.record, ...closure }));
      return { contract, amendment };
    },
  };
}
