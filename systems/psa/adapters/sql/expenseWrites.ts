/**
 * The expense writes of the PSA write port on SQL (docs/capabilities.md#expenses), inside the
 * capability's transaction: versioned transitions (a lost race is VERSION_CONFLICT). The claim of
 * an expense by a draft is the draft's (writePort.ts: billing_draft_items' unique source).
 */
import type { Transaction } from 'kysely';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import type { ExpenseWrites } from '../../ports/expensePorts.ts';
import { expenseRow, toExpense } from './expenseRows.ts';
import type { PsaTables } from './tables.ts';

export function createSqlExpenseWrites(trx: Transaction<PsaTables>): ExpenseWrites {
  const reload = async (id: string) =>
    toExpense(await trx.selectFrom('expenses').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  return {
    async submitExpense(expense) {
      await trx.insertInto('expenses').values(expenseRow(expense)).execute();
      return reload(expense.id);
    },
    async approveExpense(expense, approval) {
      await updateAggregate(trx, 'expenses', 'Expense', expense, {
        status: 'APPROVED',
        decided_at: approval.decidedAt,
        decided_by: approval.decidedBy,
        approver_id: approval.approverId,
        markup_percent_e4: approval.markupPercentE4,
        billable_e4: approval.billableE4,
        billing_status: approval.billingStatus,
      });
      return reload(expense.id);
    },
    async rejectExpense(expense, rejection) {
      await updateAggregate(trx, 'expenses', 'Expense', expense, {
        status: 'REJECTED',
        decided_at: rejection.decidedAt,
        decided_by: rejection.decidedBy,
        approver_id: rejection.approverId,
        rejection_reason: rejection.reason,
        billing_status: 'NOT_BILLABLE',
      });
      return reload(expense.id);
    },
  };
}
