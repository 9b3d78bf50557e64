/**
 * The ERP write port over the in-memory vendor (a stand-in for NetSuite's record API). The vendor
 * is not transactional with us and cannot roll back, so every write is made exactly once per
 * capability call: it carries the call's external key for the operation, and is looked up by that
 * key before it is made again (a retry after a lost answer finds it). The store's guarantees hold
 * here too: gapless numbers per legal entity, series and year; one invoice per billing draft; one
 * payment per bank reference; one recognition line per schedule and period; versioned transitions.
 */
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { formatDocumentNumber, parseDocumentNumber } from '../../ports/documentNumbers.ts';
import {
  alreadyBilled,
  changedMeanwhile,
  duplicatePayment,
  recognitionConflict,
  recordedNumberTaken,
  termsChanged,
} from '../../ports/rejections.ts';
import type { ErpWritePort, Numbering } from '../../ports/writePort.ts';
import type {
  ContractTerms,
  ErpProject,
  Invoice,
  InvoiceLine,
  Payment,
  PaymentApplication,
  RevenueSchedule,
  RevenueScheduleLine,
} from '../../ports/types.ts';
import { ERP_OBJECTS as O } from './objects.ts';
import { canonical, vendorCall, type VendorRecords } from './vendorCalls.ts';

interface Sequence {
  readonly id: string;
  readonly lastNumber: number;
}

