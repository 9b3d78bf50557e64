/** Row ↔ canonical record, in one place: nothing else in the ERP sees a row. */
import type {
  AccountingPeriod,
  BillingProfile,
  ContractTerms,
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
import type {
  AccountingPeriodRow,
  BillingProfileRow,
  BillingProfileSeedRow,
  ContractTermsRow,
  ErpProjectRow,
  InvoiceLineRow,
  InvoiceRow,
  LegalEntityRow,
  PaymentApplicationRow,
  PaymentRow,
  RateCardLineRow,
  RateCardRow,
  RevenueScheduleLineRow,
  RevenueScheduleRow,
  TaxProfileRow,
} from './tables.ts';

export const legalEntityOf = (row: LegalEntityRow): LegalEntity => ({
  id: row.id,
  code: row.code,
  name: row.name,
  legalName: row.legal_name,
  country: row.country,
  functionalCurrency: row.functional_currency,
  intercompanyEnabled: row.intercompany_enabled === 1,
  status: row.status,
  taxProfileId: row.tax_profile_id,
});

export const periodOf = (row: AccountingPeriodRow): AccountingPeriod => ({
  id: row.id,
  legalEntityId: row.legal_entity_id,
  name: row.name,
  startDate: row.start_date,
  endDate: row.end_date,
  status: row.status,
});

export const taxProfileOf = (row: TaxProfileRow): TaxProfile => ({
  id: row.id,
  partyType: row.party_type,
  partyId: row.party_id,
  jurisdiction: row.jurisdiction,
  registrationNumber: row.registration_number,
  defaultTaxCode: row.default_tax_code,
  ratePercentE4: row.rate_percent_e4,
  reverseCharge: row.reverse_charge === 1,
});

export const rateCardOf = (row: RateCardRow): RateCard => ({
  id: row.id,
  name: row.name,
  currency: row.currency,
  legalEntityId: row.legal_entity_id,
  accountId: row.account_id,
});

export const rateCardLineOf = (row: RateCardLineRow): RateCardLine => ({
  id: row.id,
  rateCardId: row.rate_card_id,
  roleId: row.role_id,
  billRateE4: row.bill_rate_e4,
  costRateE4: row.cost_rate_e4,
  effectiveFrom: row.effective_from,
  effectiveTo: row.effective_to,
});

export const billingProfileOf = (row: BillingProfileSeedRow): BillingProfile => ({
  id: row.id,
  accountId: row.account_id,
  legalEntityId: row.legal_entity_id,
  customerNumber: row.customer_number,
  currency: row.currency,
  paymentTerms: row.payment_terms,
  creditHold: row.credit_hold === 1,
  taxProfileId: row.tax_profile_id,
  aggregateVersion: row.aggregate_version ?? 1,
});

export const billingProfileRow = (profile: BillingProfile): BillingProfileRow => ({
  id: profile.id,
  account_id: profile.accountId,
  legal_entity_id: profile.legalEntityId,
  customer_number: profile.customerNumber,
  currency: profile.currency,
  payment_terms: profile.paymentTerms,
  credit_hold: profile.creditHold ? 1 : 0,
  tax_profile_id: profile.taxProfileId,
  aggregate_version: profile.aggregateVersion,
});

export const contractTermsOf = (row: ContractTermsRow): ContractTerms => ({
  contractId: row.contract_id,
  paymentTerms: row.payment_terms,
  poNumber: row.po_number,
  poRequired: row.po_required === 1,
  taxProfileId: row.tax_profile_id,
  activatedAt: row.activated_at ?? null,
  aggregateVersion: row.aggregate_version,
});

export const contractTermsRow = (terms: ContractTerms): ContractTermsRow => ({
  contract_id: terms.contractId,
  payment_terms: terms.paymentTerms,
  po_number: terms.poNumber,
  po_required: terms.poRequired ? 1 : 0,
  tax_profile_id: terms.taxProfileId,
  activated_at: terms.activatedAt,
  aggregate_version: terms.aggregateVersion,
});

export const erpProjectOf = (row: ErpProjectRow): ErpProject => ({
  projectId: row.project_id,
  erpProjectNumber: row.erp_project_number,
  legalEntityId: row.legal_entity_id,
  currency: row.currency,
  revenueMethod: row.revenue_method,
  accountId: row.account_id,
});

export const erpProjectRow = (project: ErpProject): ErpProjectRow => ({
  project_id: project.projectId,
  erp_project_number: project.erpProjectNumber,
  legal_entity_id: project.legalEntityId,
  currency: project.currency,
  revenue_method: project.revenueMethod,
  account_id: project.accountId,
});

export const invoiceOf = (row: InvoiceRow): Invoice => ({
  id: row.id,
  invoiceNumber: row.invoice_number,
  kind: row.kind,
  status: row.status,
  legalEntityId: row.legal_entity_id,
  accountId: row.account_id,
  contractId: row.contract_id,
  projectId: row.project_id,
  invoiceDate: row.invoice_date,
  dueDate: row.due_date,
  postingPeriodId: row.posting_period_id,
  currency: row.currency,
  subtotalE4: row.subtotal_e4,
  taxE4: row.tax_e4,
  totalE4: row.total_e4,
  amountPaidE4: row.amount_paid_e4,
  amountCreditedE4: row.amount_credited_e4 ?? 0,
  amountWrittenOffE4: row.amount_written_off_e4 ?? 0,
  sourceBillingDraftId: row.source_billing_draft_id,
  originalInvoiceId: row.original_invoice_id ?? null,
  aggregateVersion: row.aggregate_version,
});

export const invoiceRow = (invoice: Invoice): InvoiceRow => ({
  id: invoice.id,
  invoice_number: invoice.invoiceNumber,
  kind: invoice.kind,
  status: invoice.status,
  legal_entity_id: invoice.legalEntityId,
  account_id: invoice.accountId,
  contract_id: invoice.contractId,
  project_id: invoice.projectId,
  invoice_date: invoice.invoiceDate,
  due_date: invoice.dueDate,
  posting_period_id: invoice.postingPeriodId,
  currency: invoice.currency,
  subtotal_e4: invoice.subtotalE4,
  tax_e4: invoice.taxE4,
  total_e4: invoice.totalE4,
  amount_paid_e4: invoice.amountPaidE4,
  source_billing_draft_id: invoice.sourceBillingDraftId,
  aggregate_version: invoice.aggregateVersion,
  original_invoice_id: invoice.originalInvoiceId,
  amount_credited_e4: invoice.amountCreditedE4,
  amount_written_off_e4: invoice.amountWrittenOffE4,
});

export const invoiceLineOf = (row: InvoiceLineRow): InvoiceLine => ({
  id: row.id,
  invoiceId: row.invoice_id,
  lineNumber: row.line_number,
  description: row.description,
  quantityE2: row.quantity_e2,
  unitPriceE4: row.unit_price_e4,
  amountE4: row.amount_e4,
  taxCode: row.tax_code,
  taxE4: row.tax_e4,
  ...(row.credited_line_id ? { creditedLineId: row.credited_line_id } : {}),
});

export const invoiceLineRow = (line: InvoiceLine): InvoiceLineRow => ({
  id: line.id,
  invoice_id: line.invoiceId,
  line_number: line.lineNumber,
  description: line.description,
  quantity_e2: line.quantityE2,
  unit_price_e4: line.unitPriceE4,
  amount_e4: line.amountE4,
  tax_code: line.taxCode,
  tax_e4: line.taxE4,
  credited_line_id: line.creditedLineId ?? null,
});

export const paymentOf = (row: PaymentRow): Payment => ({
  id: row.id,
  paymentNumber: row.payment_number,
  accountId: row.account_id,
  legalEntityId: row.legal_entity_id,
  receivedDate: row.received_date,
  amountE4: row.amount_e4,
  currency: row.currency,
  method: row.method,
  status: row.status,
  aggregateVersion: row.aggregate_version,
});

export const paymentRow = (payment: Payment): PaymentRow => ({
  id: payment.id,
  payment_number: payment.paymentNumber,
  account_id: payment.accountId,
  legal_entity_id: payment.legalEntityId,
  received_date: payment.receivedDate,
  amount_e4: payment.amountE4,
  currency: payment.currency,
  method: payment.method,
  status: payment.status,
  aggregate_version: payment.aggregateVersion,
});

export const applicationOf = (row: PaymentApplicationRow): PaymentApplication => ({
  id: row.id,
  paymentId: row.payment_id,
  invoiceId: row.invoice_id,
  amountE4: row.amount_e4,
  appliedOn: row.applied_on,
});

export const applicationRow = (application: PaymentApplication): PaymentApplicationRow => ({
  id: application.id,
  payment_id: application.paymentId,
  invoice_id: application.invoiceId,
  amount_e4: application.amountE4,
  applied_on: application.appliedOn,
});

export const revenueScheduleOf = (row: RevenueScheduleRow): RevenueSchedule => ({
  id: row.id,
  projectId: row.project_id,
  contractId: row.contract_id ?? null,
  method: row.method,
  status: row.status,
  allocatedE4: row.allocated_e4,
  recognizedE4: row.recognized_e4,
  currency: row.currency,
  aggregateVersion: row.aggregate_version,
});

export const revenueScheduleRow = (schedule: RevenueSchedule): RevenueScheduleRow => ({
  id: schedule.id,
  project_id: schedule.projectId,
  contract_id: schedule.contractId,
  method: schedule.method,
  status: schedule.status,
  allocated_e4: schedule.allocatedE4,
  recognized_e4: schedule.recognizedE4,
  currency: schedule.currency,
  aggregate_version: schedule.aggregateVersion,
});

export const revenueLineOf = (row: RevenueScheduleLineRow): RevenueScheduleLine => ({
  id: row.id,
  scheduleId: row.schedule_id,
  periodId: row.period_id,
  amountE4: row.amount_e4,
  recognizedCumE4: row.recognized_cum_e4,
  status: row.status,
  postedAt: row.posted_at,
});

export const revenueLineRow = (line: RevenueScheduleLine): RevenueScheduleLineRow => ({
  id: line.id,
  schedule_id: line.scheduleId,
  period_id: line.periodId,
  amount_e4: line.amountE4,
  recognized_cum_e4: line.recognizedCumE4,
  status: line.status,
  posted_at: line.postedAt,
});
