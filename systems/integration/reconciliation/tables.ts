/**
 * Reconciliation's store (docs/reconciliation.md#exceptions): one row per run, one per exception.
 * An exception stays one row across runs while it is OPEN: `open_key` is `<rule>|<subject type>|<subject id>`
 * while OPEN (unique, so a second open exception for the same rule and subject cannot exist) and the
 * exception's own id once RESOLVED.
 */
import { column, type RowOf, type TablesOf } from '../../kernel/tableSpec.ts';

export const reconciliationTables = {
  reconciliation_runs: {
    columns: {
      id: column.id,
      /** ON_DEMAND | SCHEDULED */
      trigger: column.text,
      requested_by: column.text,
      legal_entity_id: column.optionalText,
      /** YYYY-MM, or null for all time. */
      period: column.optionalText,
      started_at: column.text,
      finished_at: column.text,
      checked_billing_drafts: column.int,
      checked_invoices: column.int,
      checked_credited_invoices: column.int,
      checked_project_periods: column.int,
      /** Mismatches the run found (new and already open). */
      exceptions_found: column.int,
      /** Of which not open before the run. */
      exceptions_opened: column.int,
    },
    indexes: [['started_at']],
  },
  reconciliation_exceptions: {
    columns: {
      id: column.id,
      /** The run that found it first, and the last run that found it. */
      run_id: column.ref('reconciliation_runs'),
      last_run_id: column.ref('reconciliation_runs'),
      rule: column.text,
      subject_type: column.text,
      subject_id: column.text,
      legal_entity_id: column.text,
      expected_e4: column.big,
      actual_e4: column.big,
      currency: column.text,
      owner: column.text,
      detail: column.text,
      /** OPEN | RESOLVED */
      status: column.text,
      open_key: column.text,
      first_seen_at: column.text,
      last_seen_at: column.text,
      resolution_note: column.optionalText,
      resolved_by: column.optionalText,
      resolved_at: column.optionalText,
    },
    unique: [['open_key']],
    indexes: [
      ['status', 'legal_entity_id'],
      ['rule', 'subject_type', 'subject_id'],
    ],
  },
  /** Which exceptions each run found (an exception found by several runs has one row per run). */
  reconciliation_findings: {
    columns: {
      run_id: column.ref('reconciliation_runs'),
      exception_id: column.ref('reconciliation_exceptions'),
    },
    unique: [['run_id', 'exception_id']],
    indexes: [['exception_id']],
  },
} as const;

export type ReconciliationTables = TablesOf<typeof reconciliationTables>;
export type ReconciliationRunRow = RowOf<typeof reconciliationTables.reconciliation_runs>;
export type ReconciliationExceptionRow = RowOf<typeof reconciliationTables.reconciliation_exceptions>;
