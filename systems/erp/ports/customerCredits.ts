/**
 * Customer credit balances (docs/capabilities.md#customer-credits, docs/invariants.md#inv-21): what a
 * credit memo credits beyond what is still open on the invoice (a credit on a PAID invoice, or on a
 * partly paid one beyond its due) is money the customer has paid and is owed back. It is kept per
 * credit memo, for the customer in the invoice's legal entity and currency, and is used up by
 * applying it to another open invoice of the same customer, legal entity and currency, or by a
 * refund. remaining = amount − applied − refunded, never below zero.
 */
import type { Invoice, VersionedRef } from './types.ts';

export type CustomerCreditStatus = 'OPEN' | 'USED';
export type CustomerCreditUseKind = 'APPLIED' | 'REFUNDED';

export interface CustomerCredit {
  readonly id: string;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly currency: string;
  /** The credit memo it came from, and the invoice that memo credits. */
  readonly creditMemoId: string;
  readonly invoiceId: string;
  readonly amountE4: number;
  readonly appliedE4: number;
  readonly refundedE4: number;
  readonly status: CustomerCreditStatus;
  readonly createdOn: string;
  readonly aggregateVersion: number;
}

/** An application of a credit to an invoice, or a refund of it (a refund names no invoice). */
export interface CustomerCreditUse {
  readonly id: string;
  readonly creditId: string;
  readonly kind: CustomerCreditUseKind;
  readonly invoiceId: string | null;
  readonly amountE4: number;
  readonly usedOn: string;
  readonly postingPeriodId: string;
  /** A refund's payment method and bank reference. */
  readonly method: string | null;
  readonly reference: string | null;
}

export interface CustomerCreditReads {
  customerCreditsByIds(ids: readonly string[]): Promise<CustomerCredit[]>;
  /** Oldest first (created on, then id). */
  customerCreditsByAccountIds(accountIds: readonly string[]): Promise<CustomerCredit[]>;
  /** In the order they were made (used on, then id). */
  customerCreditUsesByCreditIds(creditIds: readonly string[]): Promise<CustomerCreditUse[]>;
}

export interface CustomerCreditWrites {
  openCustomerCredit(credit: CustomerCredit): Promise<CustomerCredit>;
  /**
   * Uses part of a credit: the credit moves from `credit`'s version (so two uses racing on one
   * credit cannot both spend it: VERSION_CONFLICT), the use is recorded, and an application's
   * invoice moves from its version too (settled by the credit like a payment: `amountPaidE4`).
   */
  useCustomerCredit(change: {
    readonly credit: VersionedRef;
    readonly appliedE4: number;
    readonly refundedE4: number;
    readonly status: CustomerCreditStatus;
    readonly use: CustomerCreditUse;
    readonly invoice: { readonly ref: VersionedRef; readonly amountPaidE4: number; readonly status: string } | null;
  }): Promise<{ credit: CustomerCredit; use: CustomerCreditUse; invoice: Invoice | null }>;
}
