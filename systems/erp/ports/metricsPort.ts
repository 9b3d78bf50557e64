/**
 * The ERP's metric reads (docs/metrics.md): receivables at a date, sales by month, revenue
 * schedules' allocated and recognized totals, and the invoices posted from billing drafts. One SQL
 * statement per call on the SQL adapter, bound to the caller's record scope. Part of `ErpReadPort`.
 */
import type { MetricPeriod } from '../../kernel/metricPeriod.ts';

/** Invoice statuses whose documents are receivables until paid (docs/metrics.md#dso): not voided, not written off. */
export const RECEIVABLE_STATUSES: readonly string[] = ['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED'];
/** Revenue schedule statuses left out of contracted value and revenue (docs/metrics.md#backlog). */
export const RETIRED_SCHEDULE_STATUSES: readonly string[] = ['SUPERSEDED', 'CANCELLED'];

export interface MetricFilter {
  readonly legalEntityId: string | null;
  readonly currency: string | null;
}

export interface EntityAmount {
  readonly legalEntityId: string;
  readonly currency: string;
  readonly amountE4: number;
}

export interface MonthlySales extends EntityAmount {
  /** YYYY-MM. */
  readonly month: string;
}

export interface ProjectRevenue {
  readonly projectId: string;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly allocatedE4: number;
  readonly recognizedE4: number;
}

export interface PostedFromDraft {
  readonly invoiceId: string;
  readonly billingDraftId: string;
  readonly legalEntityId: string;
  readonly invoiceDate: string;
}

export interface ErpMetricsReads {
  /** Per legal entity and currency: Σ total of receivable documents dated on or before `asOf`, less the payments applied to them on or before it. */
  receivablesAt(asOf: string, filter: MetricFilter): Promise<EntityAmount[]>;
  /** Per legal entity, currency and month: Σ total of invoices (not credit memos, not voided) dated from `from` to `to`. */
  monthlySales(from: string, to: string, filter: MetricFilter): Promise<MonthlySales[]>;
  /** Per project (and currency): Σ allocated and Σ recognized of its revenue schedules not superseded or cancelled. */
  projectRevenue(filter: MetricFilter & { readonly projectIds: readonly string[] | null }): Promise<ProjectRevenue[]>;
  /** Invoices (not credit memos, not voided) dated in the period that were posted from a PSA billing draft, by date. */
  invoicesFromDrafts(period: MetricPeriod, filter: MetricFilter): Promise<PostedFromDraft[]>;
}
