/**
 * The ERP write port over the in-memory vendor (a stand-in for NetSuite's record API). The vendor
 * is not transactional with us and cannot roll back, so every write is made exactly once per
 * capability call: it carries the call's external key for the operation, and is looked up by that
 * key before it is made again (a retry after a lost answer finds it); a change is made once per call
 * (the kernel's `CallWrites`, callHistory.ts). The store's guarantees hold
 * here too: gapless numbers per legal entity, series and year; one invoice per billing draft; one
 * payment per bank reference; one recognition line per schedule and period; one billing profile per
 * customer and legal entity; versioned transitions.
 */
import { memoryRevenueRevisionWrites } from './memoryRevenueRevisions.ts';
import { stored, type CallWrites, type Stored } from '../../../kernel/adapters/memory/callHistory.ts';
import { vendorCall } from '../../../kernel/adapters/memory/remoteWrites.ts';
import type { CapabilityRejected } from '../../../kernel/capability/rejection.ts';
import { formatDocumentNumber, nextCustomerNumber, parseDocumentNumber } from '../../ports/documentNumbers.ts';
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
  BillingProfile,
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
import { memoryCustomerCreditWrites } from './memoryCustomerCredits.ts';
import { memoryReceivableWriteOffWrites } from './memoryReceivableWriteOffs.ts';
import type { VendorRecords } from './vendorRecords.ts';

interface Sequence {
  readonly id: string;
  readonly lastNumber: number;
}

