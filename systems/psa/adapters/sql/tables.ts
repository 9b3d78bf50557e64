import { column as c, type FirstRowOf, type TableSpec, type TablesOf, type RowOf } from '../../../kernel/tableSpec.ts';
import { expenseTables } from './expenseTables.ts';
import { billingControlTables } from './billingControlTables.ts';
import { sourceCreditTables } from './sourceCreditTables.ts';

/**
 * The PSA reference system's tables. Hours are e2-scaled, amounts and rates e4-scaled.
 * `account_id`, `contract_id`, `legal_entity_id` and `invoice_id` name records of other systems
 * (canonical IDs), so they carry no foreign key.
 */
export const psaTables = {
  roles: {
    columns: { id: c.id, name: c.text, level: c.int, practice: c.text },
  },
  resources: {
    columns: {
      id: c.id,
      name: c.text,
      email: c.text,
      employment_type: c.text,
      status: c.text,
      home_legal_entity_id: c.text,
      primary_role_id: c.ref('roles'),
      utilization_target_e4: c.int,
      is_bookable: c.int,
      cost_rate_e4: c.big,
      cost_currency: c.text,
    },
    indexes: [['primary_role_id'], ['home_legal_entity_id']],
  },
  projects: {
    columns: {
      id: c.id,
      code: c.text,
      name: c.text,
      status: c.text,
      type: c.text,
      billing_method: c.optionalText,
      account_id: c.optionalText,
      contract_id: c.optionalText,
      legal_entity_id: c.text,
      start_date: c.text,
      end_date: c.text,
      currency: c.text,
      project_manager_id: c.optionalRef('resources'),
      budget_hours_e2: c.optionalBig,
      planned_revenue_e4: c.optionalBig,
      aggregate_version: c.aggregateVersion(3),
      // Why the project is ON_HOLD or CANCELLED (docs/state-machines.md#project); null otherwise.
      status_reason: c.later(4, c.optionalText),
    },
    unique: [['code']],
    indexes: [['status'], ['account_id'], ['contract_id']],
  },
  contract_lines: {
    columns: {
      id: c.id,
      contract_id: c.text,
      billing_method: c.text,
      amount_e4: c.optionalBig,
      nte_e4: c.optionalBig,
      currency: c.text,
      rate_card_id: c.optionalText,
      // Issue 12: an EXPENSES line's markup, and the contract version that last set the line.
      markup_percent_e4: c.later(4, c.optionalBig),
      contract_version: c.later(4, c.optionalInt),
    },
    indexes: [['contract_id']],
  },
  milestones: {
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      name: c.text,
      target_date: c.text,
      actual_date: c.optionalText,
      amount_e4: c.big,
      currency: c.text,
      status: c.text,
      requires_sign_off: c.int,
      approved_for_billing: c.int,
      billing_status: c.text,
      aggregate_version: c.aggregateVersion(3),
      // The customer's sign-off (docs/capabilities.md#acceptmilestone): who, on what date, under what
      // reference, or why it was refused; and the principal who recorded the decision.
      accepted_by: c.later(4, c.optionalText),
      accepted_on: c.later(4, c.optionalText),
      acceptance_reference: c.later(4, c.optionalText),
      acceptance_rejection_reason: c.later(4, c.optionalText),
      acceptance_recorded_by: c.later(4, c.optionalText),
    },
    indexes: [['project_id']],
  },
  assignments: {
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      resource_id: c.ref('resources'),
      role_id: c.ref('roles'),
      status: c.text,
      start_date: c.text,
      end_date: c.text,
      scheduled_hours_e2: c.big,
      bill_rate_e4: c.optionalBig,
      cost_rate_e4: c.big,
      currency: c.text,
      is_billable: c.int,
      aggregate_version: c.aggregateVersion(3),
      // The currency of cost_rate_e4 when it is not `currency`: a resource of another legal entity
      // costs what its home entity pays, in that entity's currency (null: `currency`).
      cost_currency: c.later(3, c.optionalText),
    },
    indexes: [
      ['project_id', 'status'],
      ['resource_id', 'status'],
    ],
  },
  resource_requests: {
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      role_id: c.ref('roles'),
      start_date: c.text,
      end_date: c.text,
      hours_e2: c.big,
      status: c.text,
      assignment_id: c.optionalRef('assignments'),
      aggregate_version: c.aggregateVersion(3),
    },
    indexes: [['project_id']],
  },
  timecards: {
    columns: {
      id: c.id,
      resource_id: c.ref('resources'),
      project_id: c.ref('projects'),
      assignment_id: c.optionalRef('assignments'),
      week_start: c.text,
      week_end: c.text,
      status: c.text,
      submitted_at: c.optionalText,
      approved_at: c.optionalText,
      approver_id: c.optionalRef('resources'),
      total_hours_e2: c.big,
      total_billable_e4: c.big,
      currency: c.text,
      aggregate_version: c.aggregateVersion(3),
      // Segregation of duties: who submitted and who decided (principal subjects), and why a rejection.
      submitted_by: c.later(3, c.optionalText),
      decided_by: c.later(3, c.optionalText),
      rejection_reason: c.later(3, c.optionalText),
    },
    unique: [['resource_id', 'project_id', 'week_start']],
    indexes: [['project_id', 'week_start'], ['status']],
  },
  time_entries: {
    columns: {
      id: c.id,
      timecard_id: c.ref('timecards'),
      project_id: c.ref('projects'),
      entry_date: c.text,
      hours_e2: c.big,
      hour_class: c.text,
      role_id: c.ref('roles'),
      bill_rate_e4: c.optionalBig,
      billable_e4: c.big,
      billing_status: c.text,
      notes: c.optionalText,
      // The cost rate frozen at approval, and its currency (the resource's cost currency).
      cost_rate_e4: c.later(3, c.optionalBig),
      cost_currency: c.later(3, c.optionalText),
    },
    indexes: [
      ['timecard_id'],
      ['project_id', 'billing_status'],
      // Issue 12's metrics (docs/metrics.md): a period's entries by date, and a project's cost read from the index alone.
      { columns: ['entry_date'], since: 4 },
      { columns: ['project_id', 'cost_currency', 'cost_rate_e4', 'hours_e2'], since: 4 },
    ],
  },
  billing_drafts: {
    columns: {
      id: c.id,
      project_id: c.ref('projects'),
      contract_id: c.optionalText,
      legal_entity_id: c.text,
      account_id: c.text,
      cutoff_date: c.text,
      status: c.text,
      summary_e4: c.big,
      currency: c.text,
      invoice_id: c.optionalText,
      aggregate_version: c.aggregateVersion(3),
      invoice_number: c.later(3, c.optionalText),
    },
    indexes: [['project_id']],
  },
  billing_draft_items: {
    columns: {
      id: c.id,
      draft_id: c.ref('billing_drafts'),
      source_type: c.text,
      source_id: c.text,
      description: c.text,
      quantity_e2: c.big,
      unit_price_e4: c.big,
      amount_e4: c.big,
      // How the ERP taxes the line (docs/capabilities.md#expenses): STANDARD or DISBURSEMENT.
      tax_treatment: c.later(4, { type: 'text', default: 'STANDARD' }),
    },
    indexes: [['draft_id']],
    // INV-2: a billable source is claimed by at most one draft item.
    unique: [['source_type', 'source_id']],
  },
  ...expenseTables,
  ...billingControlTables,
  ...sourceCreditTables,
} as const satisfies Record<string, TableSpec>;

