/**
 * The ERP read port over the in-memory vendor: the vendor answers queries by object type, and the
 * adapter keeps only what the caller's record scope may see (the same row rules `inScope` applies
 * in SQL), children through their parent. Orders match the SQL adapter's, so both answer alike.
 */
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import { BILLED_INVOICE_STATUSES, OPEN_INVOICE_STATUSES } from '../../invoiceStatuses.ts';
import type { ErpReadPort } from '../../ports/readPort.ts';
import type {
  AccountingPeriod,
  BillingProfile,
  ContractTerms,
  CurrencyTotal,
  ErpProject,
  Invoice,
  InvoiceLine,
  LegalEntity,
  Payment,
  PaymentApplication,
  RateCard,
  RateCardLine,
  RevenueSchedule,
  RevenueScheduleLine,
  TaxProfile,
} from '../../ports/types.ts';
import { createMemoryErpMetricReads } from './memoryMetrics.ts';
import { memoryCustomerCreditReads } from './memoryCustomerCredits.ts';
import { memoryReceivableWriteOffReads } from './memoryReceivableWriteOffs.ts';
import { ERP_OBJECTS as O } from './objects.ts';
import type { VendorRecords } from './vendorRecords.ts';

type Sortable = string | number;
const by =
  <T>(...keys: ((record: T) => Sortable)[]) =>
  (a: T, b: T): number => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
const desc =
  <T>(key: (record: T) => string) =>
  (a: T, b: T): number =>
    -by(key)(a, b);
const sorted = <T>(records: T[], ...orders: ((a: T, b: T) => number)[]): T[] =>
  records.sort((a, b) => orders.reduce((result, order) => result || order(a, b), 0));

