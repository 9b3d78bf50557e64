/** Row ↔ canonical record, in one place: nothing outside adapters/sql/ sees a PSA row. */
import type {
  Assignment,
  BillingDraft,
  BillingDraftItem,
  BillableSourceType,
  ContractLine,
  Milestone,
  Project,
  Resource,
  ResourceRequest,
  Role,
  TaxTreatment,
  Timecard,
  TimeEntry,
} from '../../ports/types.ts';
import type {
  AssignmentRow,
  BillingDraftItemRow,
  BillingDraftRow,
  ContractLineRow,
  MilestoneRow,
  ProjectRow,
  ResourceRequestRow,
  ResourceRow,
  RoleRow,
  TimecardRow,
  TimeEntryRow,
} from './tables.ts';
import type { psaTables } from './tables.ts';
import type { FirstRowOf } from '../../../kernel/tableSpec.ts';

const flag = (value: boolean): number => (value ? 1 : 0);

export const toRole = (row: RoleRow): Role => ({ id: row.id, name: row.name, level: row.level, practice: row.practice });

export const toResource = (row: ResourceRow): Resource => ({
  id: row.id,
  name: row.name,
  email: row.email,
  employmentType: row.employment_type,
  status: row.status,
  homeLegalEntityId: row.home_legal_entity_id,
  primaryRoleId: row.primary_role_id,
  utilizationTargetE4: row.utilization_target_e4,
  isBookable: row.is_bookable === 1,
  costRateE4: row.cost_rate_e4,
  costCurrency: row.cost_currency,
});

export const toProject = (row: ProjectRow): Project => ({
  id: row.id,
  code: row.code,
  name: row.name,
  status: row.status,
  type: row.type,
  billingMethod: row.billing_method,
  accountId: row.account_id,
  contractId: row.contract_id,
  legalEntityId: row.legal_entity_id,
  startDate: row.start_date,
  endDate: row.end_date,
  currency: row.currency,
  projectManagerId: row.project_manager_id,
  budgetHoursE2: row.budget_hours_e2,
  plannedRevenueE4: row.planned_revenue_e4,
  aggregateVersion: row.aggregate_version,
  // Absent unless the project has one (ON_HOLD, CANCELLED), as on records the system holds without it.
  ...(row.status_reason ? { statusReason: row.status_reason } : {}),
});

export const projectRow = (p: Project): ProjectRow => ({
  id: p.id,
  code: p.code,
  name: p.name,
  status: p.status,
  type: p.type,
  billing_method: p.billingMethod,
  account_id: p.accountId,
  contract_id: p.contractId,
  legal_entity_id: p.legalEntityId,
  start_date: p.startDate,
  end_date: p.endDate,
  currency: p.currency,
  project_manager_id: p.projectManagerId,
  budget_hours_e2: p.budgetHoursE2,
  planned_revenue_e4: p.plannedRevenueE4,
  aggregate_version: p.aggregateVersion,
  status_reason: p.statusReason ?? null,
});

/** Rows written before migration 4 (the seed's) have no markup or contract version: null, and version 1. */
export const toContractLine = (row: FirstRowOf<typeof psaTables.contract_lines>): ContractLine => ({
  id: row.id,
  contractId: row.contract_id,
  billingMethod: row.billing_method,
  amountE4: row.amount_e4,
  notToExceedE4: row.nte_e4,
  currency: row.currency,
  rateCardId: row.rate_card_id,
  markupPercentE4: row.markup_percent_e4 ?? null,
  contractVersion: row.contract_version ?? 1,
});

export const contractLineRow = (l: ContractLine): ContractLineRow => ({
  id: l.id,
  contract_id: l.contractId,
  billing_method: l.billingMethod,
  amount_e4: l.amountE4,
  nte_e4: l.notToExceedE4,
  currency: l.currency,
  rate_card_id: l.rateCardId,
  markup_percent_e4: l.markupPercentE4 ?? null,
  contract_version: l.contractVersion ?? 1,
});

