/**
 * An approved billable expense as a billing draft item (docs/capabilities.md#expenses): one unit at
 * the billable amount frozen at approval, with the expense's tax treatment for the ERP's invoice line.
 */
import { formatScaled } from '../../kernel/decimal.ts';
import type { Expense } from '../ports/types.ts';

const CATEGORY_LABEL: Readonly<Record<string, string>> = {
  TRAVEL: 'Travel',
  LODGING: 'Lodging',
  MEALS: 'Meals',
  MILEAGE: 'Mileage',
  SOFTWARE: 'Software',
  SUBCONTRACTOR: 'Subcontractor',
  OTHER: 'Other',
};

/** "2027-03-02 Travel: Flight to client (markup 10%)"; a disbursement says so. The demo data describes its items with it too. */
export function expenseDescription(
  expense: Pick<Expense, 'date' | 'category' | 'description' | 'markupPercentE4' | 'taxTreatment'>,
): string {
  const label = CATEGORY_LABEL[expense.category] ?? expense.category;
  const markup = expense.markupPercentE4 > 0 ? ` (markup ${formatScaled(expense.markupPercentE4, 10_000, 0)}%)` : '';
  const disbursement = expense.taxTreatment === 'DISBURSEMENT' ? ' (disbursement)' : '';
  return `${expense.date} ${label}: ${expense.description}${markup}${disbursement}`;
}

export function expenseItem(expense: Expense) {
  return {
    sourceType: 'EXPENSE' as const,
    sourceId: expense.id,
    description: expenseDescription(expense),
    quantityE2: 100,
    unitPriceE4: expense.billableE4,
    amountE4: expense.billableE4,
    taxTreatment: expense.taxTreatment,
  };
}
