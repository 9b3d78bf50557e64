/**
 * releaseInvoice (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#time-to-billing):
 * a PSA billing draft becomes a posted ERP invoice. The
 * reference ERP posts synchronously, so RELEASED → POSTED is one step here: the invoice is created
 * POSTED with its number, tax lines, due date and posting period, and the PSA is told (system
 * step `recordBillingDraftInvoiced`) in the same transaction. No double billing: one invoice per
 * draft (the UNIQUE source_billing_draft_id), checked first and enforced under a race.
 *
 * Version 1 takes `expectedVersion` (the draft's) optionally and answers a payload; version 2
 * requires it and answers a result union. One effect serves both.
 */
import { isErrorCode } from '../../../core/errors.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { money } from '../../kernel/decimal.ts';
import { PAYMENT_TERM_DAYS } from '../machines.ts';
import type { Invoice } from '../ports/types.ts';
import { crmContract, psaBillingDraft, type CrmContract, type PsaBillingDraft } from './peerFacts.ts';
import { addDays, billingProfileFor, legalEntityFor, openPeriodOf, resolveTaxProfile, type ErpCapability } from './records.ts';
import { resultUnion } from './resultUnion.ts';
import { lineTax } from './lineTax.ts';

interface ReleaseInvoiceInput {
  billingDraftId: string;
  invoiceDate: string;
  expectedVersion?: number | null;
}

interface Facts {
  readonly draft: PsaBillingDraft | null;
  readonly contract: CrmContract | null;
}

type Result = { invoice: Invoice };
type Handler = ErpCapability<ReleaseInvoiceInput, Result, Facts>;

/** Draft states an invoice is released from (GENERATED: a draft generated straight for release). */
const RELEASABLE: ReadonlySet<string> = new Set(['IN_REVIEW', 'GENERATED']);

const RECORD_INVOICED = `mutation ErpInvoicedBillingDraft($input: RecordBillingDraftInvoicedInput!) {
  recordBillingDraftInvoiced(input: $input) { billingDraft { id status } userErrors { code message field } }
}`;

