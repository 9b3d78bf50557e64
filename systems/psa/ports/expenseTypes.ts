/**
 * The PSA's expense records (docs/model.md#expense, docs/capabilities.md#expenses): money a resource
 * spent on a project, submitted, approved by someone else (segregation of duties), then, when
 * billable, billed to the customer like approved time (one claim per source, docs/invariants.md#inv-2).
 * Amounts are e4-scaled in `currency`, which is always the project's.
 */

/** What an expense was spent on: a fixed list (docs/model.md#expense). */
export const EXPENSE_CATEGORIES = ['TRAVEL', 'LODGING', 'MEALS', 'MILEAGE', 'SOFTWARE', 'SUBCONTRACTOR', 'OTHER'] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

/**
 * How the ERP taxes a billed line: STANDARD at the invoice's tax profile (time, milestones and
 * expenses recharged as part of the service), DISBURSEMENT outside the scope of tax (a cost paid
 * as the customer's agent and passed on at cost, never marked up).
 */
export type TaxTreatment = 'STANDARD' | 'DISBURSEMENT';

export type ExpenseStatus = 'SUBMITTED' | 'APPROVED' | 'REJECTED';

export interface Expense {
  readonly id: string;
  readonly projectId: string;
  /** Who spent the money (the spender). */
  readonly resourceId: string;
  /** The day the money was spent. */
  readonly date: string;
  readonly category: ExpenseCategory;
  readonly description: string;
  /** What was spent, in `currency` (the project's). */
  readonly amountE4: number;
  readonly currency: string;
  readonly receiptReference: string | null;
  /** Whether the spender asked for it to be billed to the customer. */
  readonly billable: boolean;
  readonly taxTreatment: TaxTreatment;
  /** Frozen at approval: the contract line's expense markup (percent, e4) applied; 0 when none applies. */
  readonly markupPercentE4: number;
  /** Frozen at approval: what the customer is billed (amount with the markup), 0 when not billable. */
  readonly billableE4: number;
  readonly status: ExpenseStatus;
  readonly billingStatus: string;
  readonly submittedAt: string;
  /** Principal subjects: who submitted and who approved or rejected (segregation of duties). */
  readonly submittedBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  /** The approving or rejecting resource, when the decider is one. */
  readonly approverId: string | null;
  readonly rejectionReason: string | null;
  readonly aggregateVersion: number;
}

/** An approval's frozen pricing. */
export interface ExpenseApproval {
  readonly decidedAt: string;
  readonly decidedBy: string;
  readonly approverId: string | null;
  readonly markupPercentE4: number;
  readonly billableE4: number;
  readonly billingStatus: 'READY_TO_BILL' | 'NOT_BILLABLE';
}

export interface ExpenseRejection {
  readonly decidedAt: string;
  readonly decidedBy: string;
  readonly approverId: string | null;
  readonly reason: string;
}
