/** How CRM capabilities read the records they change: inside the transaction, within the caller's scope. */
import type { Transaction } from 'kysely';
import { seesAccount, seesLegalEntity, type RecordScope } from '../../../policies/recordScope.ts';
import { notFoundRejection } from '../../kernel/capability/rejection.ts';
import type { CapabilityTables } from '../../kernel/capability/tables.ts';
import type { AccountRow, ContractRow, CrmTables, OpportunityRow } from '../tables.ts';

export type CrmTrx = Transaction<CrmTables & CapabilityTables>;

export async function opportunityFor(trx: CrmTrx, scope: RecordScope, id: string, field = 'opportunityId'): Promise<OpportunityRow> {
  const row = await trx.selectFrom('opportunities').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !seesLegalEntity(scope, row.legal_entity_id) || !seesAccount(scope, row.account_id)) throw notFoundRejection('Opportunity', id, field);
  return row;
}

export async function contractFor(trx: CrmTrx, scope: RecordScope, id: string, field = 'contractId'): Promise<ContractRow> {
  const row = await trx.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !seesLegalEntity(scope, row.legal_entity_id) || !seesAccount(scope, row.account_id)) throw notFoundRejection('Contract', id, field);
  return row;
}

export async function accountFor(trx: CrmTrx, scope: RecordScope, id: string, field = 'accountId'): Promise<AccountRow> {
  const row = await trx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !seesAccount(scope, row.id)) throw notFoundRejection('Account', id, field);
  return row;
}

export async function reloadOpportunity(trx: CrmTrx, id: string): Promise<OpportunityRow> {
  return trx.selectFrom('opportunities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function reloadContract(trx: CrmTrx, id: string): Promise<ContractRow> {
  return trx.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
