/**
 * Step 11: revenue schedules, one per customer project, computed from the data already built so
 * the figures reconcile:
 * - T&M, AS_INVOICED (right to invoice): recognized = billed to date, net of credit memos.
 * - Milestone, MILESTONE_OUTPUT: recognized = milestones approved for billing.
 * - Fixed fee, PERCENT_COMPLETE_HOURS: allocated x approved hours / budget hours (time before the
 *   history window counts at plan), capped at allocated; a closed project is fully recognized.
 * - Retainer, STRAIGHT_LINE: the fee of every month that ended by asOf.
 */
import { roundToMinor } from '../systems/kernel/decimal.ts';
import { addMonths, monthStart } from './calendar.ts';
import type { Billing } from './generateBilling.ts';
import { REVENUE_METHOD } from './generateFinance.ts';
import { BILLED_INVOICE_STATUSES } from '../systems/erp/invoiceStatuses.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import { must, type ProjectPlan, type SeedContext } from './model.ts';

/** Writes one revenue schedule per customer project. */
export function generateRevenue(ctx: SeedContext, ref: Reference, portfolio: Portfolio, billing: Billing): void {
  const { asOf, windowStart } = ctx.cal;
  const billed = new Map<string, number>();
  for (const invoice of billing.invoices) {
    if (BILLED_INVOICE_STATUSES.includes(invoice.row.status))
      billed.set(invoice.project.id, (billed.get(invoice.project.id) ?? 0) + invoice.row.subtotal_e4);
  }
  const approvedHours = new Map<string, number>();
  for (const timecard of ctx.data.psa.timecards) {
    if (timecard.status === 'APPROVED')
      approvedHours.set(timecard.project_id, (approvedHours.get(timecard.project_id) ?? 0) + timecard.total_hours_e2);
  }

  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER') continue;
    const method = must(REVENUE_METHOD[must(project.billingMethod, 'method')], 'revenue method');
    const currency = must(ref.les[project.le], 'le').currency;
    const notStarted = project.status === 'PLANNED' || project.status === 'DRAFT' || project.status === 'CANCELLED';
    let allocated = project.contractValueE4;
    let recognized = 0;
    if (!notStarted) {
      switch (project.billingMethod) {
        case 'TIME_AND_MATERIALS': {
          recognized = billed.get(project.id) ?? 0;
          allocated = project.status === 'CLOSED' ? recognized : Math.max(allocated, recognized);
          break;
        }
        case 'MILESTONE':
          recognized = project.milestones.reduce((sum, m) => sum + (m.approvedOn === null ? 0 : m.amountE4), 0);
          break;
        case 'FIXED_FEE':
          recognized =
            project.status === 'CLOSED' ? allocated : percentComplete(project, approvedHours.get(project.id) ?? 0, windowStart, currency);
          break;
        case 'RETAINER':
          for (let month = monthStart(project.start); month <= project.end && addMonths(month, 1) <= asOf; month = addMonths(month, 1)) {
            recognized += project.retainerFeeE4;
          }
          break;
        default:
          break;
      }
    }
    const status =
      project.status === 'CANCELLED'
        ? 'CANCELLED'
        : notStarted
          ? 'PLANNED'
          : project.creditHold
            ? 'ON_HOLD'
            : project.status === 'CLOSED' && recognized === allocated
              ? 'COMPLETED'
              : recognized > 0
                ? 'IN_PROGRESS'
                : 'PLANNED';
    ctx.data.erp.revenue_schedules.push({
      id: ctx.nextId('rs'),
      project_id: project.id,
      method,
      status,
      allocated_e4: allocated,
      recognized_e4: recognized,
      currency,
    });
  }
}

function percentComplete(project: ProjectPlan, approvedE2: number, windowStart: number, currency: string): number {
  if (project.budgetHoursE2 <= 0) return 0;
  const before =
    project.start < windowStart ? project.budgetHoursE2 * ((windowStart - project.start) / Math.max(1, project.end - project.start)) : 0;
  const ratio = Math.min(1, (approvedE2 + before) / project.budgetHoursE2);
  return roundToMinor(project.contractValueE4 * ratio, currency);
}
