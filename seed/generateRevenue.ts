/**
 * Step 11: revenue schedules, one per customer project, with the method activateContract gives
 * its billing method (REVENUE_METHOD_OF) and its whole contract value allocated (Σ allocated =
 * contract value, docs/invariants.md#inv-12), and the lines recognition posted for every period
 * of the history that has ended (the current month's run has not happened yet):
 * - invoice-measured methods (T&M AS_INVOICED; fixed fee and milestone MILESTONE_OUTPUT): the
 *   cumulative is the project's net invoiced subtotal (invoices less credit memos, voids excluded)
 *   dated up to the period end, capped at the allocation, as recognizeRevenueForPeriod computes it;
 * - retainer, STRAIGHT_LINE: the fee of every month that ended (the fee milestones approved).
 * A line is posted only when the cumulative moved. The schedule of the customer on credit hold
 * stopped at its hold (ON_HOLD schedules are left out of runs).
 */
import { REVENUE_METHOD_OF } from '../systems/erp/machines.ts';
import { BILLED_INVOICE_STATUSES } from '../systems/erp/invoiceStatuses.ts';
import { addMonths, isoInstant, monthStart, type Day } from './calendar.ts';
import type { Billing } from './generateBilling.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import { must, type SeedContext } from './model.ts';

/** Writes one revenue schedule per customer project, and its posted lines. */
export function generateRevenue(ctx: SeedContext, ref: Reference, portfolio: Portfolio, billing: Billing): void {
  const { asOf, windowStart, asOfMonthStart } = ctx.cal;
  const invoicesOf = new Map<string, { day: Day; subtotalE4: number }[]>();
  for (const invoice of billing.invoices) {
    if (!BILLED_INVOICE_STATUSES.includes(invoice.row.status)) continue;
    let list = invoicesOf.get(invoice.project.id);
    if (!list) invoicesOf.set(invoice.project.id, (list = []));
    list.push({ day: invoice.day, subtotalE4: invoice.row.subtotal_e4 });
  }

  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER') continue;
    const method = must(REVENUE_METHOD_OF[must(project.billingMethod, 'method')], 'revenue method');
    const currency = must(ref.les[project.le], 'le').currency;
    const notStarted = project.status === 'PLANNED' || project.status === 'DRAFT' || project.status === 'CANCELLED';
    const allocated = project.contractValueE4;
    const scheduleId = ctx.nextId('rs');
    let recognized = 0;
    if (!notStarted) {
      const invoices = invoicesOf.get(project.id) ?? [];
      // Periods of the history that ended before asOf's month; the credit-held schedule stopped at its hold.
      for (let month = monthStart(windowStart); month < asOfMonthStart; month = addMonths(month, 1)) {
        const end = addMonths(month, 1) - 1;
        if (project.creditHold && project.holdDay !== null && end >= project.holdDay) break;
        const measure =
          method === 'STRAIGHT_LINE'
            ? project.milestones.reduce((sum, m) => sum + (m.approvedOn !== null && m.approvedOn <= end ? m.amountE4 : 0), 0)
            : invoices.reduce((sum, invoice) => sum + (invoice.day <= end ? invoice.subtotalE4 : 0), 0);
        const cumulative = Math.min(allocated, Math.max(0, measure));
        if (cumulative === recognized) continue;
        ctx.data.erp.revenue_schedule_lines.push({
          id: ctx.nextId('rsl'),
          schedule_id: scheduleId,
          period_id: ref.periodId(project.le, month),
          amount_e4: cumulative - recognized,
          recognized_cum_e4: cumulative,
          status: 'POSTED',
          // The run of a period is part of its close, a few days after it ends.
          posted_at: isoInstant(Math.min(asOf, end + 3), 18 * 60),
        });
        recognized = cumulative;
      }
    }
    const status =
      project.status === 'CANCELLED'
        ? 'CANCELLED'
        : notStarted
          ? 'PLANNED'
          : project.creditHold
            ? 'ON_HOLD'
            : recognized === allocated && allocated > 0
              ? 'COMPLETED'
              : recognized > 0
                ? 'IN_PROGRESS'
                : 'PLANNED';
    ctx.data.erp.revenue_schedules.push({
      id: scheduleId,
      project_id: project.id,
      method,
      status,
      allocated_e4: allocated,
      recognized_e4: recognized,
      currency,
    });
  }
}
