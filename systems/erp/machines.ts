/** The ERP's state machines (docs/state-machines.md#billing-draft-and-invoice, docs/state-machines.md#revenue-schedule), as data. */
import type { StateMachine } from '../kernel/capability/stateMachine.ts';

/**
 * A posted invoice (or credit memo). The reference ERP posts synchronously, so an invoice is
 * created POSTED (RELEASED and RELEASE_FAILED are PSA-side draft states).
 */
export type InvoiceStatus = 'POSTED' | 'PARTIALLY_PAID' | 'PAID' | 'VOIDED' | 'CREDITED' | 'WRITTEN_OFF';

export const invoiceMachine: StateMachine<InvoiceStatus> = {
  POSTED: ['PARTIALLY_PAID', 'PAID', 'VOIDED', 'CREDITED', 'WRITTEN_OFF'],
  PARTIALLY_PAID: ['PARTIALLY_PAID', 'PAID', 'POSTED', 'CREDITED', 'WRITTEN_OFF'],
  PAID: ['PARTIALLY_PAID'],
  VOIDED: [],
  CREDITED: [],
  WRITTEN_OFF: [],
};

/** Invoices that take payments and credit memos. */
export const OPEN_FOR_SETTLEMENT: ReadonlySet<string> = new Set(['POSTED', 'PARTIALLY_PAID']);

export type PaymentStatus = 'RECEIVED' | 'PARTIALLY_APPLIED' | 'APPLIED' | 'REVERSED';

export const paymentMachine: StateMachine<PaymentStatus> = {
  RECEIVED: ['PARTIALLY_APPLIED', 'APPLIED', 'REVERSED'],
  PARTIALLY_APPLIED: ['PARTIALLY_APPLIED', 'APPLIED', 'RECEIVED', 'REVERSED'],
  APPLIED: ['PARTIALLY_APPLIED', 'REVERSED'],
  REVERSED: [],
};

export type RevenueScheduleStatus = 'PLANNED' | 'IN_PROGRESS' | 'ON_HOLD' | 'COMPLETED' | 'SUPERSEDED' | 'CANCELLED';

export const revenueScheduleMachine: StateMachine<RevenueScheduleStatus> = {
  PLANNED: ['IN_PROGRESS', 'COMPLETED', 'ON_HOLD', 'SUPERSEDED', 'CANCELLED'],
  // A reversal can bring the cumulative back to zero; the schedule stays IN_PROGRESS (lines posted).
  IN_PROGRESS: ['IN_PROGRESS', 'COMPLETED', 'ON_HOLD', 'SUPERSEDED'],
  ON_HOLD: ['IN_PROGRESS', 'PLANNED'],
  COMPLETED: ['IN_PROGRESS', 'SUPERSEDED'],
  SUPERSEDED: [],
  CANCELLED: [],
};

/** Schedules a recognition run processes (ON_HOLD is excluded from JE runs, docs/state-machines.md#revenue-schedule). */
export const RECOGNIZABLE: ReadonlySet<string> = new Set(['PLANNED', 'IN_PROGRESS']);

/** The revenue method of each contract billing method (docs/state-machines.md#revenue-schedule, the activation's choice). */
export const REVENUE_METHOD_OF: Readonly<Record<string, string>> = {
  TIME_AND_MATERIALS: 'AS_INVOICED',
  FIXED_FEE: 'MILESTONE_OUTPUT',
  MILESTONE: 'MILESTONE_OUTPUT',
  RETAINER: 'STRAIGHT_LINE',
};

/** Methods whose measure of progress is what was invoiced: the ones a recognition run computes. */
export const INVOICE_MEASURED_METHODS: readonly string[] = ['AS_INVOICED', 'MILESTONE_OUTPUT'];

/** Payment terms and their days. */
export const PAYMENT_TERM_DAYS: Readonly<Record<string, number>> = { NET_15: 15, NET_30: 30, NET_45: 45, NET_60: 60 };

export type ReceivableWriteOffStatus = 'REQUESTED' | 'APPROVED' | 'REJECTED';

/** A receivable write-off is decided once (docs/state-machines.md#receivable-write-off). */
export const receivableWriteOffMachine: StateMachine<ReceivableWriteOffStatus> = {
  REQUESTED: ['APPROVED', 'REJECTED'],
  APPROVED: [],
  REJECTED: [],
};
