/**
 * The ERP's metric reads over the in-memory vendor: the same sums as the SQL adapter
 * (sql/metricReads.ts, docs/metrics.md), from the vendor's records.
 */
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import { BILLED_INVOICE_STATUSES } from '../../invoiceStatuses.ts';
import { RECEIVABLE_STATUSES, RETIRED_SCHEDULE_STATUSES, type ErpMetricsReads, type MetricFilter } from '../../ports/metricsPort.ts';
import type { ErpProject, Invoice, PaymentApplication, RevenueSchedule } from '../../ports/types.ts';
import { ERP_OBJECTS as O } from './objects.ts';
import type { VendorRecords } from './vendorRecords.ts';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sumBy<T>(rows: readonly T[], keyOf: (row: T) => string, amountOf: (row: T) => number): Map<string, { row: T; amountE4: number }> {
  const sums = new Map<string, { row: T; amountE4: number }>();
  for (const row of rows) {
    const key = keyOf(row);
    sums.set(key, { row, amountE4: (sums.get(key)?.amountE4 ?? 0) + amountOf(row) });
  }
  return sums;
}

export function createMemoryErpMetricReads(records: VendorRecords, scope: RecordScope): ErpMetricsReads {
  const ofCustomer = isVisible(scope, {
    legalEntity: (record: { legalEntityId: string; accountId: string | null }) => record.legalEntityId,
    account: (record: { legalEntityId: string; accountId: string | null }) => record.accountId,
  });
  const matches = (filter: MetricFilter, record: { legalEntityId: string; currency: string }) =>
    (filter.legalEntityId === null || record.legalEntityId === filter.legalEntityId) &&
    (filter.currency === null || record.currency === filter.currency);
  const invoices = (match: (invoice: Invoice) => boolean) => records.where<Invoice>(O.invoice, (i) => ofCustomer(i) && match(i));

  return {
    receivablesAt: async (asOf, filter) => {
      const docs = await invoices((i) => RECEIVABLE_STATUSES.includes(i.status) && i.invoiceDate <= asOf && matches(filter, i));
      const ids = new Set(docs.map((i) => i.id));
      const paid = await records.where<PaymentApplication>(O.application, (a) => ids.has(a.invoiceId) && a.appliedOn <= asOf);
      const byInvoice = new Map(docs.map((i) => [i.id, i]));
      const amounts = [
        ...docs.map((i) => ({ legalEntityId: i.legalEntityId, currency: i.currency, amountE4: i.totalE4 })),
        ...paid.map((a) => {
          const i = byInvoice.get(a.invoiceId) as Invoice;
          return { legalEntityId: i.legalEntityId, currency: i.currency, amountE4: -a.amountE4 };
        }),
      ];
      return [
        ...sumBy(
          amounts,
          (r) => `${r.legalEntityId}|${r.currency}`,
          (r) => r.amountE4,
        ).values(),
      ]
        .map(({ row, amountE4 }) => ({ legalEntityId: row.legalEntityId, currency: row.currency, amountE4 }))
        .sort((a, b) => cmp(a.legalEntityId, b.legalEntityId) || cmp(a.currency, b.currency));
    },
    monthlySales: async (from, to, filter) => {
      const docs = await invoices(
        (i) =>
          i.kind === 'INVOICE' &&
          BILLED_INVOICE_STATUSES.includes(i.status) &&
          i.invoiceDate >= from &&
          i.invoiceDate <= to &&
          matches(filter, i),
      );
      return [
        ...sumBy(
          docs,
          (i) => `${i.legalEntityId}|${i.currency}|${i.invoiceDate.slice(0, 7)}`,
          (i) => i.totalE4,
        ).values(),
      ].map(({ row, amountE4 }) => ({
        legalEntityId: row.legalEntityId,
        currency: row.currency,
        month: row.invoiceDate.slice(0, 7),
        amountE4,
      }));
    },
    projectRevenue: async (filter) => {
      const jobs = new Map((await records.where<ErpProject>(O.erpProject, (job) => ofCustomer(job))).map((job) => [job.projectId, job]));
      const schedules = await records.where<RevenueSchedule>(
        O.schedule,
        (s) =>
          jobs.has(s.projectId) &&
          !RETIRED_SCHEDULE_STATUSES.includes(s.status) &&
          (filter.projectIds === null || filter.projectIds.includes(s.projectId)) &&
          (filter.legalEntityId === null || jobs.get(s.projectId)?.legalEntityId === filter.legalEntityId) &&
          (filter.currency === null || s.currency === filter.currency),
      );
      const sums = new Map<
        string,
        { projectId: string; legalEntityId: string; currency: string; allocatedE4: number; recognizedE4: number }
      >();
      for (const s of schedules) {
        const key = `${s.projectId}|${s.currency}`;
        const total = sums.get(key) ?? {
          projectId: s.projectId,
          legalEntityId: jobs.get(s.projectId)?.legalEntityId ?? '',
          currency: s.currency,
          allocatedE4: 0,
          recognizedE4: 0,
        };
        sums.set(key, { ...total, allocatedE4: total.allocatedE4 + s.allocatedE4, recognizedE4: total.recognizedE4 + s.recognizedE4 });
      }
      return [...sums.values()].sort((a, b) => cmp(a.projectId, b.projectId) || cmp(a.currency, b.currency));
    },
    invoicesFromDrafts: async (period, filter) =>
      (
        await invoices(
          (i) =>
            i.kind === 'INVOICE' &&
            BILLED_INVOICE_STATUSES.includes(i.status) &&
            i.sourceBillingDraftId !== null &&
            i.invoiceDate >= period.from &&
            i.invoiceDate <= period.to &&
            matches(filter, i),
        )
      )
        .sort((a, b) => cmp(a.invoiceDate, b.invoiceDate) || cmp(a.id, b.id))
        .map((i) => ({
          invoiceId: i.id,
          billingDraftId: i.sourceBillingDraftId ?? '',
          legalEntityId: i.legalEntityId,
          invoiceDate: i.invoiceDate,
        })),
  };
}