const release: Handler = {
  async prepare({ input, ctx }) {
    const draft = await psaBillingDraft(ctx, input.billingDraftId);
    // An INVOICED draft may be one whose release needs resuming (its contract is checked again then).
    const relevant = draft !== null && (RELEASABLE.has(draft.status) || (draft.status === 'INVOICED' && draft.invoiceId !== null));
    const contract = draft?.contractId && relevant ? await crmContract(ctx, draft.contractId) : null;
    return { draft, contract };
  },

  async effect({ input, facts, ports: { read, write }, emit, ctx, declaration }) {
    const draft = facts.draft;
    if (!draft) throw notFoundRejection('BillingDraft', input.billingDraftId, 'billingDraftId');
    // The PSA recorded the draft INVOICED (ERP's step) under an invoice the ERP does not hold: an
    // earlier call whose transaction did not survive the step's answer. The retry re-posts that
    // invoice under the id and number the PSA recorded; the step, under its deterministic key, changes nothing.
    const resumed =
      draft.status === 'INVOICED' && draft.invoiceId !== null && draft.invoiceNumber !== null
        ? (await read.invoicesByIds([draft.invoiceId])).length === 0 && (await read.invoicesBySourceDraftIds([draft.id])).length === 0
        : false;
    if (!resumed) {
      if (draft.status === 'INVOICED')
        throw rejected('SOURCE_ALREADY_BILLED', `Billing draft ${draft.id} is already invoiced.`, 'billingDraftId');
      if (!RELEASABLE.has(draft.status)) {
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `Billing draft ${draft.id} is ${draft.status}: releaseInvoice cannot invoice it.`,
          'billingDraftId',
        );
      }
      checkVersion('BillingDraft', draft.aggregateVersion, input.expectedVersion, { required: declaration.version >= 2 });
    }

    const legalEntity = await legalEntityFor(read, draft.legalEntityId, 'billingDraftId');
    const period = await openPeriodOf(read, legalEntity, input.invoiceDate, 'invoiceDate');
    if (draft.contractId === null) throw rejected('CONTRACT_NOT_ACTIVE', `Billing draft ${draft.id} bills no contract.`, 'billingDraftId');
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', draft.contractId, 'billingDraftId');
    if (contract.legalEntityId !== draft.legalEntityId || draft.projectLegalEntityId !== draft.legalEntityId) {
      throw rejected(
        'LEGAL_ENTITY_MISMATCH',
        `The invoice would be in ${draft.legalEntityId}, the contract is in ${contract.legalEntityId}, ` +
          `the project in ${draft.projectLegalEntityId}.`,
        'billingDraftId',
      );
    }
    if (draft.currency !== contract.currency) {
      throw rejected('CURRENCY_MISMATCH', `The draft is in ${draft.currency}, the contract in ${contract.currency}.`, 'billingDraftId');
    }
    if (contract.status !== 'ACTIVE')
      throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${contract.id} is ${contract.status}.`, 'billingDraftId');
    const profile = await billingProfileFor(read, draft.accountId, legalEntity, 'billingDraftId');
    const [terms] = await read.contractTermsByContractIds([contract.id]);
    const tax = await resolveTaxProfile(
      read,
      [terms?.taxProfileId ?? null, profile.taxProfileId, legalEntity.taxProfileId],
      `customer ${draft.accountId} in ${legalEntity.code}`,
      'billingDraftId',
    );
    if (terms?.poRequired && !terms.poNumber)
      throw rejected('PO_REQUIRED', `Contract ${contract.id} requires a purchase order number.`, 'billingDraftId');
    const termDays = PAYMENT_TERM_DAYS[terms?.paymentTerms ?? profile.paymentTerms];
    if (termDays === undefined) throw rejected('PAYMENT_TERMS_MISSING', `No payment terms for contract ${contract.id}.`, 'billingDraftId');
    const subtotal = draft.items.reduce((sum, item) => sum + item.amountE4, 0);
    if (draft.items.length === 0 || subtotal <= 0) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Billing draft ${draft.id} totals ${money(subtotal, draft.currency).amount} ${draft.currency}: only a positive total is invoiced.`,
        'billingDraftId',
      );
    }

    const lines = draft.items.map((item, index) => ({
      id: newId('invl'),
      lineNumber: index + 1,
      description: item.description,
      quantityE2: item.quantityE2,
      unitPriceE4: item.unitPriceE4,
      amountE4: item.amountE4,
      ...lineTax(item, tax, draft.currency),
    }));
    const taxTotal = lines.reduce((sum, line) => sum + line.taxE4, 0);
    // Posting checks first that the draft is not invoiced yet (SOURCE_ALREADY_BILLED), and enforces it under a race.
    const invoice = await write.postInvoice(
      {
        id: resumed ? draft.invoiceId! : newId('inv'),
        kind: 'INVOICE',
        status: 'POSTED',
        legalEntityId: legalEntity.id,
        accountId: draft.accountId,
        contractId: contract.id,
        projectId: draft.projectId,
        invoiceDate: input.invoiceDate,
        dueDate: addDays(input.invoiceDate, termDays),
        postingPeriodId: period.id,
        currency: draft.currency,
        subtotalE4: subtotal,
        taxE4: taxTotal,
        totalE4: subtotal + taxTotal,
        amountPaidE4: 0,
        sourceBillingDraftId: draft.id,
        originalInvoiceId: null,
        amountCreditedE4: 0,
        amountWrittenOffE4: 0,
        lines,
      },
      resumed ? { legalEntity, series: 'INV', recorded: draft.invoiceNumber! } : { legalEntity, series: 'INV', date: input.invoiceDate },
    );

    const step = await ctx.peers.step<{ recordBillingDraftInvoiced: { userErrors: CapabilityRejection[] } }>('psa', RECORD_INVOICED, {
      input: {
        idempotencyKey: `erp.releaseInvoice:${draft.id}`,
        billingDraftId: draft.id,
        invoiceId: invoice.id,
        invoiceNumber: invoice.invoiceNumber,
      },
    });
    const refusal = step.recordBillingDraftInvoiced.userErrors[0];
    if (refusal)
      throw rejected(
        isErrorCode(refusal.code) ? refusal.code : 'PRECONDITION_FAILED',
        `The PSA refused to mark the draft invoiced: ${refusal.message}`,
        'billingDraftId',
      );

    emit(
      aggregateEvent('InvoiceReleased', 'Invoice', invoice, invoice.legalEntityId, {
        invoiceId: invoice.id,
        invoiceNumber: invoice.invoiceNumber,
        billingDraftId: draft.id,
        projectId: invoice.projectId,
        contractId: invoice.contractId,
        accountId: invoice.accountId,
        invoiceDate: invoice.invoiceDate,
        dueDate: invoice.dueDate,
        postingPeriodId: invoice.postingPeriodId,
        subtotal: money(invoice.subtotalE4, invoice.currency),
        taxTotal: money(invoice.taxE4, invoice.currency),
        total: money(invoice.totalE4, invoice.currency),
        status: invoice.status,
        resumed,
      }),
    );
    return { invoice };
  },
};

export const releaseInvoice: Handler = release;
export const releaseInvoiceV2: Handler = { ...release, payload: resultUnion<Result>('ReleaseInvoiceSuccess') };
