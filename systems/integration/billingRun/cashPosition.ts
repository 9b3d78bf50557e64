/**
 * What the graph shows of cash (docs/processes.md#cash), from the cash consumer's invoice states
 * (sagas/cash.ts): a project's billing status with its invoiced, paid, credited and open amounts,
 * and a customer's exposure (open receivables per currency).
 */
import { money, type Money } from '../../kernel/decimal.ts';
import type { CashInvoiceRow } from '../sagas/cash.ts';

export type ProjectBillingStatus = 'NOT_INVOICED' | 'INVOICED' | 'PARTIALLY_PAID' | 'PAID' | 'CREDITED';

export interface CashPosition {
  readonly status: ProjectBillingStatus;
  readonly invoiced: Money;
  readonly paid: Money;
  readonly credited: Money;
  readonly open: Money;
  readonly invoiceCount: number;
}

export function projectCashPosition(rows: readonly CashInvoiceRow[], currency: string | null): CashPosition | null {
  const unit = rows[0]?.currency ?? currency;
  if (unit === null) return null;
  const sum = (pick: (row: CashInvoiceRow) => number) => rows.reduce((total, row) => total + Number(pick(row)), 0);
  const [total, paid, credited, open] = [sum((r) => r.total_e4), sum((r) => r.paid_e4), sum((r) => r.credited_e4), sum((r) => r.due_e4)];
  return {
    status: billingStatus(rows.length, total, paid, credited, open),
    invoiced: money(total, unit),
    paid: money(paid, unit),
    credited: money(credited, unit),
    open: money(open, unit),
    invoiceCount: rows.length,
  };
}

export function billingStatus(count: number, total: number, paid: number, credited: number, open: number): ProjectBillingStatus {
  if (count === 0) return 'NOT_INVOICED';
  if (open === 0) return credited === total ? 'CREDITED' : 'PAID';
  return paid > 0 ? 'PARTIALLY_PAID' : 'INVOICED';
}

/** Open receivables per currency (currencies with nothing open are left out). */
export function exposure(rows: readonly CashInvoiceRow[]): Money[] {
  const open = new Map<string, number>();
  for (const row of rows) open.set(row.currency, (open.get(row.currency) ?? 0) + Number(row.due_e4));
  return [...open.entries()]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => money(amount, currency));
}
