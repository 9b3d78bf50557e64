import { column as c, type FirstRowOf, type TableSpec, type TablesOf, type RowOf } from '../../../kernel/tableSpec.ts';
import { customerCreditTables } from './customerCreditTables.ts';
import { receivableWriteOffTables } from './receivableWriteOffTables.ts';

/**
 * The ERP reference system's tables. `account_id`, `contract_id`, `project_id` and `role_id`
 * name records of other systems (canonical IDs), so they carry no foreign key.
 */
export const erpTables = {
  tax_profiles: {
    columns: {
      id: c.id,
      party_type: c.text,
      party_id: c.text,
      jurisdiction: c.text,
      registration_number: c.optionalText,
      default_tax_code: c.text,
      rate_percent_e4: c.int,
      reverse_charge: c.int,
    },
  },
  legal_entities: {
    columns: {
      id: c.id,
      code: c.text,
      name: c.text,
      legal_name: c.text,
      country: c.text,
      functional_currency: c.text,
      intercompany_enabled: c.int,
      status: c.text,
      tax_profile_id: c.optionalRef('tax_profiles'),
    },
    unique: [['code']],
  },
  accounting_periods: {
    columns: {
      id: c.id,
      legal_entity_id: c.ref('legal_entities'),
      name: c.text,
      start_date: c.text,
      end_date: c.text,
      status: c.text,
    },
    unique: [['legal_entity_id', 'name']],
  },
  rate_cards: {
    columns: {
      id: c.id,
      name: c.text,
      currency: c.text,
      legal_entity_id: c.ref('legal_entities'),
      account_id: c.optionalText,
    },
  },
  rate_card_lines: {
    columns: {
      id: c.id,
      rate_card_id: c.ref('rate_cards'),
      role_id: c.text,
      bill_rate_e4: c.big,
      cost_rate_e4: c.big,
      effective_from: c.text,
      effective_to: c.optionalText,
    },
    indexes: [['rate_card_id']],
  },
  billing_profiles: {
    columns: {
      id: c.id,
      account_id: c.text,
      legal_entity_id: c.ref('legal_entities'),
      customer_number: c.text,
      currency: c.text,
      payment_terms: c.text,
      credit_hold: c.int,
      tax_profile_id: c.optionalRef('tax_profiles'),
      // Moves when finance places or releases a credit hold (docs/capabilities.md#placecredithold-releasecredithold).
      aggregate_version: c.aggregateVersion(5),
    },
    unique: [['account_id', 'legal_entity_id'], ['customer_number']],
  },
  contract_terms: {
    columns: {
      contract_id: { type: 'text', primaryKey: true },
      payment_terms: c.text,
      po_number: c.optionalText,
      po_required: c.int,
      tax_profile_id: c.optionalRef('tax_profiles'),
      // When activateContract put the terms in force (null: seeded, or never activated through Tessera).
      activated_at: c.later(3, c.optionalText),
      aggregate_version: c.aggregateVersion(3),
    },
  },
  erp_projects: {
    columns: {
      project_id: { type: 'text', primaryKey: true },
      erp_project_number: c.text,
      legal_entity_id: c.ref('legal_entities'),
      currency: c.text,
      revenue_method: c.text,
      // The ERP job's customer (NetSuite job.customer): record scoping for partners.
      account_id: c.optionalText,
    },
    unique: [['erp_project_number']],
  },
  invoices: {
    columns: {
      id: c.id,
      invoice_number: c.text,
      kind: c.text,
      status: c.text,
      legal_entity_id: c.ref('legal_entities'),
      account_id: c.text,
      contract_id: c.optionalText,
      project_id: c.optionalText,
      invoice_date: c.text,
      due_date: c.text,
      posting_period_id: c.ref('accounting_periods'),
      currency: c.text,
      subtotal_e4: c.big,
      tax_e4: c.big,
      total_e4: c.big,
      amount_paid_e4: c.big,
      source_billing_draft_id: c.optionalText,
      aggregate_version: c.aggregateVersion(3),
      // A credit memo names the invoice it credits; an invoice keeps the total credited against it
      // (positive), so its open balance is total - paid - credited without summing memos.
      original_invoice_id: c.later(3, c.optionalText),
      amount_credited_e4: c.later(3, { type: 'bigint', default: 0 }),
      // Written off by approved receivable write-offs (docs/capabilities.md#receivable-write-off).
      amount_written_off_e4: c.later(6, { type: 'bigint', default: 0 }),
    },
    // A billing draft is posted at most once (no double billing), and numbers are unique.
    unique: [['invoice_number'], ['source_billing_draft_id']],
    indexes: [['account_id', 'status'], ['project_id'], ['contract_id'], ['status']],
  },
  invoice_lines: {
    columns: {
      id: c.id,
      invoice_id: c.ref('invoices'),
      line_number: c.int,
      description: c.text,
      quantity_e2: c.big,
      unit_price_e4: c.big,
      amount_e4: c.big,
      tax_code: c.text,
      tax_e4: c.big,
      // A credit memo's line names the invoice line it credits (docs/capabilities.md#creditinvoicelines): a line is credited once.
      credited_line_id: c.later(6, c.optionalText),
    },
    indexes: [['invoice_id']],
  },
  payments: {
    columns: {
      id: c.id,
      payment_number: c.text,
      account_id: c.text,
      legal_entity_id: c.ref('legal_entities'),
      received_date: c.text,
      amount_e4: c.big,
      currency: c.text,
      method: c.text,
      status: c.text,
      aggregate_version: c.aggregateVersion(3),
    },
    unique: [['payment_number']],
    indexes: [['account_id']],
  },
  payment_applications: {
    columns: {
      id: c.id,
      payment_id: c.ref('payments'),
      invoice_id: c.ref('invoices'),
      amount_e4: c.big,
      applied_on: c.text,
    },
    indexes: [['payment_id'], ['invoice_id']],
  },
  revenue_schedules: {
    columns: {
      id: c.id,
      project_id: c.text,
      method: c.text,
      status: c.text,
      allocated_e4: c.big,
      recognized_e4: c.big,
      currency: c.text,
      aggregate_version: c.aggregateVersion(3),
      // The contract whose activation allocated it (null on seeded schedules).
      contract_id: c.later(3, c.optionalText),
    },
    indexes: [['project_id']],
  },
  // One posted line per schedule and period: recognizing a period twice changes nothing (the
  // unique pair is the batch's idempotency, whatever key the caller used).
  revenue_schedule_lines: {
    since: 3,
    columns: {
      id: c.id,
      schedule_id: c.ref('revenue_schedules'),
      period_id: c.ref('accounting_periods'),
      amount_e4: c.big,
      recognized_cum_e4: c.big,
      status: c.text,
      posted_at: c.text,
    },
    unique: [['schedule_id', 'period_id']],
  },
  // Gapless document numbers per legal entity, document type and year: the row is locked by the
  // increment until the transaction ends, and a rolled-back number is handed out again.
  document_sequences: {
    since: 3,
    columns: {
      id: c.id,
      legal_entity_id: c.ref('legal_entities'),
      document_type: c.text,
      year: c.int,
      last_number: c.int,
    },
  },
  ...customerCreditTables,
  ...receivableWriteOffTables,
} as const satisfies Record<string, TableSpec>;

