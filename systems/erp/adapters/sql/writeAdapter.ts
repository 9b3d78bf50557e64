/**
 * The ERP write port on SQL, inside the capability's transaction: every write commits or rolls
 * back with the idempotency record, the outbox events and the audit entry. The store's own
 * guarantees live here: gapless document numbers (documentNumbers.ts), one invoice per billing
 * draft and one payment per bank reference (UNIQUE), one recognition line per schedule and period
 * (UNIQUE), versioned updates (the version check is in the UPDATE itself), and customer numbers
 * given one at a time per legal entity (`serializeOn`), with one billing profile per customer there.
 */
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation, serializeOn } from '../../../kernel/capability/engine.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import {
  alreadyBilled,
  changedMeanwhile,
  duplicatePayment,
  recognitionConflict,
  recordedNumberTaken,
  termsChanged,
} from '../../ports/rejections.ts';
import type { ErpWritePort } from '../../ports/writePort.ts';
import { nextCustomerNumber } from '../../ports/documentNumbers.ts';
import { documentNumber } from './documentNumbers.ts';
import {
  applicationOf,
  applicationRow,
  billingProfileOf,
  billingProfileRow,
  contractTermsOf,
  contractTermsRow,
  erpProjectRow,
  invoiceLineRow,
  invoiceOf,
  invoiceRow,
  paymentOf,
  paymentRow,
  revenueLineOf,
  revenueLineRow,
  revenueScheduleOf,
  revenueScheduleRow,
} from './rows.ts';
import type { ErpTables } from './tables.ts';
import { sqlCustomerCreditWrites } from './customerCredits.ts';
import { sqlReceivableWriteOffWrites } from './receivableWriteOffs.ts';
import { sqlRevenueRevisionWrites } from './revenueRevisions.ts';