export function memoryErpReads(records: VendorRecords, scope: RecordScope): ErpReadPort {
  const ofLegalEntity = isVisible(scope, { legalEntity: (record: { legalEntityId: string }) => record.legalEntityId });
  const ofCustomer = isVisible(scope, {
    legalEntity: (record: { legalEntityId: string; accountId: string | null }) => record.legalEntityId,
    account: (record: { legalEntityId: string; accountId: string | null }) => record.accountId,
  });
  const within = <T>(type: string, keep: (record: T) => boolean, match: (record: T) => boolean) =>
    records.where<T>(type, (record) => match(record) && keep(record));
  const among = (ids: readonly string[]) => new Set(ids);
  const invoices = (match: (invoice: Invoice) => boolean) => within<Invoice>(O.invoice, ofCustomer, match);
  const visibleInvoiceIds = async (ids: readonly string[]) => new Set((await invoices((i) => among(ids).has(i.id))).map((i) => i.id));
  const jobs = async () => new Set((await within<ErpProject>(O.erpProject, ofCustomer, () => true)).map((job) => job.projectId));
  const schedules = async (match: (schedule: RevenueSchedule) => boolean) => {
    const visible = await jobs();
    return sorted(
      await records.where<RevenueSchedule>(O.schedule, (s) => match(s) && visible.has(s.projectId)),
      by((s) => s.id),
    );
  };
  const totals = (rows: { key: string; currency: string; amountE4: number }[]): CurrencyTotal[] => {
    const sums = new Map<string, CurrencyTotal>();
    for (const row of rows) {
      const id = `${row.key}\u0000${row.currency}`;
      sums.set(id, { key: row.key, currency: row.currency, amountE4: (sums.get(id)?.amountE4 ?? 0) + row.amountE4 });
    }
    return sorted(
      [...sums.values()],
      by((total) => total.currency),
    );
  };

  return {
    ...createMemoryErpMetricReads(records, scope),
    ...memoryCustomerCreditReads(records, scope),
    ...memoryReceivableWriteOffReads(records, scope),
    legalEntities: async () =>
      sorted(
        await records.where<LegalEntity>(O.legalEntity, (e) => isVisible(scope, { legalEntity: (x: LegalEntity) => x.id })(e)),
        by((e) => e.code),
      ),
    legalEntitiesByIds: async (ids) =>
      records.where<LegalEntity>(
        O.legalEntity,
        (e) => among(ids).has(e.id) && isVisible(scope, { legalEntity: (x: LegalEntity) => x.id })(e),
      ),
    periodsByIds: (ids) => within<AccountingPeriod>(O.period, ofLegalEntity, (p) => among(ids).has(p.id)),
    periodsByLegalEntityIds: async (ids) =>
      sorted(
        await within<AccountingPeriod>(O.period, ofLegalEntity, (p) => among(ids).has(p.legalEntityId)),
        by((p) => p.startDate),
      ),
    taxProfilesByIds: (ids) => records.where<TaxProfile>(O.taxProfile, (t) => among(ids).has(t.id)),
    rateCards: async () =>
      sorted(
        await within<RateCard>(O.rateCard, ofLegalEntity, () => true),
        by((c) => c.id),
      ),
    rateCardsByIds: (ids) => within<RateCard>(O.rateCard, ofLegalEntity, (c) => among(ids).has(c.id)),
    rateCardLinesByRateCardIds: async (ids) => {
      const cards = new Set((await within<RateCard>(O.rateCard, ofLegalEntity, (c) => among(ids).has(c.id))).map((c) => c.id));
      return sorted(
        await records.where<RateCardLine>(O.rateCardLine, (l) => cards.has(l.rateCardId)),
        by(
          (l) => l.roleId,
          (l) => l.effectiveFrom,
        ),
      );
    },
    billingProfilesByAccountIds: async (ids) =>
      sorted(
        await within<BillingProfile>(O.billingProfile, ofCustomer, (p) => among(ids).has(p.accountId)),
        by((p) => p.customerNumber),
      ),
    contractTermsByContractIds: (ids) => records.where<ContractTerms>(O.contractTerms, (t) => among(ids).has(t.contractId)),
    erpProjectsByProjectIds: (ids) => within<ErpProject>(O.erpProject, ofCustomer, (p) => among(ids).has(p.projectId)),
    invoicesByIds: (ids) => invoices((i) => among(ids).has(i.id)),
    invoicesPage: async (filter, page) => {
      const matching = sorted(
        await invoices(
          (i) =>
            (!filter.status?.length || filter.status.includes(i.status)) &&
            (!filter.customerId || i.accountId === filter.customerId) &&
            (!filter.legalEntityId || i.legalEntityId === filter.legalEntityId),
        ),
        by((i) => i.id),
      );
      const after = page.afterId;
      const rows = page.first === 0 ? [] : matching.filter((i) => after === null || i.id > after).slice(0, page.first + 1);
      return { rows, total: matching.length };
    },
    invoicesByAccountIds: async (ids) =>
      sorted(
        await invoices((i) => among(ids).has(i.accountId)),
        desc((i) => i.invoiceDate),
        by((i) => i.id),
      ),
    invoicesByContractIds: async (ids) =>
      sorted(
        await invoices((i) => i.contractId !== null && among(ids).has(i.contractId)),
        desc((i) => i.invoiceDate),
        by((i) => i.id),
      ),
    invoicesByProjectIds: async (ids) =>
      sorted(
        await invoices((i) => i.projectId !== null && among(ids).has(i.projectId)),
        desc((i) => i.invoiceDate),
        by((i) => i.id),
      ),
    invoicesBySourceDraftIds: (ids) => invoices((i) => i.sourceBillingDraftId !== null && among(ids).has(i.sourceBillingDraftId)),
    creditMemosByOriginalInvoiceIds: async (ids) =>
      sorted(
        await invoices((i) => i.originalInvoiceId !== null && among(ids).has(i.originalInvoiceId)),
        by(
          (i) => i.invoiceDate,
          (i) => i.invoiceNumber,
        ),
      ),
    invoiceLinesByInvoiceIds: async (ids) => {
      const visible = await visibleInvoiceIds(ids);
      return sorted(
        await records.where<InvoiceLine>(O.invoiceLine, (l) => visible.has(l.invoiceId)),
        by(
          (l) => l.invoiceId,
          (l) => l.lineNumber,
        ),
      );
    },
    billedByProjectIds: async (ids, through) =>
      totals(
        (
          await invoices(
            (i) =>
              i.projectId !== null &&
              among(ids).has(i.projectId) &&
              BILLED_INVOICE_STATUSES.includes(i.status) &&
              (through === undefined || i.invoiceDate <= through),
          )
        ).map((i) => ({ key: i.projectId!, currency: i.currency, amountE4: i.subtotalE4 })),
      ),
    openReceivablesByAccountIds: async (ids) =>
      totals(
        (await invoices((i) => among(ids).has(i.accountId) && OPEN_INVOICE_STATUSES.includes(i.status))).map((i) => ({
          key: i.accountId,
          currency: i.currency,
          amountE4: i.totalE4 - i.amountPaidE4 - i.amountCreditedE4 - i.amountWrittenOffE4,
        })),
      ),
    paymentsByIds: (ids) => within<Payment>(O.payment, ofCustomer, (p) => among(ids).has(p.id)),
    applicationsByPaymentIds: async (ids) => {
      const found = await records.where<PaymentApplication>(O.application, (a) => among(ids).has(a.paymentId));
      const visible = await visibleInvoiceIds(found.map((a) => a.invoiceId));
      return sorted(
        found.filter((a) => visible.has(a.invoiceId)),
        by((a) => a.id),
      );
    },
    applicationsByInvoiceIds: async (ids) => {
      const visible = await visibleInvoiceIds(ids);
      return sorted(
        await records.where<PaymentApplication>(O.application, (a) => visible.has(a.invoiceId)),
        by((a) => a.id),
      );
    },
    revenueSchedulesByIds: (ids) => schedules((s) => among(ids).has(s.id)),
    revenueSchedulesByProjectIds: (ids) => schedules((s) => among(ids).has(s.projectId)),
    revenueSchedulesByContractIds: (ids) => schedules((s) => s.contractId !== null && among(ids).has(s.contractId)),
    revenueSchedulesByLegalEntityIds: async (ids) => {
      const inEntities = new Set(
        (await within<ErpProject>(O.erpProject, ofCustomer, (p) => among(ids).has(p.legalEntityId))).map((p) => p.projectId),
      );
      return schedules((s) => inEntities.has(s.projectId));
    },
    revenueScheduleLinesByScheduleIds: async (ids) => {
      const visible = new Set((await schedules((s) => among(ids).has(s.id))).map((s) => s.id));
      const lines = await records.where<RevenueScheduleLine>(O.scheduleLine, (l) => visible.has(l.scheduleId));
      const starts = new Map(
        (await records.where<AccountingPeriod>(O.period, (p) => lines.some((l) => l.periodId === p.id))).map((p) => [p.id, p.startDate]),
      );
      return sorted(
        lines,
        by(
          (l) => starts.get(l.periodId) ?? '',
          (l) => l.id,
        ),
      );
    },
  };
}
