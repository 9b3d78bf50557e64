/**
 * The month-end billing run's durable state (docs/processes.md#billing-run): one row per run and
 * one per project it bills, written as each project moves, so a run killed in the middle resumes
 * where it stopped and calls each step again under the same deterministic key (no second draft
 * or invoice). A second run of the same legal entity and cut-off while one is running is refused:
 * `active_key` is set while a run is RUNNING (unique) and cleared when it finishes.
 */
import { column, type RowOf, type TablesOf } from '../../kernel/tableSpec.ts';

export const billingRunTables = {
  billing_runs: {
    columns: {
      id: column.id,
      legal_entity_id: column.text,
      cutoff_date: column.text,
      invoice_date: column.text,
      /** RUNNING | COMPLETED */
      status: column.text,
      /** LISTING | BILLING | RECONCILING | REPORTED (docs/processes.md#billing-run) */
      phase: column.text,
      /** `<legal entity>:<cutoff>` while RUNNING, null after: at most one running run per entity and cut-off. */
      active_key: column.optionalText,
      /** MANUAL | SCHEDULE */
      trigger: column.text,
      started_by: column.text,
      correlation_id: column.text,
      /** RAN | NOT_RUN (null until the run reaches it) */
      reconciliation_status: column.optionalText,
      reconciliation_note: column.optionalText,
      started_at: column.text,
      updated_at: column.text,
      finished_at: column.optionalText,
    },
    unique: [['active_key']],
    indexes: [['legal_entity_id', 'cutoff_date']],
  },
  billing_run_projects: {
    columns: {
      id: column.id,
      run_id: column.ref('billing_runs'),
      project_id: column.text,
      project_code: column.text,
      customer_id: column.optionalText,
      currency: column.text,
      /** PENDING | DRAFTED | RELEASED | HELD | REFUSED | NOTHING_TO_BILL */
      status: column.text,
      billing_draft_id: column.optionalText,
      draft_version: column.optionalInt,
      /** The draft's amount (net), e4. */
      draft_amount_e4: column.optionalBig,
      invoice_id: column.optionalText,
      invoice_number: column.optionalText,
      /** The invoice's total with tax, e4. */
      invoice_total_e4: column.optionalBig,
      reason_code: column.optionalText,
      reason: column.optionalText,
      /** Who can fix a held or refused project (docs/processes.md#billing-run). */
      owner: column.optionalText,
      attempts: column.int,
      updated_at: column.text,
    },
    unique: [['run_id', 'project_id']],
    indexes: [['run_id', 'status']],
  },
} as const;

export type BillingRunTables = TablesOf<typeof billingRunTables>;
export type BillingRunRow = RowOf<typeof billingRunTables.billing_runs>;
export type BillingRunProjectRow = RowOf<typeof billingRunTables.billing_run_projects>;
export type BillingRunStatus = 'RUNNING' | 'COMPLETED';
export type BillingRunPhase = 'LISTING' | 'BILLING' | 'RECONCILING' | 'REPORTED';
export type ProjectOutcome = 'PENDING' | 'DRAFTED' | 'RELEASED' | 'HELD' | 'REFUSED' | 'NOTHING_TO_BILL';