/** `db`: the database `trx` is a transaction of (it names the engine for the numbering lock). */
export function sqlErpWrites(trx: Transaction<ErpTables>, db: Kysely<ErpTables>): ErpWritePort {
  const invoice = async (id: string) =>
    invoiceOf(await trx.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const payment = async (id: string) =>
    paymentOf(await trx.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

  return {
    ...sqlCustomerCreditWrites(trx),
    ...sqlReceivableWriteOffWrites(trx),
    ...sqlRevenueRevisionWrites(trx),
    async enableCustomer(legalEntity, values) {
      // Held until commit: a concurrent enable in the legal entity waits, then sees this one's profile.
      await serializeOn(db, trx, `erp.customerNumbers:${legalEntity.id}`);
      const existing = await trx
        .selectFrom('billing_profiles')
        .selectAll()
        .where('account_id', '=', values.accountId)
        .where('legal_entity_id', '=', legalEntity.id)
        .executeTakeFirst();
      if (existing) return { profile: billingProfileOf(existing), created: false };
      const numbers = await trx
        .selectFrom('billing_profiles')
        .select('customer_number')
        .where('customer_number', 'like', `${legalEntity.code}-C%`)
        .execute();
      const customerNumber = nextCustomerNumber(
        legalEntity.code,
        numbers.map((row) => row.customer_number),
      );
      await trx
        .insertInto('billing_profiles')
        .values(billingProfileRow({ ...values, legalEntityId: legalEntity.id, customerNumber, aggregateVersion: 1 }))
        .execute();
      const created = await trx.selectFrom('billing_profiles').selectAll().where('id', '=', values.id).executeTakeFirstOrThrow();
      return { profile: billingProfileOf(created), created: true };
    },

    async setCreditHold(ref, creditHold) {
      await updateAggregate(trx, 'billing_profiles', 'CustomerBillingProfile', ref, { credit_hold: creditHold ? 1 : 0 });
      return billingProfileOf(await trx.selectFrom('billing_profiles').selectAll().where('id', '=', ref.id).executeTakeFirstOrThrow());
    },

    async putContractTerms(terms, expected) {
      const values = contractTermsRow({ ...terms, aggregateVersion: (expected?.aggregateVersion ?? 0) + 1 });
      if (expected === null) {
        await trx.insertInto('contract_terms').values(values).execute();
      } else {
        const updated = await trx
          .updateTable('contract_terms')
          .set(values)
          .where('contract_id', '=', expected.contractId)
          .where('aggregate_version', '=', expected.aggregateVersion)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw termsChanged(expected.contractId);
      }
      return contractTermsOf(
        await trx.selectFrom('contract_terms').selectAll().where('contract_id', '=', terms.contractId).executeTakeFirstOrThrow(),
      );
    },

    async openErpProjects(legalEntity, projects) {
      if (projects.length === 0) return [];
      const prefix = `${legalEntity.code}-J`;
      const last = await trx
        .selectFrom('erp_projects')
        .select((eb) => eb.fn.max('erp_project_number').as('number'))
        .where('erp_project_number', 'like', `${prefix}%`)
        .executeTakeFirst();
      const start = last?.number ? Number(String(last.number).slice(prefix.length)) : 0;
      const opened = projects.map((project, index) => ({
        ...project,
        legalEntityId: legalEntity.id,
        erpProjectNumber: `${prefix}${String(start + index + 1).padStart(5, '0')}`,
      }));
      await trx.insertInto('erp_projects').values(opened.map(erpProjectRow)).execute();
      return opened;
    },

    async allocateRevenue(superseded, schedules) {
      for (const schedule of superseded) {
        await trx
          .updateTable('revenue_schedules')
          .set({ status: 'SUPERSEDED', aggregate_version: schedule.aggregateVersion + 1 })
          .where('id', '=', schedule.id)
          .execute();
      }
      if (schedules.length === 0) return [];
      await trx.insertInto('revenue_schedules').values(schedules.map(revenueScheduleRow)).execute();
      const written = await trx
        .selectFrom('revenue_schedules')
        .selectAll()
        .where(
          'id',
          'in',
          schedules.map((schedule) => schedule.id),
        )
        .execute();
      return schedules.map((schedule) => revenueScheduleOf(written.find((row) => row.id === schedule.id)!));
    },

    async postInvoice({ lines, ...draft }, numbering) {
      const source = draft.sourceBillingDraftId;
      if (source !== null) {
        const billed = await trx
          .selectFrom('invoices')
          .select('invoice_number')
          .where('source_billing_draft_id', '=', source)
          .executeTakeFirst();
        if (billed) throw alreadyBilled(source, billed.invoice_number);
      }
      const invoiceNumber = await documentNumber(trx, numbering);
      try {
        await trx
          .insertInto('invoices')
          .values(invoiceRow({ ...draft, invoiceNumber, aggregateVersion: 1 }))
          .execute();
      } catch (error) {
        // A concurrent release of the same draft committed first.
        if (source !== null && isUniqueViolation(error, 'invoices', ['source_billing_draft_id'])) throw alreadyBilled(source);
        if (source !== null && 'recorded' in numbering && isUniqueViolation(error, 'invoices', ['invoice_number'])) {
          throw recordedNumberTaken(source, invoiceNumber);
        }
        throw error;
      }
      await trx
        .insertInto('invoice_lines')
        .values(lines.map((line) => invoiceLineRow({ ...line, invoiceId: draft.id })))
        .execute();
      return invoice(draft.id);
    },

    async creditInvoice(ref, change) {
      await updateAggregate(
        trx,
        'invoices',
        'Invoice',
        ref,
        {
          amount_credited_e4: change.amountCreditedE4,
          ...(change.status ? { status: change.status } : {}),
        },
        () => changedMeanwhile('Invoice', ref.id),
      );
      return invoice(ref.id);
    },

    async recordPayment(values) {
      const duplicate = () => duplicatePayment(values.paymentNumber);
      if (await trx.selectFrom('payments').select('id').where('payment_number', '=', values.paymentNumber).executeTakeFirst())
        throw duplicate();
      try {
        await trx
          .insertInto('payments')
          .values(paymentRow({ ...values, status: 'RECEIVED', aggregateVersion: 1 }))
          .execute();
      } catch (error) {
        // The same bank reference recorded concurrently under another key: the bank reference is the natural key.
        if (isUniqueViolation(error, 'payments', ['payment_number'])) throw duplicate();
        throw error;
      }
      return payment(values.id);
    },

    async applyPayment(change) {
      await updateAggregate(
        trx,
        'invoices',
        'Invoice',
        change.invoice,
        {
          status: change.invoiceStatus,
          amount_paid_e4: change.amountPaidE4,
        },
        () => changedMeanwhile('Invoice', change.invoice.id),
      );
      // The payment's version moves too, so two applications racing on one payment cannot both spend it.
      await updateAggregate(
        trx,
        'payments',
        'Payment',
        change.payment,
        {
          status: change.paymentStatus,
        },
        () => changedMeanwhile('Payment', change.payment.id),
      );
      await trx.insertInto('payment_applications').values(applicationRow(change.application)).execute();
      const [updatedInvoice, updatedPayment, application] = await Promise.all([
        invoice(change.invoice.id),
        payment(change.payment.id),
        trx.selectFrom('payment_applications').selectAll().where('id', '=', change.application.id).executeTakeFirstOrThrow(),
      ]);
      return { invoice: updatedInvoice, payment: updatedPayment, application: applicationOf(application) };
    },

    async recognizeRevenue(lines, schedules) {
      for (const { schedule, recognizedE4, status } of schedules) {
        await updateAggregate(
          trx,
          'revenue_schedules',
          'RevenueSchedule',
          schedule,
          {
            recognized_e4: recognizedE4,
            status,
          },
          recognitionConflict,
        );
      }
      if (lines.length === 0) return { lines: [], schedules: [] };
      try {
        await trx.insertInto('revenue_schedule_lines').values(lines.map(revenueLineRow)).execute();
      } catch (error) {
        if (isUniqueViolation(error, 'revenue_schedule_lines', ['schedule_id', 'period_id'])) throw recognitionConflict();
        throw error;
      }
      const [storedLines, storedSchedules] = await Promise.all([
        trx
          .selectFrom('revenue_schedule_lines')
          .selectAll()
          .where(
            'id',
            'in',
            lines.map((line) => line.id),
          )
          .execute(),
        trx
          .selectFrom('revenue_schedules')
          .selectAll()
          .where(
            'id',
            'in',
            schedules.map(({ schedule }) => schedule.id),
          )
          .orderBy('id')
          .execute(),
      ]);
      return { lines: storedLines.map(revenueLineOf), schedules: storedSchedules.map(revenueScheduleOf) };
    },
  };
}
