/**
 * The graph of expenses (docs/capabilities.md#expenses): the Expense type, the paged expenses of a
 * project and of a person, and the approved billable expenses among a project's billable sources
 * (what conservation balances, docs/reconciliation.md#conservation).
 */
import { formatScaled, money } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { found } from '../kernel/refs.ts';
import type { PsaContext } from './context.ts';
import type { Expense, Project, Resource } from './ports/types.ts';

type Ctx = PsaContext;
type ExpensePageArgs = PageArgs & { status?: string[] | null };

export const expenseQuery = {
  expense: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.expense.load(args.id), 'Expense', args.id),
};

/** Project.expenses: one keyset page per project (its own statement and count). */
export const projectExpenses = (project: Project, args: ExpensePageArgs, ctx: Ctx) =>
  connectionOf(args, (page) => ctx.read.expensesPage({ projectId: project.id, status: args.status ?? null }, page));

/** Resource.expenses: on projects the caller sees only (the read is scoped by project). */
export const resourceExpenses = (resource: Resource, args: ExpensePageArgs, ctx: Ctx) =>
  connectionOf(args, (page) => ctx.read.expensesPage({ resourceId: resource.id, status: args.status ?? null }, page));

export const expenseResolvers = {
  __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.expense.load(reference.id),
  project: (expense: Expense, _: unknown, ctx: Ctx) => ctx.loaders.project.load(expense.projectId),
  resource: (expense: Expense, _: unknown, ctx: Ctx) => ctx.loaders.resource.load(expense.resourceId),
  amount: (expense: Expense) => money(expense.amountE4, expense.currency),
  markupPercent: (expense: Expense) => formatScaled(expense.markupPercentE4, 10_000, 2),
  billableAmount: (expense: Expense) => money(expense.billableE4, expense.currency),
  approver: (expense: Expense, _: unknown, ctx: Ctx) => (expense.approverId ? ctx.loaders.resource.load(expense.approverId) : null),
};

/** The project's approved billable expenses as BillableSource, by date. */
export async function expenseBillableSources(project: Project, ctx: Ctx) {
  return (await ctx.read.approvedBillableExpensesByProjectIds([project.id])).map((expense) => ({
    sourceType: 'EXPENSE',
    sourceId: expense.id,
    date: expense.date,
    amount: money(expense.billableE4, expense.currency),
    billingStatus: expense.billingStatus,
  }));
}
