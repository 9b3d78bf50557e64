/**
 * Contract amendments on SQL (docs/model.md#contractamendment): their rows, their reads (visible with their
 * contract) and the two writes, each in the capability's transaction and each moving the contract's
 * version (`updateAggregate`): two amendments proposed from one version cannot both stand.
 */
import type { Kysely, Transaction } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import { inScope, noKeys } from '../../../kernel/sqlPage.ts';
import { staleVersion, type AmendmentApproval, type AmendmentClosure, type Versioned } from '../../ports/writePort.ts';
import type { Contract, ContractAmendment, ContractLineChange } from '../../ports/types.ts';
import { contractOf } from './rows.ts';
import type { ContractAmendmentRow, CrmTables } from './tables.ts';

export function amendmentOf(row: ContractAmendmentRow): ContractAmendment {
  return {
    id: row.id,
    contractId: row.contract_id,
    kind: row.kind,
    status: row.status,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    previousValue: { amountE4: row.previous_tcv_e4, currency: row.currency },
    newValue: { amountE4: row.tcv_e4, currency: row.currency },
    previousEndDate: row.previous_end_date,
    newEndDate: row.end_date,
    lineChanges: JSON.parse(row.line_changes) as ContractLineChange[],
  };
}

export function amendmentRow(amendment: ContractAmendment): ContractAmendmentRow {
  return {
    id: amendment.id,
    contract_id: amendment.contractId,
    kind: amendment.kind,
    status: amendment.status,
    from_version: amendment.fromVersion,
    to_version: amendment.toVersion,
    reason: amendment.reason,
    requested_by: amendment.requestedBy,
    requested_at: amendment.requestedAt,
    approved_by: amendment.approvedBy,
    approved_at: amendment.approvedAt,
    closed_by: amendment.closedBy,
    closed_at: amendment.closedAt,
    close_reason: amendment.closeReason,
    previous_tcv_e4: amendment.previousValue.amountE4,
    tcv_e4: amendment.newValue.amountE4,
    currency: amendment.newValue.currency,
    previous_end_date: amendment.previousEndDate,
    end_date: amendment.newEndDate,
    line_changes: JSON.stringify(amendment.lineChanges),
  };
}

/** Amendments of the given contracts the scope sees (through their contract), oldest version first. */
export async function amendmentsByContractIds(
  db: Kysely<CrmTables>,
  scope: RecordScope,
  ids: readonly string[],
): Promise<ContractAmendment[]> {
  if (noKeys(ids)) return [];
  const rows = await inScope(
    db.selectFrom('contract_amendments').innerJoin('contracts', 'contracts.id', 'contract_amendments.contract_id'),
    scope,
    {
      legalEntity: 'contracts.legal_entity_id',
      account: 'contracts.account_id',
    },
  )
    .selectAll('contract_amendments')
    .where('contract_amendments.contract_id', 'in', ids)
    .orderBy('contract_amendments.contract_id')
    .orderBy('contract_amendments.to_version')
    .orderBy('contract_amendments.id')
    .execute();
  return rows.map(amendmentOf);
}

export function sqlAmendmentWrites(trx: Transaction<CrmTables>) {
  const contract = async (id: string): Promise<Contract> =>
    contractOf(await trx.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const amendment = async (id: string): Promise<ContractAmendment> =>
    amendmentOf(await trx.selectFrom('contract_amendments').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const touch = (ref: Versioned, values: Readonly<Record<string, unknown>>) =>
    updateAggregate(trx, 'contracts', 'Contract', ref, values, () => staleVersion('Contract', ref.id));
  return {
    async proposeContractAmendment(ref: Versioned, proposal: ContractAmendment) {
      // The contract's version moves first: a concurrent proposal from the same version is VERSION_CONFLICT.
      await touch(ref, {});
      await trx.insertInto('contract_amendments').values(amendmentRow(proposal)).execute();
      return { contract: await contract(ref.id), amendment: await amendment(proposal.id) };
    },
    async recordContractAmendmentApproval(ref: Versioned, approved: ContractAmendment, approval: AmendmentApproval) {
      await touch(ref, { version: approved.toVersion, tcv_e4: approved.newValue.amountE4, end_date: approved.newEndDate });
      const done = await trx
        .updateTable('contract_amendments')
        .set({ status: 'APPROVED', approved_by: approval.approvedBy, approved_at: approval.approvedAt })
        .where('id', '=', approved.id)
        .where('status', '=', 'PROPOSED')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw staleVersion('ContractAmendment', approved.id);
      return { contract: await contract(ref.id), amendment: await amendment(approved.id) };
    },
    async closeContractAmendment(ref: Versioned, proposed: ContractAmendment, closure: AmendmentClosure) {
      await touch(ref, {});
      const done = await trx
        .updateTable('contract_amendments')
        .set({ status: closure.status, closed_by: closure.closedBy, closed_at: closure.closedAt, close_reason: closure.closeReason })
        .where('id', '=', proposed.id)
        .where('status', '=', 'PROPOSED')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw staleVersion('ContractAmendment', proposed.id);
      return { contract: await contract(ref.id), amendment: await amendment(proposed.id) };
    },
  };
}