export function memoryErpWrites(records: VendorRecords, call: RemoteCall): ErpWritePort {
  const key = (operation: string) => call.externalKey(operation);

  /** The number of this call's document: reserved once, even when an attempt died after taking it. */
  async function number(numbering: Numbering, operation: string): Promise<string> {
    const reserved = await records.created<{ number: string }>(O.reservedNumber, key(operation));
    if (reserved) return reserved.number;
    const { legalEntity, series } = numbering;
    const recorded = 'recorded' in numbering ? numbering.recorded : null;
    const parsed = recorded === null ? null : parseDocumentNumber(legalEntity.code, series, recorded);
    const year = parsed?.year ?? Number(('date' in numbering ? numbering.date : (recorded ?? '')).slice(0, 4));
    const sequenceId = `${legalEntity.id}:${series}:${year}`;
    const taken = await vendorCall(async () => {
      const counter = await records.vendor.findByExternalId(O.sequence, sequenceId);
      if (recorded !== null) {
        if (parsed && counter && canonical<Sequence>(counter).lastNumber < parsed.sequence)
          await records.set(O.sequence, counter, key(operation), { lastNumber: parsed.sequence });
        if (parsed && !counter) await records.vendor.create(O.sequence, { id: sequenceId, lastNumber: parsed.sequence }, sequenceId);
        return recorded;
      }
      if (!counter) {
        await records.vendor.create(O.sequence, { id: sequenceId, lastNumber: 1, tesseraLastWrite: key(operation) }, sequenceId);
        return formatDocumentNumber(legalEntity.code, series, year, 1);
      }
      const current = canonical<Sequence>(counter);
      // This call's earlier attempt took the counter's last number and died before reserving it.
      if ((counter.fields as Record<string, unknown>).tesseraLastWrite === key(operation))
        return formatDocumentNumber(legalEntity.code, series, year, current.lastNumber);
      const next = await records.set<Sequence>(O.sequence, counter, key(operation), { lastNumber: current.lastNumber + 1 });
      return formatDocumentNumber(legalEntity.code, series, year, next.lastNumber);
    });
    return (await records.ensure(O.reservedNumber, key(operation), { number: taken })).number;
  }

  return {
    async putContractTerms(terms, expected) {
      if (expected === null) return records.ensure<ContractTerms>(O.contractTerms, key('terms'), { ...terms, aggregateVersion: 1 });
      return records.transition<ContractTerms>(
        O.contractTerms,
        'contractId',
        expected.contractId,
        expected.aggregateVersion,
        key('terms'),
        terms,
        () => termsChanged(expected.contractId),
      );
    },

    async openErpProjects(legalEntity, projects) {
      const prefix = `${legalEntity.code}-J`;
      const opened: ErpProject[] = [];
      for (const project of projects) {
        const operation = key(`job:${project.projectId}`);
        const earlier = await records.created<ErpProject>(O.erpProject, operation);
        if (earlier) {
          opened.push(earlier);
          continue;
        }
        const numbers = (await records.where<ErpProject>(O.erpProject, (job) => job.erpProjectNumber.startsWith(prefix))).map((job) =>
          Number(job.erpProjectNumber.slice(prefix.length)),
        );
        const erpProjectNumber = `${prefix}${String(Math.max(0, ...numbers) + 1).padStart(5, '0')}`;
        opened.push(
          await records.ensure<ErpProject>(O.erpProject, operation, { ...project, legalEntityId: legalEntity.id, erpProjectNumber }),
        );
      }
      return opened;
    },

    async allocateRevenue(superseded, schedules) {
      for (const schedule of superseded) {
        await records.transition<RevenueSchedule>(
          O.schedule,
          'id',
          schedule.id,
          schedule.aggregateVersion,
          key(`supersede:${schedule.id}`),
          {
            status: 'SUPERSEDED',
          },
          () => changedMeanwhile('RevenueSchedule', schedule.id),
        );
      }
      const created: RevenueSchedule[] = [];
      for (const schedule of schedules)
        created.push(await records.ensure<RevenueSchedule>(O.schedule, key(`schedule:${schedule.projectId}`), schedule));
      return created;
    },

    async postInvoice({ lines, ...draft }, numbering) {
      let invoice = await records.created<Invoice>(O.invoice, key('invoice'));
      if (!invoice) {
        const source = draft.sourceBillingDraftId;
        if (source !== null) {
          const [billed] = await records.where<Invoice>(O.invoice, (candidate) => candidate.sourceBillingDraftId === source);
          if (billed) throw alreadyBilled(source, billed.invoiceNumber);
        }
        const invoiceNumber = await number(numbering, 'invoice-number');
        if (
          'recorded' in numbering &&
          source !== null &&
          (await records.where<Invoice>(O.invoice, (other) => other.invoiceNumber === invoiceNumber)).length > 0
        ) {
          throw recordedNumberTaken(source, invoiceNumber);
        }
        invoice = await records.ensure<Invoice>(O.invoice, key('invoice'), { ...draft, invoiceNumber, aggregateVersion: 1 });
      }
      const invoiceId = invoice.id;
      for (const line of lines)
        await records.ensure<InvoiceLine>(O.invoiceLine, key(`invoice-line:${line.lineNumber}`), { ...line, invoiceId });
      return invoice;
    },

    creditInvoice: (invoice, change) =>
      records.transition<Invoice>(O.invoice, 'id', invoice.id, invoice.aggregateVersion, key('credit'), change, () =>
        changedMeanwhile('Invoice', invoice.id),
      ),

    async recordPayment(values) {
      const earlier = await records.created<Payment>(O.payment, key('payment'));
      if (earlier) return earlier;
      if ((await records.where<Payment>(O.payment, (payment) => payment.paymentNumber === values.paymentNumber)).length > 0) {
        throw duplicatePayment(values.paymentNumber);
      }
      return records.ensure<Payment>(O.payment, key('payment'), { ...values, status: 'RECEIVED', aggregateVersion: 1 });
    },

    async applyPayment(change) {
      const invoice = await records.transition<Invoice>(
        O.invoice,
        'id',
        change.invoice.id,
        change.invoice.aggregateVersion,
        key('apply:invoice'),
        {
          status: change.invoiceStatus,
          amountPaidE4: change.amountPaidE4,
        },
        () => changedMeanwhile('Invoice', change.invoice.id),
      );
      const payment = await records.transition<Payment>(
        O.payment,
        'id',
        change.payment.id,
        change.payment.aggregateVersion,
        key('apply:payment'),
        {
          status: change.paymentStatus,
        },
        () => changedMeanwhile('Payment', change.payment.id),
      );
      const application = await records.ensure<PaymentApplication>(O.application, key('application'), change.application);
      return { invoice, payment, application };
    },

    async recognizeRevenue(lines, schedules) {
      const moved: RevenueSchedule[] = [];
      for (const { schedule, recognizedE4, status } of schedules) {
        moved.push(
          await records.transition<RevenueSchedule>(
            O.schedule,
            'id',
            schedule.id,
            schedule.aggregateVersion,
            key(`recognize:${schedule.id}`),
            {
              recognizedE4,
              status,
            },
            recognitionConflict,
          ),
        );
      }
      const stored: RevenueScheduleLine[] = [];
      for (const line of lines) {
        const operation = key(`line:${line.scheduleId}`);
        const earlier = await records.created<RevenueScheduleLine>(O.scheduleLine, operation);
        if (
          !earlier &&
          (
            await records.where<RevenueScheduleLine>(
              O.scheduleLine,
              (other) => other.scheduleId === line.scheduleId && other.periodId === line.periodId,
            )
          ).length > 0
        ) {
          throw recognitionConflict();
        }
        stored.push(earlier ?? (await records.ensure<RevenueScheduleLine>(O.scheduleLine, operation, line)));
      }
      return { lines: stored, schedules: moved.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
    },
  };
}
