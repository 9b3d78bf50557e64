/**
 * The ERP's write port: business operations, not tables. Every operation takes canonical values
 * (and the version the caller read, where it transitions an aggregate) and answers the canonical
 * records as stored. What only the store can decide comes back as a typed rejection
 * (ports/rejections.ts): a lost version race (VERSION_CONFLICT), a billing draft posted twice
 * (SOURCE_ALREADY_BILLED), a bank reference recorded twice (DUPLICATE_PAYMENT). A remote system
 * that cannot answer throws DOWNSTREAM_UNAVAILABLE. Business rules are the capabilities', checked
 * before the first write (a remote system cannot roll back).
 */
import type { RevenueRevisionWrites } from './revenueRevisionWrites.ts';
import type { CustomerCreditWrites } from './customerCredits.ts';
import type { ReceivableWriteOffWrites } from './receivableWriteOffs.ts';
import type {
  BillingProfile,
  ContractTerms,
  ErpProject,
  Invoice,
  InvoiceLine,
  LegalEntity,
  Payment,
  PaymentApplication,
  RevenueSchedule,
  RevenueScheduleLine,
  VersionedRef,
} from './types.ts';

/** Legal document series (docs/invariants.md#gapless-numbering). */
export type DocumentSeries = 'INV' | 'CM';

/**
 * How a posted document gets its legal number: the next of its series for the legal entity and the
 * year of `date` (gapless), or a number handed out earlier (`recorded`: the series' counter moves up
 * to it, never down).
 */
export type Numbering =
  | { readonly legalEntity: LegalEntity; readonly series: DocumentSeries; readonly date: string }
  | { readonly legalEntity: LegalEntity; readonly series: DocumentSeries; readonly recorded: string };

/** An invoice or credit memo to post: everything but its number and version (1), with its lines. */
export type InvoiceToPost = Omit<Invoice, 'invoiceNumber' | 'aggregateVersion'> & {
  readonly lines: readonly Omit<InvoiceLine, 'invoiceId'>[];
};

/** A recognition run's change to one schedule. */
export interface RecognizedSchedule {
  readonly schedule: RevenueSchedule;
  readonly recognizedE4: number;
  readonly status: string;
}

/** A customer's billing profile to create in a legal entity: everything but its number (the store gives it). */
export type NewBillingProfile = Omit<BillingProfile, 'customerNumber' | 'legalEntityId' | 'aggregateVersion'>;

export interface ErpWritePort extends CustomerCreditWrites, RevenueRevisionWrites, ReceivableWriteOffWrites {
  /**
   * Enables a customer in a legal entity: creates its billing profile under the legal entity's next
   * customer number (`<code>-C00042`, docs/capabilities.md#enablecustomerbilling), unless the
   * customer already has a profile there: then that one is answered as it is (`created: false`).
   * The store decides under the legal entity's numbering lock, so customers enabled concurrently
   * get distinct numbers and one customer enabled concurrently gets one profile.
   */
  enableCustomer(legalEntity: LegalEntity, profile: NewBillingProfile): Promise<{ profile: BillingProfile; created: boolean }>;
  /**
   * Places (`creditHold` true) or releases a customer's credit hold in a legal entity: the billing
   * profile moves from `profile`'s version to the next (VERSION_CONFLICT when it moved meanwhile).
   */
  setCreditHold(profile: VersionedRef, creditHold: boolean): Promise<BillingProfile>;
  /**
   * Puts a contract's financial terms in force: new terms (`expected` null), or the terms the ERP
   * holds, at `expected`'s version, replaced (VERSION_CONFLICT when they moved meanwhile).
   */
  putContractTerms(terms: Omit<ContractTerms, 'aggregateVersion'>, expected: ContractTerms | null): Promise<ContractTerms>;
  /** Opens an ERP job per project, numbered on from the legal entity's last (`<code>-J00001`, ...). */
  openErpProjects(
    legalEntity: LegalEntity,
    projects: readonly Omit<ErpProject, 'erpProjectNumber' | 'legalEntityId'>[],
  ): Promise<ErpProject[]>;
  /** Supersedes `superseded` (never edited) and creates `schedules`; answers the new schedules in order. */
  allocateRevenue(superseded: readonly RevenueSchedule[], schedules: readonly RevenueSchedule[]): Promise<RevenueSchedule[]>;
  /**
   * Posts an invoice or credit memo with its lines under its legal number. A billing draft is
   * posted at most once: SOURCE_ALREADY_BILLED when it already is (checked, and enforced under a race).
   */
  postInvoice(invoice: InvoiceToPost, numbering: Numbering): Promise<Invoice>;
  /** Adds a credit to an invoice at `invoice`'s version (and settles it: `status`). */
  creditInvoice(invoice: VersionedRef, change: { readonly amountCreditedE4: number; readonly status?: string }): Promise<Invoice>;
  /** Records money received; its bank reference is its natural key (DUPLICATE_PAYMENT). */
  recordPayment(payment: Omit<Payment, 'aggregateVersion' | 'status'>): Promise<Payment>;
  /** Applies part of a payment to an invoice: both move from the versions read, and the application is recorded. */
  applyPayment(change: {
    readonly invoice: VersionedRef;
    readonly invoiceStatus: string;
    readonly amountPaidE4: number;
    readonly payment: VersionedRef;
    readonly paymentStatus: string;
    readonly application: PaymentApplication;
  }): Promise<{ invoice: Invoice; payment: Payment; application: PaymentApplication }>;
  /**
   * Posts a period's recognition lines (one per schedule and period: a second run of the period
   * conflicts) and moves their schedules; answers what was stored, schedules by id.
   */
  recognizeRevenue(
    lines: readonly RevenueScheduleLine[],
    schedules: readonly RecognizedSchedule[],
  ): Promise<{ lines: RevenueScheduleLine[]; schedules: RevenueSchedule[] }>;
}