/** `records`: the vendor's records as they are (the store's unique rules are checked against them); `writes`: this call's. */
export function memoryErpWrites(records: VendorRecords, writes: CallWrites): ErpWritePort {
  /** A transition of the record whose `idField` is `id`, from `aggregateVersion` to the next, once per call; `conflict` if it moved. */
  async function transition<T extends { aggregateVersion: number }>(
    type: string,
    idField: keyof T & string,
    id: string,
    aggregateVersion: number,
    changes: Partial<T>,
    conflict: () => CapabilityRejected,
  ): Promise<T> {
    const [current] = await writes.find<T>(type, (record) => record[idField] === id);
    if (!current) throw conflict();
    return writes.transition(type, current, aggregateVersion, (record) => ({ ...record, ...changes }), conflict);
  }

  /** The number of this call's document: reserved once, even when an attempt died after taking it. */
  async function number(numbering: Numbering, operation: string): Promise<string> {
    const reserved = await writes.created<{ number: string }>(O.reservedNumber, operation);
    if (reserved) return reserved.number;
    const { legalEntity, series } = numbering;
    const recorded = 'recorded' in numbering ? numbering.recorded : null;
    const parsed = recorded === null ? null : parseDocumentNumber(legalEntity.code, series, recorded);
    const year = parsed?.year ?? Number(('date' in numbering ? numbering.date : (recorded ?? '')).slice(0, 4));
    const sequenceId = `${legalEntity.id}:${series}:${year}`;
    const sequenceChanged = () => changedMeanwhile('DocumentSequence', sequenceId);
    const counter = await vendorCall('erp', O.sequence, () => writes.vendor.findByExternalId<Stored<Sequence>>(O.sequence, sequenceId));
    const createCounter = (lastNumber: number, createdBy: string | null) =>
      vendorCall('erp', O.sequence, () =>
        writes.vendor.create(O.sequence, stored<Sequence>({ id: sequenceId, lastNumber }, createdBy), sequenceId),
      );
    let taken: string;
    if (recorded !== null) {
      if (parsed && counter && counter.fields.record.lastNumber < parsed.sequence)
        await writes.change(O.sequence, counter, (current) => ({ ...current, lastNumber: parsed.sequence }), sequenceChanged);
      if (parsed && !counter) await createCounter(parsed.sequence, null);
      taken = recorded;
    } else if (!counter) {
      await createCounter(1, writes.callKey);
      taken = formatDocumentNumber(legalEntity.code, series, year, 1);
    } else if (writes.wroteLast(counter)) {
      // This call's earlier attempt took the counter's last number and died before reserving it.
      taken = formatDocumentNumber(legalEntity.code, series, year, counter.fields.record.lastNumber);
    } else {
      const next = await writes.change(
        O.sequence,
        counter,
        (current) => ({ ...current, lastNumber: current.lastNumber + 1 }),
        sequenceChanged,
      );
      taken = formatDocumentNumber(legalEntity.code, series, year, next.lastNumber);
    }
    return (await writes.create(O.reservedNumber, operation, { number: taken })).number;
  }

  return {
    ...memoryCustomerCreditWrites(writes, O.invoice),
    ...memoryReceivableWriteOffWrites(writes, O.invoice),
    ...memoryRevenueRevisionWrites(writes, O.schedule),
    async enableCustomer(legalEntity, values) {
      // An earlier attempt of this call created it: the same answer again.
      const earlier = await writes.created<BillingProfile>(O.billingProfile, 'billing-profile');
      if (earlier) return { profile: earlier, created: true };
      const [existing] = await records.where<BillingProfile>(
        O.billingProfile,
        (profile) => profile.accountId === values.accountId && profile.legalEntityId === legalEntity.id,
      );
      if (existing) return { profile: existing, created: false };
      const numbers = (await records.where<BillingProfile>(O.billingProfile, () => true)).map((profile) => profile.customerNumber);
      const customerNumber = nextCustomerNumber(legalEntity.code, numbers);
      const profile = await writes.create<BillingProfile>(O.billingProfile, 'billing-profile', {
        ...values,
        legalEntityId: legalEntity.id,
        customerNumber,
        aggregateVersion: 1,
      });
      return { profile, created: true };
    },

    setCreditHold: (profile, creditHold) =>
      transition<BillingProfile>(O.billingProfile, 'id', profile.id, profile.aggregateVersion, { creditHold }, () =>
        changedMeanwhile('CustomerBillingProfile', profile.id),
      ),

    async putContractTerms(terms, expected) {
      if (expected === null) return writes.create<ContractTerms>(O.contractTerms, 'terms', { ...terms, aggregateVersion: 1 });
      return transition<ContractTerms>(O.contractTerms, 'contractId', expected.contractId, expected.aggregateVersion, terms, () =>
        termsChanged(expected.contractId),
      );
    },

    async openErpProjects(legalEntity, projects) {
      const prefix = `${legalEntity.code}-J`;
      const opened: ErpProject[] = [];
      for (const project of projects) {
        const operation = `job:${project.projectId}`;
        const earlier = await writes.created<ErpProject>(O.erpProject, operation);
        if (earlier) {
          opened.push(earlier);
          continue;
        }
        const numbers = (await records.where<ErpProject>(O.erpProject, (job) => job.erpProjectNumber.startsWith(prefix))).map((job) =>
          Number(job.erpProjectNumber.slice(prefix.length)),
        );
        const erpProjectNumber = `${prefix}${String(Math.max(0, ...numbers) + 1).padStart(5, '0')}`;
        opened.push(
          await writes.create<ErpProject>(O.erpProject, operation, { ...project, legalEntityId: legalEntity.id, erpProjectNumber }),
        );
      }
      return opened;
    },

    async allocateRevenue(superseded, schedules) {
      for (const schedule of superseded) {
        await transition<RevenueSchedule>(
          O.schedule,
          'id',
          schedule.id,
          schedule.aggregateVersion,
          {
            status: 'SUPERSEDED',
          },
          () => changedMeanwhile('RevenueSchedule', schedule.id),
        );
      }
      const created: RevenueSchedule[] = [];
      for (const schedule of schedules)
        created.push(await writes.create<RevenueSchedule>(O.schedule, `schedule:${schedule.projectId}`, schedule));
      return created;
    },

    async postInvoice({ lines, ...draft }, numbering) {
      let invoice = await writes.created<Invoice>(O.invoice, 'invoice');
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
        invoice = await writes.create<Invoice>(O.invoice, 'invoice', { ...draft, invoiceNumber, aggregateVersion: 1 });
      }
      const invoiceId = invoice.id;
      for (const line of lines) await writes.create<InvoiceLine>(O.invoiceLine, `invoice-line:${line.lineNumber}`, { ...line, invoiceId });
      return invoice;
    },

    creditInvoice: (invoice, change) =>
      transition<Invoice>(O.invoice, 'id', invoice.id, invoice.aggregateVersion, change, () => changedMeanwhile('Invoice', invoice.id)),

    async recordPayment(values) {
      const earlier = await writes.created<Payment>(O.payment, 'payment');
      if (earlier) return earlier;
      if ((await records.where<Payment>(O.payment, (payment) => payment.paymentNumber === values.paymentNumber)).length > 0) {
        throw duplicatePayment(values.paymentNumber);
      }
      return writes.create<Payment>(O.payment, 'payment', { ...values, status: 'RECEIVED', aggregateVersion: 1 });
    },

    async applyPayment(change) {
      const invoice = await transition<Invoice>(
        O.invoice,
        'id',
        change.invoice.id,
        change.invoice.aggregateVersion,
        {
          status: change.invoiceStatus,
          amountPaidE4: change.amountPaidE4,
        },
        () => changedMeanwhile('Invoice', change.invoice.id),
      );
      const payment = await transition<Payment>(
        O.payment,
        'id',
        change.payment.id,
        change.payment.aggregateVersion,
        {
          status: change.paymentStatus,
        },
        () => changedMeanwhile('Payment', change.payment.id),
      );
      const application = await writes.create<PaymentApplication>(O.application, 'application', change.application);
      return { invoice, payment, application };
    },

    async recognizeRevenue(lines, schedules) {
      const moved: RevenueSchedule[] = [];
      for (const { schedule, recognizedE4, status } of schedules) {
        moved.push(
          await transition<RevenueSchedule>(
            O.schedule,
            'id',
            schedule.id,
            schedule.aggregateVersion,
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
        const operation = `line:${line.scheduleId}`;
        const earlier = await writes.created<RevenueScheduleLine>(O.scheduleLine, operation);
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
        stored.push(earlier ?? (await writes.create<RevenueScheduleLine>(O.scheduleLine, operation, line)));
      }
      return { lines: stored, schedules: moved.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
    },
  };
}
