/**
 * Receivable write-offs on SQL (docs/capabilities.md#receivable-write-off): read within the caller's
 * record scope (a write-off carries its invoice's legal entity and customer), written inside the
 * capability's transaction. A decision is a versioned UPDATE of the write-off and, when approved, of
 * its invoice, so two approvals, or an approval racing a payment, never over-settle an invoice
 * (docs/invariants.md#inv-21).
 */
import type { Kysely, Transaction } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import { inScope, noKeys } from '../../../kernel/sqlPage.ts';
import type {
  ReceivableWriteOff,
  ReceivableWriteOffReads,
  ReceivableWriteOffReason,
  ReceivableWriteOffStatus,
  ReceivableWriteOffWrites,
} from '../../ports/receivableWriteOffs.ts';
import { changedMeanwhile } from '../../ports/rejections.ts';
import type { ReceivableWriteOffRow } from './receivableWriteOffTables.ts';
import { invoiceOf } from './rows.ts';
import type { ErpTables } from './tables.ts';

const CUSTOMER = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

const writeOffOf = (row: ReceivableWriteOffRow): ReceivableWriteOff => ({
  id: row.id,
  invoiceId: row.invoice_id,
  legalEntityId: row.legal_entity_id,
  accountId: row.account_id,
  currency: row.currency,
  amountE4: Number(row.amount_e4),
  reasonCode: row.reason_code as ReceivableWriteOffReason,
  reasonText: row.reason_text,
  status: row.status as ReceivableWriteOffStatus,
  requestedBy: row.requested_by,
  requestedAt: row.requested_at,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  decisionNote: row.decision_note,
  writtenOffOn: row.written_off_on,
  postingPeriodId: row.posting_period_id,
  aggregateVersion: row.aggregate_version,
});

const writeOffRow = (w: ReceivableWriteOff): ReceivableWriteOffRow => ({
  id: w.id,
  invoice_id: w.invoiceId,
  legal_entity_id: w.legalEntityId,
  account_id: w.accountId,
  currency: w.currency,
  amount_e4: w.amountE4,
  reason_code: w.reasonCode,
  reason_text: w.reasonText,
  status: w.status,
  requested_by: w.requestedBy,
  requested_at: w.requestedAt,
  decided_by: w.decidedBy,
  decided_at: w.decidedAt,
  decision_note: w.decisionNote,
  written_off_on: w.writtenOffOn,
  posting_period_id: w.postingPeriodId,
  aggregate_version: w.aggregateVersion,
});

export function sqlReceivableWriteOffReads(db: Kysely<ErpTables>, scope: RecordScope): ReceivableWriteOffReads {
  const writeOffs = () => inScope(db.selectFrom('receivable_write_offs'), scope, CUSTOMER);
  return {
    receivableWriteOffsByIds: async (ids) =>
      noKeys(ids) ? [] : (await writeOffs().selectAll().where('id', 'in', ids).orderBy('id').execute()).map(writeOffOf),
    receivableWriteOffsByInvoiceIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await writeOffs().selectAll().where('invoice_id', 'in', ids).orderBy('requested_at').orderBy('id').execute()).map(writeOffOf),
  };
}

export function sqlReceivableWriteOffWrites(trx: Transaction<ErpTables>): ReceivableWriteOffWrites {
  const writeOff = async (id: string) =>
    writeOffOf(await trx.selectFrom('receivable_write_offs').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  return {
    async requestReceivableWriteOff(values) {
      await trx.insertInto('receivable_write_offs').values(writeOffRow(values)).execute();
      return writeOff(values.id);
    },
    async decideReceivableWriteOff(change) {
      await updateAggregate(
        trx,
        'receivable_write_offs',
        'ReceivableWriteOff',
        change.writeOff,
        {
          status: change.status,
          decided_by: change.decidedBy,
          decided_at: change.decidedAt,
          decision_note: change.decisionNote,
          written_off_on: change.writtenOffOn,
          posting_period_id: change.postingPeriodId,
        },
        () => changedMeanwhile('ReceivableWriteOff', change.writeOff.id),
      );
      let invoice = null;
      if (change.invoice) {
        const { ref } = change.invoice;
        await updateAggregate(
          trx,
          'invoices',
          'Invoice',
          ref,
          { amount_written_off_e4: change.invoice.amountWrittenOffE4, status: change.invoice.status },
          () => changedMeanwhile('Invoice', ref.id),
        );
        invoice = invoiceOf(await trx.selectFrom('invoices').selectAll().where('id', '=', ref.id).executeTakeFirstOrThrow());
      }
      return { writeOff: await writeOff(change.writeOff.id), invoice };
    },
  };
}
