/**
 * The PSA's canonical records (docs/model.md#project, docs/model.md#milestone): what its ports speak, whatever the
 * system of record (the built-in SQL reference system, Certinia, Kantata, ...). Hours are e2-scaled
 * integers (`...E2`), amounts and rates e4-scaled (`...E4`) in the record's `currency` unless a
 * field says otherwise; dates are ISO dates, instants ISO date-times. No adapter's row type leaks.
 */
import type { Expense, TaxTreatment } from './expenseTypes.ts';

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly level: number;
  readonly practice: string;
}

export interface Resource {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly employmentType: string;
  readonly status: string;
  readonly homeLegalEntityId: string;
  readonly primaryRoleId: string;
  /** 0.85 is 8500. */
  readonly utilizationTargetE4: number;
  readonly isBookable: boolean;
  readonly costRateE4: number;
  readonly costCurrency: string;
}

export interface Project {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly status: string;
  readonly type: string;
  readonly billingMethod: string | null;
  readonly accountId: string | null;
  readonly contractId: string | null;
  readonly legalEntityId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly currency: string;
  readonly projectManagerId: string | null;
  readonly budgetHoursE2: number | null;
  readonly plannedRevenueE4: number | null;
  readonly aggregateVersion: number;
  /** Why the project is ON_HOLD or CANCELLED (docs/state-machines.md#project); null otherwise (absent on older records). */
  readonly statusReason?: string | null;
}

/**
 * One of the PSA's billing lines of a CRM contract (docs/model.md#contractline): a contract has one line per
 * billing method (TIME_AND_MATERIALS, FIXED_FEE, MILESTONE, RETAINER, EXPENSES), and each source is billed
 * against its line (`LINE_SOURCE_TYPES`): time on the T&M line, milestones on the fixed-fee or milestone
 * line, expenses on the EXPENSES line. The optional fields came with issue 12 (absent on older records: null).
 */
export interface ContractLine {
  readonly id: string;
  readonly contractId: string;
  readonly billingMethod: string;
  readonly amountE4: number | null;
  readonly notToExceedE4: number | null;
  readonly currency: string;
  readonly rateCardId: string | null;
  /** The markup an EXPENSES line adds to a billable expense, in percent e4-scaled (10% is 100000); null: none. */
  readonly markupPercentE4?: number | null;
  /** The contract version that last set this line's amounts (1: as created with the first project). */
  readonly contractVersion?: number | null;
}

/** The billing draft source types each line method bills (docs/invariants.md#inv-20). */
export const LINE_SOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  TIME_AND_MATERIALS: ['TIME_SPLIT'],
  FIXED_FEE: ['MILESTONE'],
  MILESTONE: ['MILESTONE'],
  RETAINER: ['FEE'],
  EXPENSES: ['EXPENSE'],
};

export interface Milestone {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly targetDate: string;
  readonly actualDate: string | null;
  readonly amountE4: number;
  readonly currency: string;
  readonly status: string;
  readonly requiresCustomerSignOff: boolean;
  readonly approvedForBilling: boolean;
  readonly billingStatus: string;
  readonly aggregateVersion: number;
  /** The customer's sign-off (ACCEPTED): who on the customer side, on what date, under what reference; absent on older records. */
  readonly acceptedBy?: string | null;
  readonly acceptedOn?: string | null;
  readonly acceptanceReference?: string | null;
  /** Why the customer refused the delivery (REJECTED). */
  readonly acceptanceRejectionReason?: string | null;
  /** The principal subject who recorded the customer's decision. */
  readonly acceptanceRecordedBy?: string | null;
}

export interface ResourceRequest {
  readonly id: string;
  readonly projectId: string;
  readonly roleId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly hoursE2: number;
  readonly status: string;
  readonly assignmentId: string | null;
  readonly aggregateVersion: number;
}

export interface Assignment {
  readonly id: string;
  readonly projectId: string;
  readonly resourceId: string;
  readonly roleId: string;
  readonly status: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly scheduledHoursE2: number;
  readonly billRateE4: number | null;
  readonly costRateE4: number;
  readonly currency: string;
  /** The currency of `costRateE4` when it is not `currency` (a resource of another legal entity); null: `currency`. */
  readonly costCurrency: string | null;
  readonly isBillable: boolean;
  readonly aggregateVersion: number;
}

export interface Timecard {
  readonly id: string;
  readonly resourceId: string;
  readonly projectId: string;
  readonly assignmentId: string | null;
  readonly weekStart: string;
  readonly weekEnd: string;
  readonly status: string;
  readonly submittedAt: string | null;
  readonly approvedAt: string | null;
  readonly approverId: string | null;
  readonly totalHoursE2: number;
  readonly totalBillableE4: number;
  readonly currency: string;
  /** Principal subjects: who submitted, who approved or rejected (segregation of duties). */
  readonly submittedBy: string | null;
  readonly decidedBy: string | null;
  readonly rejectionReason: string | null;
  readonly aggregateVersion: number;
}

export interface TimeEntry {
  readonly id: string;
  readonly timecardId: string;
  readonly projectId: string;
  readonly date: string;
  readonly hoursE2: number;
  readonly hourClass: string;
  readonly roleId: string;
  /** Frozen at approval, in the timecard's currency. */
  readonly billRateE4: number | null;
  readonly billableE4: number;
  readonly billingStatus: string;
  readonly notes: string | null;
  /** Frozen at approval, in `costCurrency`. */
  readonly costRateE4: number | null;
  readonly costCurrency: string | null;
}

export interface BillingDraft {
  readonly id: string;
  readonly projectId: string;
  readonly contractId: string | null;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly cutoffDate: string;
  readonly status: string;
  readonly summaryE4: number;
  readonly currency: string;
  readonly invoiceId: string | null;
  readonly invoiceNumber: string | null;
  readonly aggregateVersion: number;
}

/** A line of a draft; it claims its billable source (docs/invariants.md#inv-2). Amounts in the draft's currency. */
export interface BillingDraftItem {
  readonly id: string;
  readonly draftId: string;
  readonly sourceType: BillableSourceType;
  readonly sourceId: string;
  readonly description: string;
  readonly quantityE2: number;
  readonly unitPriceE4: number;
  readonly amountE4: number;
  /** How the ERP taxes the line: STANDARD at the invoice's tax profile, DISBURSEMENT outside the scope of tax. */
  readonly taxTreatment: TaxTreatment;
}

export type BillableSourceType = 'TIME_SPLIT' | 'MILESTONE' | 'EXPENSE';

/** Per-project time aggregates (docs/metrics.md#wip): computed by the system of record, never by loading every entry. */
export interface ProjectTimeTotals {
  readonly approvedHoursE2: number;
  readonly unbilledWipE4: number;
}

/** A hard booking's load on its resource: dates and hours only (docs/state-machines.md#assignment). */
export interface Booking {
  readonly startDate: string;
  readonly endDate: string;
  readonly hoursE2: number;
}

/** Approved time of a project ready to bill, with its role's name (the draft line's description). */
export interface ReadyTimeEntry {
  readonly id: string;
  readonly date: string;
  readonly hoursE2: number;
  readonly billRateE4: number | null;
  readonly billableE4: number;
  readonly roleName: string;
}

/** What a project has ready to bill up to a cut-off date, each kind in date order. */
export interface ReadySources {
  readonly time: readonly ReadyTimeEntry[];
  readonly milestones: readonly Milestone[];
  readonly expenses: readonly Expense[];
}

export * from './expenseTypes.ts';
