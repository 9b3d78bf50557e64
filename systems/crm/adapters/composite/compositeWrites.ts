/**
 * The CRM write port over two CRMs (docs/crosswalk.md#reading-both-crms): each operation goes to the
 * system that holds its record (the deal, the contract, the account of a new deal), found by id in
 * each system's read port of the same call. A record another system's account owns keeps its own
 * system's account: a contract of a HubSpot deal under a merged account is drafted in HubSpot, under
 * the HubSpot company. Answers speak canonical ids, as the composite reads do. The holder takes the
 * write while the other CRM is out (docs/crosswalk.md#one-crm-out); when no CRM that answered holds
 * the record, the failure of the one that did not is the answer.
 */
import type { CrmPorts } from '../../ports/ports.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import type { CrmWritePort } from '../../ports/writePort.ts';
import type { Contract } from '../../ports/types.ts';
import type { Links } from './links.ts';
import { isCrmOut } from './oneCrmOut.ts';

/** Both systems' ports bound to one call, and the call's links. */
export type BoundSystems = () => Promise<{ readonly systems: readonly CrmPorts[]; readonly links: Links }>;

export function createCompositeCrmWrites(bound: BoundSystems): CrmWritePort {
  /** The system that holds the record `holds` reads there, with what it read (in that system's own ids). */
  async function holder<T>(
    what: string,
    holds: (read: CrmReadPort) => Promise<readonly T[]>,
  ): Promise<{ ports: CrmPorts; links: Links; held: T }> {
    const { systems, links } = await bound();
    // An id lives in one CRM: the one that holds it takes the write, even while the other is out.
    let out: { error: unknown } | null = null;
    for (const ports of systems) {
      try {
        const [held] = await holds(ports.read);
        if (held !== undefined) return { ports, links, held };
      } catch (error) {
        if (!isCrmOut(error)) throw error;
        out ??= { error };
      }
    }
    if (out) throw out.error;
    throw new Error(`no CRM holds ${what}`);
  }
  const canonicalContract = (links: Links, contract: Contract): Contract => ({
    ...contract,
    accountId: links.canonical('ACCOUNT', contract.accountId),
    opportunityId: contract.opportunityId === null ? null : links.canonical('OPPORTUNITY', contract.opportunityId),
  });
  const ofContract = async (id: string) => holder(`contract ${id}`, (read) => read.contractsByIds([id]));
  const amended = async <T extends { readonly contract: Contract }>(id: string, write: (ports: CrmPorts) => Promise<T>): Promise<T> => {
    const { ports, links } = await ofContract(id);
    const answer = await write(ports);
    return { ...answer, contract: canonicalContract(links, answer.contract) };
  };
  const contract = async (id: string, write: (ports: CrmPorts) => Promise<Contract>): Promise<Contract> => {
    const { ports, links } = await ofContract(id);
    return canonicalContract(links, await write(ports));
  };

  return {
    async openOpportunity(opportunity, lines) {
      const { ports } = await holder(`account ${opportunity.accountId}`, (read) => read.accountsByIds([opportunity.accountId]));
      return ports.write.openOpportunity(opportunity, lines);
    },
    async moveOpportunityStage(opportunity, change) {
      const { ports, links } = await holder(`opportunity ${opportunity.id}`, (read) => read.opportunitiesByIds([opportunity.id]));
      const moved = await ports.write.moveOpportunityStage(opportunity, change);
      return { ...moved, accountId: links.canonical('ACCOUNT', moved.accountId) };
    },
    async draftContractFromOpportunity(draft) {
      // A deal's contract is drafted in the deal's CRM under the deal's own account there (not the
      // canonical one, which may be the other CRM's); one without a deal, in the CRM of its account.
      const { ports, links, held } = draft.opportunityId
        ? await holder(`opportunity ${draft.opportunityId}`, (read) => read.opportunitiesByIds([draft.opportunityId!]))
        : await holder(`account ${draft.accountId}`, (read) => read.accountsByIds([draft.accountId]));
      const accountId = 'accountId' in held ? held.accountId : held.id;
      return canonicalContract(links, await ports.write.draftContractFromOpportunity({ ...draft, accountId }));
    },
    submitContractForApproval: (c, by) => contract(c.id, (ports) => ports.write.submitContractForApproval(c, by)),
    approveContract: (c, approval) => contract(c.id, (ports) => ports.write.approveContract(c, approval)),
    recordContractSignature: (c, signature) => contract(c.id, (ports) => ports.write.recordContractSignature(c, signature)),
    recordContractActivation: (c, at) => contract(c.id, (ports) => ports.write.recordContractActivation(c, at)),
    proposeContractAmendment: (c, amendment) => amended(c.id, (ports) => ports.write.proposeContractAmendment(c, amendment)),
    recordContractAmendmentApproval: (c, amendment, approval) =>
      amended(c.id, (ports) => ports.write.recordContractAmendmentApproval(c, amendment, approval)),
    closeContractAmendment: (c, amendment, closure) => amended(c.id, (ports) => ports.write.closeContractAmendment(c, amendment, closure)),
  };
}