export type ErpTables = TablesOf<typeof erpTables>;
export type TaxProfileRow = RowOf<typeof erpTables.tax_profiles>;
export type LegalEntityRow = RowOf<typeof erpTables.legal_entities>;
export type AccountingPeriodRow = RowOf<typeof erpTables.accounting_periods>;
export type RateCardRow = RowOf<typeof erpTables.rate_cards>;
export type RateCardLineRow = RowOf<typeof erpTables.rate_card_lines>;
export type BillingProfileRow = RowOf<typeof erpTables.billing_profiles>;
/** A billing profile as the seed writes it (no version yet: it takes the default, 1). */
export type BillingProfileSeedRow = FirstRowOf<typeof erpTables.billing_profiles>;
export type ContractTermsRow = RowOf<typeof erpTables.contract_terms>;
export type ErpProjectRow = RowOf<typeof erpTables.erp_projects>;
export type InvoiceRow = RowOf<typeof erpTables.invoices>;
/** An invoice as the seed writes it: the first migration's columns (the later ones take their defaults). */
export type InvoiceSeedRow = FirstRowOf<typeof erpTables.invoices>;
export type InvoiceLineRow = RowOf<typeof erpTables.invoice_lines>;
export type PaymentRow = RowOf<typeof erpTables.payments>;
export type PaymentApplicationRow = RowOf<typeof erpTables.payment_applications>;
export type RevenueScheduleRow = RowOf<typeof erpTables.revenue_schedules>;
export type RevenueScheduleLineRow = RowOf<typeof erpTables.revenue_schedule_lines>;
