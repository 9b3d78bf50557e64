/**
 * The ERP's canonical records (docs/model.md#erp): what its ports speak, whatever system of record
 * is behind them. Amounts are exact e4-scaled integers with their currency (`amountE4`, never a
 * float); hours are e2-scaled; dates are ISO strings. No adapter's row type leaves its adapter.
 */

export interface LegalEntity {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly legalName: string;
  readonly country: string;
  readonly functionalCurrency: string;
  readonly intercompanyEnabled: boolean;
  readonly status: string;
  readonly taxProfileId: string | null;
}

export interface AccountingPeriod {
  readonly id: string;
  readonly legalEntityId: string;
  readonly name: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly status: string;
}

export interface TaxProfile {
  readonly id: string;
  readonly partyType: string;
  readonly partyId: string;
  readonly jurisdiction: string;
  readonly registrationNumber: string | null;
  readonly defaultTaxCode: string;
  readonly ratePercentE4: number;
  readonly reverseCharge: boolean;
}

export interface RateCard {
  readonly id: string;
  readonly name: string;
  readonly currency: string;
  readonly legalEntityId: string;
  /** The customer the card was negotiated for (null: the legal entity's standard card). */
  readonly accountId: string | null;
}

export interface RateCardLine {
  readonly id: string;
  readonly rateCardId: string;
  readonly roleId: string;
  readonly billRateE4: number;
  readonly costRateE4: number;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
}

export interface BillingProfile {
  readonly id: string;
  readonly accountId: string;
  readonly legalEntityId: string;
  readonly customerNumber: string;
  readonly currency: string;
  readonly paymentTerms: string;
  readonly creditHold: boolean;
  readonly taxProfileId: string | null;
  /** 1 when enabled; each credit hold placed or released moves it. */
  readonly aggregateVersion: number;
}

/** A contract's financial terms (the ERP's part of a contract, docs/model.md#field-ownership). */
export interface ContractTerms {
  readonly contractId: string;
  readonly paymentTerms: string;
  readonly poNumber: string | null;
  readonly poRequired: boolean;
  readonly taxProfileId: string | null;
  /** When activateContract put the terms in force (null: keyed in the ERP, never activated through Tessera). */
  readonly activatedAt: string | null;
  readonly aggregateVersion: number;
}

/** The ERP's job for a PSA project. */
export interface ErpProject {
  readonly projectId: string;
  readonly erpProjectNumber: string;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly revenueMethod: string;
  readonly accountId: string | null;
}

/** A posted invoice or credit memo (negative amounts). */
export interface Invoice {
  readonly id: string;
  readonly invoiceNumber: string;
  readonly kind: string;
  readonly status: string;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly contractId: string | null;
  readonly projectId: string | null;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly postingPeriodId: string;
  readonly currency: string;
  readonly subtotalE4: number;
  readonly taxE4: number;
  readonly totalE4: number;
  readonly amountPaidE4: number;
  /** Total credited against the invoice by credit memos (positive). */
  readonly amountCreditedE4: number;
  /** Total written off by approved receivable write-offs (docs/capabilities.md#receivable-write-off). */
  readonly amountWrittenOffE4: number;
  readonly sourceBillingDraftId: string | null;
  /** The invoice a credit memo credits. */
  readonly originalInvoiceId: string | null;
  readonly aggregateVersion: number;
}

export interface InvoiceLine {
  readonly id: string;
  readonly invoiceId: string;
  readonly lineNumber: number;
  readonly description: string;
  readonly quantityE2: number;
  readonly unitPriceE4: number;
  readonly amountE4: number;
  readonly taxCode: string;
  readonly taxE4: number;
  /** On a credit memo's line: the invoice line it credits (absent on an invoice's lines and on amount credits). */
  readonly creditedLineId?: string | null;
}

export interface Payment {
  readonly id: string;
  /** The bank reference the money arrived with: one payment per reference. */
  readonly paymentNumber: string;
  readonly accountId: string;
  readonly legalEntityId: string;
  readonly receivedDate: string;
  readonly amountE4: number;
  readonly currency: string;
  readonly method: string;
  readonly status: string;
  readonly aggregateVersion: number;
}

export interface PaymentApplication {
  readonly id: string;
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly amountE4: number;
  readonly appliedOn: string;
}

export interface RevenueSchedule {
  readonly id: string;
  readonly projectId: string;
  /** The contract whose activation allocated it (null on schedules keyed in the ERP). */
  readonly contractId: string | null;
  readonly method: string;
  readonly status: string;
  readonly allocatedE4: number;
  readonly recognizedE4: number;
  readonly currency: string;
  readonly aggregateVersion: number;
}

export interface RevenueScheduleLine {
  readonly id: string;
  readonly scheduleId: string;
  readonly periodId: string;
  readonly amountE4: number;
  readonly recognizedCumE4: number;
  readonly status: string;
  readonly postedAt: string;
}

/** A sum in one currency per key (a project, an account), e4-scaled. */
export interface CurrencyTotal {
  readonly key: string;
  readonly currency: string;
  readonly amountE4: number;
}

export interface InvoiceFilter {
  readonly status?: readonly string[] | null;
  readonly customerId?: string | null;
  readonly legalEntityId?: string | null;
}

/** What a versioned write names: the record and the version the caller read. */
export interface VersionedRef {
  readonly id: string;
  readonly aggregateVersion: number;
}
