/**
 * Expenses on the in-memory remote PSA (docs/capabilities.md#expenses): the reads answer what the
 * SQL adapter answers (same filters, orders and scope, an expense visible through its project);
 * the writes create once per call and change from the version the capability read.
 */
import type { Page, PageRequest } from '../../../kernel/pagination.ts';
import type { ExpenseReads, ExpenseWrites } from '../../ports/expensePorts.ts';
import type { Expense } from '../../ports/types.ts';
import { OBJECT, type ObjectType, type PsaRecords } from './objects.ts';

/** Billing states of an approved billable expense (the SQL adapter's APPROVED_BILLABLE_EXPENSE). */
const APPROVED_BILLABLE = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'BILLED', 'CREDITED', 'WRITTEN_OFF'];

type Create = <K extends ObjectType>(type: K, operation: string, record: PsaRecords[K]) => Promise<PsaRecords[K]>;
type Change = (
  type: 'Expense',
  ref: { readonly id: string; readonly aggregateVersion: number },
  apply: (current: Expense) => Expense,
) => Promise<Expense>;

export function createMemoryExpenseWrites(create: Create, change: Change): ExpenseWrites {
  return {
    submitExpense: (expense) => create(OBJECT.expense, 'expense', expense),
    approveExpense: (expense, approval) =>
      change(OBJECT.expense, expense, (current) => ({
        ...current,
        status: 'APPROVED',
        decidedAt: approval.decidedAt,
        decidedBy: approval.decidedBy,
        approverId: approval.approverId,
        markupPercentE4: approval.markupPercentE4,
        billableE4: approval.billableE4,
        billingStatus: approval.billingStatus,
      })),
    rejectExpense: (expense, rejection) =>
      change(OBJECT.expense, expense, (current) => ({
        ...current,
        status: 'REJECTED',
        decidedAt: rejection.decidedAt,
        decidedBy: rejection.decidedBy,
        approverId: rejection.approverId,
        rejectionReason: rejection.reason,
        billingStatus: 'NOT_BILLABLE',
      })),
  };
}

/** `visible`: the expenses on projects the scope sees, in id order. */
export function createMemoryExpenseReads(visible: () => Promise<Expense[]>): ExpenseReads {
  return {
    expensesByIds: async (ids) => (await visible()).filter((e) => ids.includes(e.id)),
    expensesPage: async (filter, page) =>
      pageOf(
        (await visible()).filter(
          (e) =>
            (!filter.projectId || e.projectId === filter.projectId) &&
            (!filter.resourceId || e.resourceId === filter.resourceId) &&
            (!filter.status?.length || filter.status.includes(e.status)),
        ),
        page,
      ),
    approvedBillableExpensesByProjectIds: async (ids) =>
      byDate((await visible()).filter((e) => ids.includes(e.projectId) && APPROVED_BILLABLE.includes(e.billingStatus))),
  };
}

/** A project's approved expenses ready to bill on or before the cut-off, by date then id. */
export function readyExpenses(expenses: readonly Expense[], projectId: string, cutoffDate: string): Expense[] {
  return byDate(expenses.filter((e) => e.projectId === projectId && e.billingStatus === 'READY_TO_BILL' && e.date <= cutoffDate));
}

function byDate(expenses: Expense[]): Expense[] {
  return expenses.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function pageOf(records: Expense[], page: PageRequest): Page<Expense> {
  const after = page.afterId === null ? records : records.filter((r) => r.id > page.afterId!);
  return { rows: page.first === 0 ? [] : after.slice(0, page.first + 1), total: records.length };
}
