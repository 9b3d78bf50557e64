/**
 * recordSourcesCredited (docs/capabilities.md#creditinvoicelines, docs/state-machines.md#timecard-and-billing-status,
 * docs/invariants.md#inv-11): the ERP's credit memo hands this step over (key
 * `erp.creditInvoiceLines:<creditMemoId>`, like releaseInvoice hands over recordBillingDraftInvoiced),
 * so the PSA credits or reopens exactly the sources the credited invoice lines billed:
 * CREDIT moves a source BILLED → CREDITED (never billed again), REOPEN moves it BILLED →
 * READY_TO_BILL (ON_HOLD under an active project hold) and frees its claim for a later draft.
 * Generic over every billable source type.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { SourceCredit, SourceCreditAction } from '../ports/sourceCredits.ts';
import type { BillableSourceType, BillingDraft } from '../ports/types.ts';
import { billingDraftFor } from './records.ts';

interface CreditedSourceInput {
  readonly sourceType: string;
  readonly sourceId: string;
  readonly action: SourceCreditAction;
}

interface SourcesCreditedInput {
  readonly billingDraftId: string;
  readonly invoiceId: string;
  readonly creditMemoId: string;
  readonly sources: readonly CreditedSourceInput[];
}

export const recordSourcesCredited: CapabilityHandler<PsaPorts, PsaContext, SourcesCreditedInput, { billingDraft: BillingDraft }> = {
  systemOnly: true,
  async effect({ input, ports: { read, write }, emit, now }) {
    const draft = await billingDraftFor(read, input.billingDraftId);
    if (draft.status !== 'INVOICED' || draft.invoiceId !== input.invoiceId) {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `Billing draft ${draft.id} is ${draft.status}${draft.invoiceId ? ` by ${draft.invoiceId}` : ''}: invoice ${input.invoiceId} did not bill its sources.`,
        'billingDraftId',
      );
    }
    if (input.sources.length === 0) throw rejected('PRECONDITION_FAILED', 'A credit names at least one source.', 'sources');
    const keys = input.sources.map((s) => `${s.sourceType}:${s.sourceId}`);
    if (new Set(keys).size !== keys.length) throw rejected('PRECONDITION_FAILED', 'A source is named twice.', 'sources');

    const items = new Map(
      (await read.billingDraftItemsByDraftIds([draft.id])).map((item) => [`${item.sourceType}:${item.sourceId}`, item]),
    );
    const earlier = new Set((await read.sourceCreditsByDraftIds([draft.id])).map((c) => `${c.sourceType}:${c.sourceId}`));
    const refs = input.sources.map((s) => ({ sourceType: s.sourceType as BillableSourceType, sourceId: s.sourceId }));
    const facts = new Map((await read.billableSourcesByRefs(refs)).map((f) => [`${f.sourceType}:${f.sourceId}`, f]));
    const creditedAt = now.toISOString();
    const credits: SourceCredit[] = input.sources.map((source, index) => {
      const key = keys[index]!;
      const item = items.get(key);
      const status = facts.get(key)?.billingStatus;
      // A source this draft billed and a credit already took (credited, or reopened and maybe billed again elsewhere).
      if (earlier.has(key) && (!item || status === 'CREDITED'))
        throw rejected('ALREADY_CREDITED', `${key} of billing draft ${draft.id} is already credited.`, 'sources');
      if (!item) throw rejected('PRECONDITION_FAILED', `${key} is not billed by billing draft ${draft.id}.`, 'sources');
      if (status !== 'BILLED')
        throw rejected('INVALID_STATE_TRANSITION', `${key} is ${status ?? 'missing'}: only a BILLED source is credited.`, 'sources');
      return {
        id: newId('scr'),
        projectId: draft.projectId,
        draftId: draft.id,
        itemId: item.id,
        sourceType: item.sourceType,
        sourceId: item.sourceId,
        amountE4: item.amountE4,
        currency: draft.currency,
        action: source.action,
        invoiceId: input.invoiceId,
        creditMemoId: input.creditMemoId,
        creditedAt,
      };
    });
    const recorded = await write.recordSourceCredits(draft, credits);
    const reopened = recorded.filter((c) => c.action === 'REOPEN');
    // A reopened source of a project on hold waits on hold (docs/state-machines.md#billing-hold).
    if (reopened.length > 0) await write.holdNewlyReadySources(draft.projectId);
    const total = (action: SourceCreditAction) =>
      money(
        recorded.filter((c) => c.action === action).reduce((sum, c) => sum + c.amountE4, 0),
        draft.currency,
      );
    emit(
      aggregateEvent('BillingSourcesCredited', 'BillingDraft', draft, draft.legalEntityId, {
        billingDraftId: draft.id,
        projectId: draft.projectId,
        invoiceId: input.invoiceId,
        creditMemoId: input.creditMemoId,
        creditedSources: recorded.length - reopened.length,
        reopenedSources: reopened.length,
        creditedAmount: total('CREDIT'),
        reopenedAmount: total('REOPEN'),
      }),
    );
    return { billingDraft: draft };
  },
};
