import { column as c, type RowOf, type TableSpec } from '../../../kernel/tableSpec.ts';

/**
 * The PSA's credits of billed sources (docs/capabilities.md#creditinvoicelines), created by the
 * PSA's migration 4: one row per source an ERP credit memo credited (CREDITED) or reopened.
 */
export const sourceCreditTables = {
  source_credits: {
    since: 4,
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      draft_id: c.ref('billing_drafts'),
      item_id: c.text,
      source_type: c.text,
      source_id: c.text,
      amount_e4: c.big,
      currency: c.text,
      // CREDIT | REOPEN
      action: c.text,
      invoice_id: c.text,
      credit_memo_id: c.text,
      credited_at: c.text,
    },
    indexes: [['draft_id'], ['source_type', 'source_id'], ['credit_memo_id']],
  },
} as const satisfies Record<string, TableSpec>;

export type SourceCreditRow = RowOf<typeof sourceCreditTables.source_credits>;