export type PsaTables = TablesOf<typeof psaTables>;
export type RoleRow = RowOf<typeof psaTables.roles>;
export type ResourceRow = RowOf<typeof psaTables.resources>;
export type ProjectRow = RowOf<typeof psaTables.projects>;
export type ContractLineRow = RowOf<typeof psaTables.contract_lines>;
export type MilestoneRow = RowOf<typeof psaTables.milestones>;
export type AssignmentRow = RowOf<typeof psaTables.assignments>;
export type ResourceRequestRow = RowOf<typeof psaTables.resource_requests>;
export type TimecardRow = RowOf<typeof psaTables.timecards>;
export type TimeEntryRow = RowOf<typeof psaTables.time_entries>;
export type BillingDraftRow = RowOf<typeof psaTables.billing_drafts>;
export type BillingDraftItemRow = RowOf<typeof psaTables.billing_draft_items>;

/** Rows in the shape of the first migration, as the seed writes them (later columns take their defaults). */
export type ResourceRequestSeedRow = FirstRowOf<typeof psaTables.resource_requests>;
export type TimecardSeedRow = FirstRowOf<typeof psaTables.timecards>;
export type TimeEntrySeedRow = FirstRowOf<typeof psaTables.time_entries>;
export type BillingDraftSeedRow = FirstRowOf<typeof psaTables.billing_drafts>;
