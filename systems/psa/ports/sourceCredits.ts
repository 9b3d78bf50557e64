/**
 * Credits of billed sources (docs/capabilities.md#creditinvoicelines, docs/state-machines.md#timecard-and-billing-status):
 * the PSA's record of what an ERP credit memo did to each source an invoice billed. Generic over
 * every billable source type (`BillableSourceType`): a time split, a milestone, an expense.
 *
 * - CREDIT: BILLED → CREDITED. The source is never billed again; its draft item keeps its claim.
 * - REOPEN: BILLED → READY_TO_BILL (ON_HOLD when an active project hold covers it). Its draft item
 *   leaves the draft's live claims (to the released items, like a discarded draft's), so a later
 *   draft can claim the source again.
 *
 * Either way the credit is kept (`SourceCredit`): the invoiced draft's items plus its REOPEN credits
 * are what the invoice's lines billed (docs/invariants.md#inv-11).
 */
import type { BillableSourceType, BillingDraft } from './types.ts';

export type SourceCreditAction = 'CREDIT' | 'REOPEN';

export interface SourceCredit {
  readonly id: string;
  readonly projectId: string;
  /** The INVOICED draft whose item billed the source. */
  readonly draftId: string;
  readonly itemId: string;
  readonly sourceType: BillableSourceType;
  readonly sourceId: string;
  /** The item's amount (net of tax), in `currency`. */
  readonly amountE4: number;
  readonly currency: string;
  readonly action: SourceCreditAction;
  /** The ERP invoice that billed it, and the credit memo that credited it. */
  readonly invoiceId: string;
  readonly creditMemoId: string;
  readonly creditedAt: string;
}

export interface SourceCreditReads {
  /** The credits of the drafts' sources (within the scope, through their drafts), oldest first. */
  sourceCreditsByDraftIds(draftIds: readonly string[]): Promise<SourceCredit[]>;
}

export interface SourceCreditWrites {
  /**
   * Records `credits` (all of one draft) and moves each source BILLED → CREDITED (CREDIT) or
   * BILLED → READY_TO_BILL (REOPEN, its item moved to the released items). A source no longer
   * BILLED when the statement runs (credited meanwhile): ALREADY_CREDITED, nothing written.
   */
  recordSourceCredits(draft: BillingDraft, credits: readonly SourceCredit[]): Promise<SourceCredit[]>;
}
