/**
 * Expenses for the PSA port contract suites (the generated dataset has none of its own): a few on
 * the projects of the first staffed assignments, in every status and billing state the reads
 * distinguish, built deterministically from the dataset's records.
 */
import type { Assignment, Expense, Project } from '../../../../systems/psa/ports/types.ts';

const STATES: readonly Pick<Expense, 'status' | 'billingStatus' | 'billable' | 'taxTreatment'>[] = [
  { status: 'SUBMITTED', billingStatus: 'UNAPPROVED', billable: true, taxTreatment: 'STANDARD' },
  { status: 'APPROVED', billingStatus: 'READY_TO_BILL', billable: true, taxTreatment: 'STANDARD' },
  { status: 'APPROVED', billingStatus: 'READY_TO_BILL', billable: true, taxTreatment: 'DISBURSEMENT' },
  { status: 'APPROVED', billingStatus: 'NOT_BILLABLE', billable: false, taxTreatment: 'STANDARD' },
  { status: 'APPROVED', billingStatus: 'BILLED', billable: true, taxTreatment: 'STANDARD' },
  { status: 'REJECTED', billingStatus: 'NOT_BILLABLE', billable: true, taxTreatment: 'STANDARD' },
];
const CATEGORIES = ['TRAVEL', 'LODGING', 'MEALS', 'MILEAGE', 'SOFTWARE', 'SUBCONTRACTOR', 'OTHER'] as const;

export function contractExpenses(projects: readonly Project[], assignments: readonly Assignment[]): Expense[] {
  const billing = new Map(projects.filter((p) => p.type === 'CUSTOMER_BILLABLE' && p.contractId !== null).map((p) => [p.id, p]));
  const staffed = assignments
    .filter((a) => billing.has(a.projectId) && ['CONFIRMED', 'ACTIVE', 'COMPLETED'].includes(a.status))
    .slice(0, 8);
  return staffed.flatMap((assignment, a) =>
    STATES.map((state, index): Expense => {
      const project = billing.get(assignment.projectId)!;
      const amountE4 = (1_000 + 137 * (a * STATES.length + index)) * 100;
      const decided = state.status !== 'SUBMITTED';
      const billableE4 = state.billingStatus === 'NOT_BILLABLE' || state.billingStatus === 'UNAPPROVED' ? 0 : amountE4;
      return {
        id: `exp_port_${String(a).padStart(2, '0')}_${index}`,
        projectId: project.id,
        resourceId: assignment.resourceId,
        date: assignment.startDate,
        category: CATEGORIES[(a + index) % CATEGORIES.length]!,
        description: `Port expense ${a}.${index}`,
        amountE4,
        currency: project.currency,
        receiptReference: index % 2 === 0 ? `RCPT-${a}-${index}` : null,
        ...state,
        markupPercentE4: 0,
        billableE4,
        submittedAt: '2026-01-05T09:00:00.000Z',
        submittedBy: 'port-submitter',
        decidedAt: decided ? '2026-01-06T09:00:00.000Z' : null,
        decidedBy: decided ? 'port-approver' : null,
        approverId: null,
        rejectionReason: state.status === 'REJECTED' ? 'No receipt' : null,
        aggregateVersion: decided ? 2 : 1,
      };
    }),
  );
}
