import { column as c, type RowOf, type TableSpec } from '../../../kernel/tableSpec.ts';

/**
 * The PSA's billing-control tables (docs/capabilities.md#billing-controls), created by the PSA's
 * migration 4: billing holds (on a source or a whole project), write-offs of unbilled sources
 * (requested, then approved or rejected by another person), and the items discarded drafts held
 * (moved out of billing_draft_items, whose unique (source_type, source_id) is the live claim).
 */
export const billingControlTables = {
  billing_holds: {
    since: 4,
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      // Both null: the hold is on the whole project.
      source_type: c.optionalText,
      source_id: c.optionalText,
      // ACTIVE | RELEASED
      status: c.text,
      reason: c.text,
      held_by: c.text,
      held_at: c.text,
      released_by: c.optionalText,
      released_at: c.optionalText,
      aggregate_version: c.int,
    },
    indexes: [
      ['project_id', 'status'],
      ['source_type', 'source_id'],
    ],
  },
  source_write_offs: {
    since: 4,
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      source_type: c.text,
      source_id: c.text,
      amount_e4: c.big,
      currency: c.text,
      reason_code: c.text,
      reason_text: c.text,
      // REQUESTED | APPROVED | REJECTED
      status: c.text,
      requested_by: c.text,
      requested_at: c.text,
      decided_by: c.optionalText,
      decided_at: c.optionalText,
      decision_note: c.optionalText,
      aggregate_version: c.int,
    },
    indexes: [['project_id'], ['source_type', 'source_id']],
  },
  released_draft_items: {
    since: 4,
    columns: {
      id: c.id,
      draft_id: c.ref('billing_drafts'),
      source_type: c.text,
      source_id: c.text,
      description: c.text,
      quantity_e2: c.big,
      unit_price_e4: c.big,
      amount_e4: c.big,
      tax_treatment: c.text,
      released_at: c.text,
    },
    indexes: [['draft_id']],
  },
} as const satisfies Record<string, TableSpec>;

export type BillingHoldRow = RowOf<typeof billingControlTables.billing_holds>;
export type SourceWriteOffRow = RowOf<typeof billingControlTables.source_write_offs>;
export type ReleasedDraftItemRow = RowOf<typeof billingControlTables.released_draft_items>;
