import type { RecordScope } from '../../policies/recordScope.ts';
import type { Page, PageRequest } from '../kernel/pagination.ts';
import type {
  AccountingPeriodRow, BillingProfileRow, ContractTermsRow, ErpProjectRow, InvoiceLineRow, InvoiceRow, LegalEntityRow,
  PaymentApplicationRow, PaymentRow, RateCardLineRow, RateCardRow, RevenueScheduleLineRow, RevenueScheduleRow, TaxProfileRow,
} from './tables.ts';

export interface InvoiceFilter {
  readonly status?: readonly string[] | null;
  readonly customerId?: string | null;
  readonly legalEntityId?: string | null;
}

/** A sum in one currency (amounts e4-scaled). */
export interface CurrencyTotal {
  readonly key: string;
  readonly currency: string;
  readonly amountE4: number;
}

/**
 * The port between the ERP subgraph and its system of record (NetSuite, Dynamics 365, SAP, or
 * the built-in SQL reference system). Every method answers a batch of keys.
 */
export interface ErpStore {
  allLegalEntities(): Promise<LegalEntityRow[]>;
  legalEntitiesByIds(ids: readonly string[]): Promise<LegalEntityRow[]>;
  periodsByIds(ids: readonly string[]): Promise<AccountingPeriodRow[]>;
  periodsByLegalEntityIds(legalEntityIds: readonly string[]): Promise<AccountingPeriodRow[]>;
  taxProfilesByIds(ids: readonly string[]): Promise<TaxProfileRow[]>;
  allRateCards(): Promise<RateCardRow[]>;
  rateCardsByIds(ids: readonly string[]): Promise<RateCardRow[]>;
  rateCardLinesByRateCardIds(rateCardIds: readonly string[]): Promise<RateCardLineRow[]>;
  billingProfilesByAccountIds(accountIds: readonly string[]): Promise<BillingProfileRow[]>;
  contractTermsByContractIds(contractIds: readonly string[]): Promise<ContractTermsRow[]>;
  erpProjectsByProjectIds(projectIds: readonly string[]): Promise<ErpProjectRow[]>;
  invoicesByIds(ids: readonly string[]): Promise<InvoiceRow[]>;
  /** Filtered to the caller's scope in the query itself, so counts and cursors never see hidden rows. */
  invoicesPage(filter: InvoiceFilter, page: PageRequest, scope: RecordScope): Promise<Page<InvoiceRow>>;
  invoicesByAccountIds(accountIds: readonly string[]): Promise<InvoiceRow[]>;
  invoicesByContractIds(contractIds: readonly string[]): Promise<InvoiceRow[]>;
  invoicesByProjectIds(projectIds: readonly string[]): Promise<InvoiceRow[]>;
  invoiceLinesByInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceLineRow[]>;
  /** Net invoiced (subtotal, credit memos negative, voids excluded) per project and currency. */
  billedByProjectIds(projectIds: readonly string[]): Promise<CurrencyTotal[]>;
  /** Open receivables (total - paid of unpaid invoices) per account and currency. */
  openReceivablesByAccountIds(accountIds: readonly string[], scope: RecordScope): Promise<CurrencyTotal[]>;
  paymentsByIds(ids: readonly string[]): Promise<PaymentRow[]>;
  applicationsByPaymentIds(paymentIds: readonly string[]): Promise<PaymentApplicationRow[]>;
  applicationsByInvoiceIds(invoiceIds: readonly string[]): Promise<PaymentApplicationRow[]>;
  revenueSchedulesByIds(ids: readonly string[]): Promise<RevenueScheduleRow[]>;
  revenueSchedulesByProjectIds(projectIds: readonly string[]): Promise<RevenueScheduleRow[]>;
  /** Recognition lines, oldest period first. */
  revenueScheduleLinesByScheduleIds(scheduleIds: readonly string[]): Promise<RevenueScheduleLineRow[]>;
  /** Credit memos by the invoice they credit. */
  creditMemosByOriginalInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceRow[]>;
}
