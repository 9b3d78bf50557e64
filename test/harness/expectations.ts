/**
 * Expected values computed straight from the generated dataset, in plain TypeScript: an
 * independent path to the same numbers the SQL stores and resolvers compute.
 */
import type { Dataset } from '../../seed/generate.ts';

const STAFFED = new Set(['CONFIRMED', 'ACTIVE']);
const UNBILLED = new Set(['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT']);
const BILLED = new Set(['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED', 'WRITTEN_OFF']);
const OPEN = new Set(['POSTED', 'PARTIALLY_PAID']);

export function expectedProjectTotals(data: Dataset, projectId: string) {
  const staff = new Set(data.psa.assignments.filter((a) => a.project_id === projectId && STAFFED.has(a.status)).map((a) => a.resource_id));
  const approved = new Set(data.psa.timecards.filter((t) => t.project_id === projectId && t.status === 'APPROVED').map((t) => t.id));
  let approvedHoursE2 = 0;
  let unbilledWipE4 = 0;
  for (const entry of data.psa.time_entries) {
    if (!approved.has(entry.timecard_id)) continue;
    approvedHoursE2 += entry.hours_e2;
    if (UNBILLED.has(entry.billing_status)) unbilledWipE4 += entry.billable_e4;
  }
  return { staffCount: staff.size, approvedHoursE2, unbilledWipE4 };
}

/** Net billed (subtotals of billed invoices, credit memos included as stored) per currency. */
export function expectedBilled(data: Dataset, projectId: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const invoice of data.erp.invoices) {
    if (invoice.project_id !== projectId || !BILLED.has(invoice.status)) continue;
    totals.set(invoice.currency, (totals.get(invoice.currency) ?? 0) + invoice.subtotal_e4);
  }
  return totals;
}

export function expectedReceivables(data: Dataset, accountId: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const invoice of data.erp.invoices) {
    if (invoice.account_id !== accountId || !OPEN.has(invoice.status)) continue;
    totals.set(invoice.currency, (totals.get(invoice.currency) ?? 0) + invoice.total_e4 - invoice.amount_paid_e4);
  }
  return totals;
}

/** Sorts by `id` (the order keyset pages and `in` lookups are compared in). */
export function byId<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
