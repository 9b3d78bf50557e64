/**
 * What a billing run reports (docs/processes.md#billing-run-report): how many projects ended in
 * each outcome, and per currency the amounts billed (the released drafts, net, and their invoices
 * with tax), held and refused (drafts that were generated and not released). A project held or
 * refused before a draft existed has no amount: it is counted, with its reason, and not summed.
 */
import { money, type Money } from '../../kernel/decimal.ts';
import type { BillingRunProjectRow, ProjectOutcome } from './tables.ts';

export type OutcomeCounts = Readonly<Record<ProjectOutcome, number>> & { readonly projects: number };

export interface CurrencyTotals {
  readonly currency: string;
  readonly billed: Money;
  readonly invoiced: Money;
  readonly held: Money;
  readonly refused: Money;
  readonly projectsBilled: number;
  readonly projectsHeld: number;
  readonly projectsRefused: number;
}

export function outcomeCounts(rows: readonly BillingRunProjectRow[]): OutcomeCounts {
  const counts = { projects: rows.length, PENDING: 0, DRAFTED: 0, RELEASED: 0, HELD: 0, REFUSED: 0, NOTHING_TO_BILL: 0 };
  for (const row of rows) counts[row.status as ProjectOutcome] += 1;
  return counts;
}

export function currencyTotals(rows: readonly BillingRunProjectRow[]): CurrencyTotals[] {
  const sums = new Map<string, { billed: number; invoiced: number; held: number; refused: number; nb: number; nh: number; nr: number }>();
  for (const row of rows) {
    const sum = sums.get(row.currency) ?? { billed: 0, invoiced: 0, held: 0, refused: 0, nb: 0, nh: 0, nr: 0 };
    const drafted = Number(row.draft_amount_e4 ?? 0);
    if (row.status === 'RELEASED') {
      sum.billed += drafted;
      sum.invoiced += Number(row.invoice_total_e4 ?? 0);
      sum.nb += 1;
    } else if (row.status === 'HELD') {
      sum.held += drafted;
      sum.nh += 1;
    } else if (row.status === 'REFUSED') {
      sum.refused += drafted;
      sum.nr += 1;
    }
    sums.set(row.currency, sum);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, sum]) => ({
      currency,
      billed: money(sum.billed, currency),
      invoiced: money(sum.invoiced, currency),
      held: money(sum.held, currency),
      refused: money(sum.refused, currency),
      projectsBilled: sum.nb,
      projectsHeld: sum.nh,
      projectsRefused: sum.nr,
    }));
}
