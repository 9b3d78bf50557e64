/**
 * The expense reads of the PSA read port on SQL (docs/capabilities.md#expenses): an expense is
 * visible through its project, checked in the same statement as every other project-owned record.
 */
import type { Kysely, RawBuilder } from 'kysely';
import { keysetPage, noKeys } from '../../../kernel/sqlPage.ts';
import type { ExpenseReads } from '../../ports/expensePorts.ts';
import { toExpense } from './expenseRows.ts';
import type { PsaTables } from './tables.ts';

/** Billing states of an approved billable expense (READY_TO_BILL or later, docs/state-machines.md#expense). */
export const APPROVED_BILLABLE_EXPENSE = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'BILLED', 'CREDITED', 'WRITTEN_OFF'];

export function createSqlExpenseReads(
  db: Kysely<PsaTables>,
  restricted: boolean,
  ofVisibleProject: (column: string) => RawBuilder<boolean>,
): ExpenseReads {
  const expenses = () => db.selectFrom('expenses').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  return {
    expensesByIds: async (ids) => (noKeys(ids) ? [] : (await expenses().selectAll().where('id', 'in', ids).execute()).map(toExpense)),
    expensesPage: async (filter, page) => {
      let query = expenses();
      if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
      if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      const { rows, total } = await keysetPage(query, page);
      return { rows: rows.map(toExpense), total };
    },
    approvedBillableExpensesByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await expenses()
              .selectAll()
              .where('project_id', 'in', ids)
              .where('billing_status', 'in', APPROVED_BILLABLE_EXPENSE)
              .orderBy('expense_date')
              .orderBy('id')
              .execute()
          ).map(toExpense),
  };
}

/** A project's approved expenses ready to bill on or before the cut-off, by date then id. */
export async function readyExpenses(
  db: Kysely<PsaTables>,
  restricted: boolean,
  ofVisibleProject: (column: string) => RawBuilder<boolean>,
  projectId: string,
  cutoffDate: string,
) {
  const rows = await db
    .selectFrom('expenses')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('billing_status', '=', 'READY_TO_BILL')
    .where('expense_date', '<=', cutoffDate)
    .$if(restricted, (q) => q.where(ofVisibleProject('project_id')))
    .orderBy('expense_date')
    .orderBy('id')
    .execute();
  return rows.map(toExpense);
}
