/**
 * The ERP's read port: every batch read its resolvers, loaders and capabilities make, in canonical
 * records. A port is bound to one caller's record scope when it is made, and every method answers
 * only what that scope may see (docs/invariants.md#record-scope): a hidden record reads exactly
 * like a missing one, in lookups, lists, pages, counts and sums alike.
 */
import type { CustomerCreditReads } from './customerCredits.ts';
import type { ReceivableWriteOffReads } from './receivableWriteOffs.ts';
import type { ErpMetricsReads } from './metricsPort.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import type {
  AccountingPeriod,
  BillingProfile,
  ContractTerms,
  CurrencyTotal,
  ErpProject,
  Invoice,
  InvoiceFilter,
  InvoiceLine,
  LegalEntity,
  Payment,
  PaymentApplication,
  RateCard,
  RateCardLine,
  RevenueSchedule,
  RevenueScheduleLine,
  TaxProfile,
} from './types.ts';

/** With the metric aggregates of docs/metrics.md (metricsPort.ts). */
export interface ErpReadPort extends ErpMetricsReads, CustomerCreditReads, ReceivableWriteOffReads {
  /** Every visible legal entity, by code. */
  legalEntities(): Promise<LegalEntity[]>;
  legalEntitiesByIds(ids: readonly string[]): Promise<LegalEntity[]>;
  periodsByIds(ids: readonly string[]): Promise<AccountingPeriod[]>;
  /** Periods of the legal entities, oldest first. */
  periodsByLegalEntityIds(legalEntityIds: readonly string[]): Promise<AccountingPeriod[]>;
  /** Tax profiles are reference data: no record policy restricts them. */
  taxProfilesByIds(ids: readonly string[]): Promise<TaxProfile[]>;
  /** Every visible rate card, by id. */
  rateCards(): Promise<RateCard[]>;
  rateCardsByIds(ids: readonly string[]): Promise<RateCard[]>;
  /** Lines of visible rate cards, by role then start. */
  rateCardLinesByRateCardIds(rateCardIds: readonly string[]): Promise<RateCardLine[]>;
  /** Billing profiles by customer number. */
  billingProfilesByAccountIds(accountIds: readonly string[]): Promise<BillingProfile[]>;
  /** A contract's terms carry no legal entity or customer: the contract (CRM's) is what the policies scope. */
  contractTermsByContractIds(contractIds: readonly string[]): Promise<ContractTerms[]>;
  erpProjectsByProjectIds(projectIds: readonly string[]): Promise<ErpProject[]>;
  invoicesByIds(ids: readonly string[]): Promise<Invoice[]>;
  /** Scoped and filtered in the query itself, so counts and cursors never see hidden records. */
  invoicesPage(filter: InvoiceFilter, page: PageRequest): Promise<Page<Invoice>>;
  /** Newest first. */
  invoicesByAccountIds(accountIds: readonly string[]): Promise<Invoice[]>;
  invoicesByContractIds(contractIds: readonly string[]): Promise<Invoice[]>;
  invoicesByProjectIds(projectIds: readonly string[]): Promise<Invoice[]>;
  /** The invoice (at most one) posted from each billing draft. */
  invoicesBySourceDraftIds(draftIds: readonly string[]): Promise<Invoice[]>;
  /** Credit memos by the invoice they credit, in date then number order. */
  creditMemosByOriginalInvoiceIds(invoiceIds: readonly string[]): Promise<Invoice[]>;
  /** Lines of visible invoices, in line order. */
  invoiceLinesByInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceLine[]>;
  /** Net invoiced (subtotals, credit memos negative, voids excluded) per project and currency, dated up to `through` when given. */
  billedByProjectIds(projectIds: readonly string[], through?: string): Promise<CurrencyTotal[]>;
  /** Open receivables (total - paid - credited of unpaid invoices) per account and currency. */
  openReceivablesByAccountIds(accountIds: readonly string[]): Promise<CurrencyTotal[]>;
  paymentsByIds(ids: readonly string[]): Promise<Payment[]>;
  applicationsByPaymentIds(paymentIds: readonly string[]): Promise<PaymentApplication[]>;
  applicationsByInvoiceIds(invoiceIds: readonly string[]): Promise<PaymentApplication[]>;
  /** Schedules are visible through their project's ERP job. */
  revenueSchedulesByIds(ids: readonly string[]): Promise<RevenueSchedule[]>;
  revenueSchedulesByProjectIds(projectIds: readonly string[]): Promise<RevenueSchedule[]>;
  revenueSchedulesByContractIds(contractIds: readonly string[]): Promise<RevenueSchedule[]>;
  /** Schedules of the legal entities' ERP jobs, by id. */
  revenueSchedulesByLegalEntityIds(legalEntityIds: readonly string[]): Promise<RevenueSchedule[]>;
  /** Recognition lines, oldest period first. */
  revenueScheduleLinesByScheduleIds(scheduleIds: readonly string[]): Promise<RevenueScheduleLine[]>;
}
