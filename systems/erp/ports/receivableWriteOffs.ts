/**
 * Receivable write-offs (docs/capabilities.md#receivable-write-off, docs/state-machines.md#receivable-write-off):
 * a request to stop collecting part or all of what is open on a posted invoice, with a reason code
 * and an explanation, decided by another person (docs/invariants.md#inv-8). Approved, it settles the
 * invoice like a payment or a credit (the invoice's `amountWrittenOffE4`), never beyond its open
 * balance (docs/invariants.md#inv-21).
 */
import type { Invoice, VersionedRef } from './types.ts';

/** The reasons a receivable is written off: the PSA's WriteOffReason enum (one SDL enum for both). */
export const RECEIVABLE_WRITE_OFF_REASONS = [
  'GOODWILL',
  'DISPUTE',
  'NON_BILLABLE_BY_AGREEMENT',
  'RATE_ADJUSTMENT',
  'SMALL_BALANCE',
  'BAD_DEBT',
  'OTHER',
] as const;
export type ReceivableWriteOffReason = (typeof RECEIVABLE_WRITE_OFF_REASONS)[number];

export type ReceivableWriteOffStatus = 'REQUESTED' | 'APPROVED' | 'REJECTED';

export interface ReceivableWriteOff {
  readonly id: string;
  readonly invoiceId: string;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly amountE4: number;
  readonly reasonCode: ReceivableWriteOffReason;
  readonly reasonText: string;
  readonly status: ReceivableWriteOffStatus;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  /** A rejection's reason. */
  readonly decisionNote: string | null;
  /** The approval's date and its (open) accounting period. */
  readonly writtenOffOn: string | null;
  readonly postingPeriodId: string | null;
  readonly aggregateVersion: number;
}

export interface ReceivableWriteOffReads {
  receivableWriteOffsByIds(ids: readonly string[]): Promise<ReceivableWriteOff[]>;
  /** Oldest first (requested at, then id). */
  receivableWriteOffsByInvoiceIds(invoiceIds: readonly string[]): Promise<ReceivableWriteOff[]>;
}

export interface ReceivableWriteOffWrites {
  requestReceivableWriteOff(writeOff: ReceivableWriteOff): Promise<ReceivableWriteOff>;
  /**
   * Decides a request: the write-off moves from `writeOff`'s version (two decisions racing cannot
   * both win: VERSION_CONFLICT); an approval's invoice moves from its version too (a payment or a
   * credit racing the approval cannot over-settle it).
   */
  decideReceivableWriteOff(change: {
    readonly writeOff: VersionedRef;
    readonly status: 'APPROVED' | 'REJECTED';
    readonly decidedBy: string;
    readonly decidedAt: string;
    readonly decisionNote: string | null;
    readonly writtenOffOn: string | null;
    readonly postingPeriodId: string | null;
    readonly invoice: { readonly ref: VersionedRef; readonly amountWrittenOffE4: number; readonly status: string } | null;
  }): Promise<{ writeOff: ReceivableWriteOff; invoice: Invoice | null }>;
}