export const toMilestone = (row: MilestoneRow): Milestone => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  targetDate: row.target_date,
  actualDate: row.actual_date,
  amountE4: row.amount_e4,
  currency: row.currency,
  status: row.status,
  requiresCustomerSignOff: row.requires_sign_off === 1,
  approvedForBilling: row.approved_for_billing === 1,
  billingStatus: row.billing_status,
  aggregateVersion: row.aggregate_version,
  // The customer's decision, absent until there is one (docs/capabilities.md#acceptmilestone).
  ...(row.accepted_by ? { acceptedBy: row.accepted_by } : {}),
  ...(row.accepted_on ? { acceptedOn: row.accepted_on } : {}),
  ...(row.acceptance_reference ? { acceptanceReference: row.acceptance_reference } : {}),
  ...(row.acceptance_rejection_reason ? { acceptanceRejectionReason: row.acceptance_rejection_reason } : {}),
  ...(row.acceptance_recorded_by ? { acceptanceRecordedBy: row.acceptance_recorded_by } : {}),
});

export const milestoneRow = (m: Milestone): MilestoneRow => ({
  id: m.id,
  project_id: m.projectId,
  name: m.name,
  target_date: m.targetDate,
  actual_date: m.actualDate,
  amount_e4: m.amountE4,
  currency: m.currency,
  status: m.status,
  requires_sign_off: flag(m.requiresCustomerSignOff),
  approved_for_billing: flag(m.approvedForBilling),
  billing_status: m.billingStatus,
  aggregate_version: m.aggregateVersion,
  accepted_by: m.acceptedBy ?? null,
  accepted_on: m.acceptedOn ?? null,
  acceptance_reference: m.acceptanceReference ?? null,
  acceptance_rejection_reason: m.acceptanceRejectionReason ?? null,
  acceptance_recorded_by: m.acceptanceRecordedBy ?? null,
});

export const toResourceRequest = (row: ResourceRequestRow): ResourceRequest => ({
  id: row.id,
  projectId: row.project_id,
  roleId: row.role_id,
  startDate: row.start_date,
  endDate: row.end_date,
  hoursE2: row.hours_e2,
  status: row.status,
  assignmentId: row.assignment_id,
  aggregateVersion: row.aggregate_version,
});

export const resourceRequestRow = (r: ResourceRequest): ResourceRequestRow => ({
  id: r.id,
  project_id: r.projectId,
  role_id: r.roleId,
  start_date: r.startDate,
  end_date: r.endDate,
  hours_e2: r.hoursE2,
  status: r.status,
  assignment_id: r.assignmentId,
  aggregate_version: r.aggregateVersion,
});

export const toAssignment = (row: AssignmentRow): Assignment => ({
  id: row.id,
  projectId: row.project_id,
  resourceId: row.resource_id,
  roleId: row.role_id,
  status: row.status,
  startDate: row.start_date,
  endDate: row.end_date,
  scheduledHoursE2: row.scheduled_hours_e2,
  billRateE4: row.bill_rate_e4,
  costRateE4: row.cost_rate_e4,
  currency: row.currency,
  costCurrency: row.cost_currency,
  isBillable: row.is_billable === 1,
  aggregateVersion: row.aggregate_version,
});

export const assignmentRow = (a: Assignment): AssignmentRow => ({
  id: a.id,
  project_id: a.projectId,
  resource_id: a.resourceId,
  role_id: a.roleId,
  status: a.status,
  start_date: a.startDate,
  end_date: a.endDate,
  scheduled_hours_e2: a.scheduledHoursE2,
  bill_rate_e4: a.billRateE4,
  cost_rate_e4: a.costRateE4,
  currency: a.currency,
  is_billable: flag(a.isBillable),
  aggregate_version: a.aggregateVersion,
  cost_currency: a.costCurrency,
});

export const toTimecard = (row: TimecardRow): Timecard => ({
  id: row.id,
  resourceId: row.resource_id,
  projectId: row.project_id,
  assignmentId: row.assignment_id,
  weekStart: row.week_start,
  weekEnd: row.week_end,
  status: row.status,
  submittedAt: row.submitted_at,
  approvedAt: row.approved_at,
  approverId: row.approver_id,
  totalHoursE2: row.total_hours_e2,
  totalBillableE4: row.total_billable_e4,
  currency: row.currency,
  submittedBy: row.submitted_by,
  decidedBy: row.decided_by,
  rejectionReason: row.rejection_reason,
  aggregateVersion: row.aggregate_version,
});

