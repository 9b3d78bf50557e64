import { column as c, type RowOf, type TableSpec } from '../../../kernel/tableSpec.ts';

/**
 * Customer credit balances (docs/capabilities.md#customer-credits), created by the ERP's migration 6:
 * one credit per credit memo that credited beyond what was open, and its uses (applications to
 * invoices, refunds).
 */
export const customerCreditTables = {
  customer_credits: {
    since: 6,
    columns: {
      id: c.id,
      legal_entity_id: c.ref('legal_entities'),
      account_id: c.text,
      currency: c.text,
      credit_memo_id: c.ref('invoices'),
      invoice_id: c.ref('invoices'),
      amount_e4: c.big,
      applied_e4: c.big,
      refunded_e4: c.big,
      // OPEN | USED
      status: c.text,
      created_on: c.text,
      aggregate_version: c.int,
    },
    unique: [['credit_memo_id']],
    indexes: [['account_id', 'status']],
  },
  customer_credit_uses: {
    since: 6,
    columns: {
      id: c.id,
      credit_id: c.ref('customer_credits'),
      // APPLIED | REFUNDED
      kind: c.text,
      invoice_id: c.optionalText,
      amount_e4: c.big,
      used_on: c.text,
      posting_period_id: c.ref('accounting_periods'),
      method: c.optionalText,
      reference: c.optionalText,
    },
    indexes: [['credit_id'], ['invoice_id']],
  },
} as const satisfies Record<string, TableSpec>;

export type CustomerCreditRow = RowOf<typeof customerCreditTables.customer_credits>;
export type CustomerCreditUseRow = RowOf<typeof customerCreditTables.customer_credit_uses>;
