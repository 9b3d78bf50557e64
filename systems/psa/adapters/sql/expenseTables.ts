import { column as c, type RowOf, type TableSpec } from '../../../kernel/tableSpec.ts';

/**
 * The PSA's expense table (docs/model.md#expense), created by the PSA's migration 4: one row per
 * expense, a billable source of its own (source type EXPENSE, claimed through
 * billing_draft_items' unique (source_type, source_id): docs/invariants.md#inv-2). Amounts e4 in
 * `currency` (the project's); percentages e4 (10 % is 100000).
 */
export const expenseTables = {
  expenses: {
    since: 4,
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      resource_id: c.ref('resources'),
      expense_date: c.text,
      category: c.text,
      description: c.text,
      amount_e4: c.big,
      currency: c.text,
      receipt_reference: c.optionalText,
      // 0/1: the spender asked for it to be billed.
      billable: c.int,
      // STANDARD (a taxable recharge) or DISBURSEMENT (outside the scope of tax, never marked up).
      tax_treatment: c.text,
      // Frozen at approval: the markup applied and what the customer is billed.
      markup_percent_e4: c.big,
      billable_e4: c.big,
      status: c.text,
      billing_status: c.text,
      submitted_at: c.text,
      submitted_by: c.text,
      decided_at: c.optionalText,
      decided_by: c.optionalText,
      approver_id: c.optionalRef('resources'),
      rejection_reason: c.optionalText,
      aggregate_version: c.int,
    },
    indexes: [['project_id', 'billing_status'], ['resource_id']],
  },
} as const satisfies Record<string, TableSpec>;

export type ExpenseRow = RowOf<typeof expenseTables.expenses>;
