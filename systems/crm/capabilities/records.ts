/** How CRM capabilities read the records they change: through the read port, within the caller's scope. */
import { notFoundRejection } from '../../kernel/capability/rejection.ts';
import type { CrmReadPort } from '../ports/readPort.ts';
import type { Account, Contract, Opportunity } from '../ports/types.ts';

export async function opportunityFor(read: CrmReadPort, id: string, field = 'opportunityId'): Promise<Opportunity> {
  const [opportunity] = await read.opportunitiesByIds([id]);
  if (!opportunity) throw notFoundRejection('Opportunity', id, field);
  return opportunity;
}

export async function contractFor(read: CrmReadPort, id: string, field = 'contractId'): Promise<Contract> {
  const [contract] = await read.contractsByIds([id]);
  if (!contract) throw notFoundRejection('Contract', id, field);
  return contract;
}

export async function accountFor(read: CrmReadPort, id: string, field = 'accountId'): Promise<Account> {
  const [account] = await read.accountsByIds([id]);
  if (!account) throw notFoundRejection('Account', id, field);
  return account;
}