export const timecardRow = (t: Timecard): TimecardRow => ({
  id: t.id,
  resource_id: t.resourceId,
  project_id: t.projectId,
  assignment_id: t.assignmentId,
  week_start: t.weekStart,
  week_end: t.weekEnd,
  status: t.status,
  submitted_at: t.submittedAt,
  approved_at: t.approvedAt,
  approver_id: t.approverId,
  total_hours_e2: t.totalHoursE2,
  total_billable_e4: t.totalBillableE4,
  currency: t.currency,
  aggregate_version: t.aggregateVersion,
  submitted_by: t.submittedBy,
  decided_by: t.decidedBy,
  rejection_reason: t.rejectionReason,
});

export const toTimeEntry = (row: TimeEntryRow): TimeEntry => ({
  id: row.id,
  timecardId: row.timecard_id,
  projectId: row.project_id,
  date: row.entry_date,
  hoursE2: row.hours_e2,
  hourClass: row.hour_class,
  roleId: row.role_id,
  billRateE4: row.bill_rate_e4,
  billableE4: row.billable_e4,
  billingStatus: row.billing_status,
  notes: row.notes,
  costRateE4: row.cost_rate_e4,
  costCurrency: row.cost_currency,
});

export const timeEntryRow = (e: TimeEntry): TimeEntryRow => ({
  id: e.id,
  timecard_id: e.timecardId,
  project_id: e.projectId,
  entry_date: e.date,
  hours_e2: e.hoursE2,
  hour_class: e.hourClass,
  role_id: e.roleId,
  bill_rate_e4: e.billRateE4,
  billable_e4: e.billableE4,
  billing_status: e.billingStatus,
  notes: e.notes,
  cost_rate_e4: e.costRateE4,
  cost_currency: e.costCurrency,
});

export const toBillingDraft = (row: BillingDraftRow): BillingDraft => ({
  id: row.id,
  projectId: row.project_id,
  contractId: row.contract_id,
  legalEntityId: row.legal_entity_id,
  accountId: row.account_id,
  cutoffDate: row.cutoff_date,
  status: row.status,
  summaryE4: row.summary_e4,
  currency: row.currency,
  invoiceId: row.invoice_id,
  invoiceNumber: row.invoice_number,
  aggregateVersion: row.aggregate_version,
});

export const billingDraftRow = (d: BillingDraft): BillingDraftRow => ({
  id: d.id,
  project_id: d.projectId,
  contract_id: d.contractId,
  legal_entity_id: d.legalEntityId,
  account_id: d.accountId,
  cutoff_date: d.cutoffDate,
  status: d.status,
  summary_e4: d.summaryE4,
  currency: d.currency,
  invoice_id: d.invoiceId,
  aggregate_version: d.aggregateVersion,
  invoice_number: d.invoiceNumber,
});

/** Rows written before the PSA's migration 4 (seeded ones) have no tax treatment: STANDARD. */
export const toBillingDraftItem = (row: Omit<BillingDraftItemRow, 'tax_treatment'> & { tax_treatment?: string }): BillingDraftItem => ({
  id: row.id,
  draftId: row.draft_id,
  sourceType: row.source_type as BillableSourceType,
  sourceId: row.source_id,
  description: row.description,
  quantityE2: row.quantity_e2,
  unitPriceE4: row.unit_price_e4,
  amountE4: row.amount_e4,
  taxTreatment: (row.tax_treatment ?? 'STANDARD') as TaxTreatment,
});

export const billingDraftItemRow = (i: BillingDraftItem): BillingDraftItemRow => ({
  id: i.id,
  draft_id: i.draftId,
  source_type: i.sourceType,
  source_id: i.sourceId,
  description: i.description,
  quantity_e2: i.quantityE2,
  unit_price_e4: i.unitPriceE4,
  amount_e4: i.amountE4,
  tax_treatment: i.taxTreatment,
});
