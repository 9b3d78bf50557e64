/**
 * The CRM write port on SQL: each operation inside the capability's transaction, so the
 * idempotency record, the change, the outbox events and the audit entry commit together. A
 * transition's UPDATE carries the version the capability read (`updateAggregate`): a concurrent
 * change makes it VERSION_CONFLICT whatever the isolation level.
 */
import type { Kysely, Transaction } from 'kysely';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import { CONTRACT_STATUS_AFTER, staleVersion, type CrmWritePort, type Versioned } from '../../ports/writePort.ts';
import type { Contract, Opportunity } from '../../ports/types.ts';
import { contractOf, contractRow, opportunityLineRow, opportunityOf, opportunityRow } from './rows.ts';
import type { ContractRow, CrmTables, OpportunityRow } from './tables.ts';
import { sqlAmendmentWrites } from './amendments.ts';

export function createSqlCrmWrites(trx: Transaction<CrmTables>): CrmWritePort {
  const opportunity = async (id: string): Promise<Opportunity> =>
    opportunityOf(await trx.selectFrom('opportunities').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const contract = async (id: string): Promise<Contract> =>
    contractOf(await trx.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const moveContract = async (ref: Versioned, values: Partial<ContractRow>): Promise<Contract> => {
    await update(trx, 'contracts', 'Contract', ref, values);
    return contract(ref.id);
  };
  return {
    async openOpportunity(draft, lines) {
      await trx
        .insertInto('opportunities')
        .values(opportunityRow({ ...draft, aggregateVersion: 1 }))
        .execute();
      if (lines.length > 0) {
        await trx
          .insertInto('opportunity_lines')
          .values(lines.map((line) => opportunityLineRow({ ...line, opportunityId: draft.id })))
          .execute();
      }
      return opportunity(draft.id);
    },
    async moveOpportunityStage(ref, change) {
      const values: Partial<OpportunityRow> = {
        stage: change.stage,
        source_stage: change.sourceStage,
        probability: change.probability,
        forecast_category: change.forecastCategory,
        loss_reason: change.lossReason,
        ...(change.closeDate === undefined ? {} : { close_date: change.closeDate }),
      };
      await update(trx, 'opportunities', 'Opportunity', ref, values);
      return opportunity(ref.id);
    },
    async draftContractFromOpportunity(draft) {
      await trx
        .insertInto('contracts')
        .values(contractRow({ ...draft, aggregateVersion: 1 }))
        .execute();
      return contract(draft.id);
    },
    submitContractForApproval: (ref, submittedBy) =>
      moveContract(ref, { status: CONTRACT_STATUS_AFTER.submitContractForApproval, submitted_by: submittedBy }),
    approveContract: (ref, approval) =>
      moveContract(ref, {
        status: CONTRACT_STATUS_AFTER.approveContract,
        approved_by: approval.approvedBy,
        approved_at: approval.approvedAt,
      }),
    recordContractSignature: (ref, signature) =>
      moveContract(ref, {
        status: CONTRACT_STATUS_AFTER.recordContractSignature,
        signed_at: signature.signedAt,
        customer_signatory: signature.customerSignatory,
        document_url: signature.documentUrl,
      }),
    recordContractActivation: (ref, activatedAt) =>
      moveContract(ref, { status: CONTRACT_STATUS_AFTER.recordContractActivation, activated_at: activatedAt }),
    ...sqlAmendmentWrites(trx),
  };
}

function update(
  trx: Kysely<CrmTables>,
  table: 'opportunities' | 'contracts',
  entity: string,
  ref: Versioned,
  values: Readonly<Record<string, unknown>>,
): Promise<number> {
  return updateAggregate(trx as Transaction<CrmTables>, table, entity, ref, values, () => staleVersion(entity, ref.id));
}
