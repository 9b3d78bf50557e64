import { column as c, type RowOf, type TableSpec } from '../../../kernel/tableSpec.ts';

/**
 * Receivable write-offs (docs/capabilities.md#receivable-write-off), created by the ERP's migration 6:
 * one row per request, decided once (docs/state-machines.md#receivable-write-off).
 */
export const receivableWriteOffTables = {
  receivable_write_offs: {
    since: 6,
    columns: {
      id: c.id,
      invoice_id: c.ref('invoices'),
      legal_entity_id: c.ref('legal_entities'),
      account_id: c.text,
      currency: c.text,
      amount_e4: c.big,
      reason_code: c.text,
      reason_text: c.text,
      // REQUESTED | APPROVED | REJECTED
      status: c.text,
      requested_by: c.text,
      requested_at: c.text,
      decided_by: c.optionalText,
      decided_at: c.optionalText,
      decision_note: c.optionalText,
      written_off_on: c.optionalText,
      posting_period_id: c.optionalText,
      aggregate_version: c.int,
    },
    indexes: [['invoice_id', 'status']],
  },
} as const satisfies Record<string, TableSpec>;

export type ReceivableWriteOffRow = RowOf<typeof receivableWriteOffTables.receivable_write_offs>;
