/**
 * Receivable write-offs on the in-memory vendor (docs/capabilities.md#receivable-write-off): the
 * reads answer what the SQL adapter answers (scope on the write-off's legal entity and customer, the
 * same orders); a decision moves the write-off (and an approval's invoice) from the version the
 * capability read, like the SQL adapter's versioned updates.
 */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { ReceivableWriteOff, ReceivableWriteOffReads, ReceivableWriteOffWrites } from '../../ports/receivableWriteOffs.ts';
import { changedMeanwhile } from '../../ports/rejections.ts';
import type { Invoice } from '../../ports/types.ts';
import type { VendorRecords } from './vendorRecords.ts';

export const WRITE_OFF_OBJECT = 'ReceivableWriteOff';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function memoryReceivableWriteOffReads(records: VendorRecords, scope: RecordScope): ReceivableWriteOffReads {
  const visible = isVisible(scope, {
    legalEntity: (w: ReceivableWriteOff) => w.legalEntityId,
    account: (w: ReceivableWriteOff) => w.accountId,
  });
  const writeOffs = (match: (w: ReceivableWriteOff) => boolean) =>
    records.where<ReceivableWriteOff>(WRITE_OFF_OBJECT, (w) => match(w) && visible(w));
  return {
    receivableWriteOffsByIds: async (ids) => (await writeOffs((w) => ids.includes(w.id))).sort((a, b) => compare(a.id, b.id)),
    receivableWriteOffsByInvoiceIds: async (ids) =>
      (await writeOffs((w) => ids.includes(w.invoiceId))).sort((a, b) => compare(a.requestedAt, b.requestedAt) || compare(a.id, b.id)),
  };
}

export function memoryReceivableWriteOffWrites(writes: CallWrites, invoiceType: string): ReceivableWriteOffWrites {
  async function transition<T extends { id: string; aggregateVersion: number }>(
    type: string,
    id: string,
    aggregateVersion: number,
    changes: Partial<T>,
    entity: string,
  ): Promise<T> {
    const [current] = await writes.find<T>(type, (record) => record.id === id);
    if (!current) throw changedMeanwhile(entity, id);
    return writes.transition(
      type,
      current,
      aggregateVersion,
      (record) => ({ ...record, ...changes }),
      () => changedMeanwhile(entity, id),
    );
  }
  return {
    requestReceivableWriteOff: (writeOff) => writes.create<ReceivableWriteOff>(WRITE_OFF_OBJECT, 'receivable-write-off', writeOff),
    async decideReceivableWriteOff(change) {
      const writeOff = await transition<ReceivableWriteOff>(
        WRITE_OFF_OBJECT,
        change.writeOff.id,
        change.writeOff.aggregateVersion,
        {
          status: change.status,
          decidedBy: change.decidedBy,
          decidedAt: change.decidedAt,
          decisionNote: change.decisionNote,
          writtenOffOn: change.writtenOffOn,
          postingPeriodId: change.postingPeriodId,
        },
        'ReceivableWriteOff',
      );
      const invoice = change.invoice
        ? await transition<Invoice>(
            invoiceType,
            change.invoice.ref.id,
            change.invoice.ref.aggregateVersion,
            { amountWrittenOffE4: change.invoice.amountWrittenOffE4, status: change.invoice.status },
            'Invoice',
          )
        : null;
      return { writeOff, invoice };
    },
  };
}
