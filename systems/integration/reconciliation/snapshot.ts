/**
 * What reconciliation compares (docs/reconciliation.md#what-is-read): the PSA's billing claims and
 * approved billable sources, and the ERP's invoices and credit memos, as read through each system's
 * subgraph (sources.ts). Amounts are e4 integers (systems/kernel/decimal.ts), in the record's currency.
 */

/** One approved billable source of a project (time entry or milestone) with its PSA billing status. */
export interface PsaSource {
  readonly sourceType: string;
  readonly sourceId: string;
  /** The entry's date, or the milestone's actual (else target) date. */
  readonly date: string;
  readonly amountE4: number;
  /** READY_TO_BILL | ON_HOLD | ON_DRAFT | BILLED | CREDITED | WRITTEN_OFF */
  readonly billingStatus: string;
}

export interface PsaDraftItem {
  readonly sourceType: string;
  readonly sourceId: string;
  readonly amountE4: number;
  /** A source a line-level credit memo reopened (docs/capabilities.md#creditinvoicelines): billed by this draft's invoice, credited since. */
  readonly reopened?: boolean;
}

export interface PsaBillingDraft {
  readonly id: string;
  readonly status: string;
  readonly cutoffDate: string;
  readonly summaryE4: number;
  readonly invoiceId: string | null;
  /** In item order (the invoice's line n is the draft's item n, releaseInvoice), then the items credits reopened. */
  readonly items: readonly PsaDraftItem[];
}

export interface PsaProject {
  readonly id: string;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly drafts: readonly PsaBillingDraft[];
  readonly sources: readonly PsaSource[];
}

export interface ErpInvoiceLine {
  readonly lineNumber: number;
  readonly amountE4: number;
}

export interface ErpInvoice {
  readonly id: string;
  readonly invoiceNumber: string;
  readonly kind: 'INVOICE' | 'CREDIT_MEMO';
  readonly status: string;
  readonly legalEntityId: string;
  readonly projectId: string | null;
  readonly currency: string;
  readonly invoiceDate: string;
  /** Net of tax; negative on a credit memo. */
  readonly subtotalE4: number;
  readonly lines: readonly ErpInvoiceLine[];
  /** The invoice a credit memo credits. */
  readonly originalInvoiceId: string | null;
}

export interface ReconciliationSnapshot {
  readonly projects: readonly PsaProject[];
  readonly invoices: readonly ErpInvoice[];
}

/** What a run covers: one legal entity or all, one month (`YYYY-MM`) or all time. */
export interface ReconciliationScope {
  readonly legalEntityId?: string | null;
  readonly period?: string | null;
}
