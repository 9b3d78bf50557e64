/**
 * The expense part of the PSA's ports (docs/capabilities.md#expenses): PsaReadPort and
 * PsaWritePort extend these. Reads are bound to the caller's record scope like every other PSA
 * read: an expense is visible through its project.
 */
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import type { Expense, ExpenseApproval, ExpenseRejection } from './expenseTypes.ts';

export interface ExpenseFilter {
  readonly projectId?: string | null;
  readonly resourceId?: string | null;
  readonly status?: readonly string[] | null;
}

export interface ExpenseReads {
  expensesByIds(ids: readonly string[]): Promise<Expense[]>;
  /** In id order (a keyset page); the scope is applied before counting and paging. */
  expensesPage(filter: ExpenseFilter, page: PageRequest): Promise<Page<Expense>>;
  /** Approved billable expenses of the projects (billing status READY_TO_BILL or later), by date then id. */
  approvedBillableExpensesByProjectIds(projectIds: readonly string[]): Promise<Expense[]>;
}

export interface ExpenseWrites {
  /** A new SUBMITTED expense. */
  submitExpense(expense: Expense): Promise<Expense>;
  /** SUBMITTED → APPROVED from the version as read, its pricing frozen. */
  approveExpense(expense: Expense, approval: ExpenseApproval): Promise<Expense>;
  /** SUBMITTED → REJECTED from the version as read. */
  rejectExpense(expense: Expense, rejection: ExpenseRejection): Promise<Expense>;
}
