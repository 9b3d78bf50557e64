/**
 * releaseInvoice (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#time-to-billing): a PSA billing draft becomes a posted ERP invoice. The
 * reference ERP posts synchronously, so RELEASED → POSTED is one step here: the invoice is created
 * POSTED with its number, tax lines, due date and posting period, and the PSA is told (system
 * step `recordBillingDraftInvoiced`) in the same transaction. No double billing: one invoice per
 * draft (the UNIQUE source_billing_draft_id), checked first and enforced under a race.
 *
 * Version 1 takes `expectedVersion` (the draft's) optionally and answers a payload; version 2
 * requires it and answers a result union. One effect serves both.
 */
import { isErrorCode } from '../../../core/errors.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { money, taxOn } from '../../kernel/decimal.ts';
import type { ErpContext } from '../resolvers.ts';
import type { ErpTables, InvoiceRow } from '../tables.ts';
import { PAYMENT_TERM_DAYS } from '../machines.ts';
import { nextDocumentNumber, recordDocumentNumber } from './documentNumbers.ts';
import { crmContract, psaBillingDraft, type CrmContract, type PsaBillingDraft } from './peerFacts.ts';
import { addDays, billingProfileFor, legalEntityFor, openPeriodOf, reloadInvoice, resolveTaxProfile } from './records.ts';
import { isUniqueViolation } from '../../kernel/capability/engine.ts';
import { resultUnion } from './resultUnion.ts';

interface ReleaseInvoiceInput {
  billingDraftId: string;
  invoiceDate: string;
  expectedVersion?: number | null;
}

interface Facts {
  readonly draft: PsaBillingDraft | null;
  readonly contract: CrmContract | null;
}

type Result = { invoice: InvoiceRow };
type Handler = CapabilityHandler<ErpTables, ErpContext, ReleaseInvoiceInput, Result, Facts>;

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

  async effect({ input, facts, trx, emit, ctx, declaration }) {
    const draft = facts.draft;
    if (!draft) throw notFoundRejection('BillingDraft', input.billingDraftId, 'billingDraftId');
    // The PSA recorded the draft INVOICED (ERP's step) under an invoice the ERP does not hold: an
    // earlier call whose transaction did not survive the step's answer. The retry re-posts that
    // invoice under the id and number the PSA recorded; the step, under its deterministic key, changes nothing.
    const resumed = draft.status === 'INVOICED' && draft.invoiceId !== null && draft.invoiceNumber !== null
      ? !(await trx.selectFrom('invoices').select('id').where((eb) => eb.or([eb('id', '=', draft.invoiceId!), eb('source_billing_draft_id', '=', draft.id)])).executeTakeFirst())
      : false;
    if (!resumed) {
      if (draft.status === 'INVOICED') throw rejected('SOURCE_ALREADY_BILLED', `Billing draft ${draft.id} is already invoiced.`, 'billingDraftId');
      if (!RELEASABLE.has(draft.status)) {
        throw rejected('INVALID_STATE_TRANSITION', `Billing draft ${draft.id} is ${draft.status}: releaseInvoice cannot invoice it.`, 'billingDraftId');
      }
      checkVersion('BillingDraft', draft.aggregateVersion, input.expectedVersion, { required: declaration.version >= 2 });
    }

    const legalEntity = await legalEntityFor(trx, ctx.scope, draft.legalEntityId, 'billingDraftId');
    const period = await openPeriodOf(trx, legalEntity, input.invoiceDate, 'invoiceDate');
    if (draft.contractId === null) throw rejected('CONTRACT_NOT_ACTIVE', `Billing draft ${draft.id} bills no contract.`, 'billingDraftId');
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', draft.contractId, 'billingDraftId');
    if (contract.legalEntityId !== draft.legalEntityId || draft.projectLegalEntityId !== draft.legalEntityId) {
      throw rejected(
        'LEGAL_ENTITY_MISMATCH',
        `The invoice would be in ${draft.legalEntityId}, the contract is in ${contract.legalEntityId}, the project in ${draft.projectLegalEntityId}.`,
        'billingDraftId',
      );
    }
    if (draft.currency !== contract.currency) {
      throw rejected('CURRENCY_MISMATCH', `The draft is in ${draft.currency}, the contract in ${contract.currency}.`, 'billingDraftId');
    }
    if (contract.status !== 'ACTIVE') throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${contract.id} is ${contract.status}.`, 'billingDraftId');
    const profile = await billingProfileFor(trx, draft.accountId, legalEntity, 'billingDraftId');
    const terms = await trx.selectFrom('contract_terms').selectAll().where('contract_id', '=', contract.id).executeTakeFirst();
    const tax = await resolveTaxProfile(
      trx,
      [terms?.tax_profile_id ?? null, profile.tax_profile_id, legalEntity.tax_profile_id],
      `customer ${draft.accountId} in ${legalEntity.code}`,
      'billingDraftId',
    );
    if (terms?.po_required === 1 && !terms.po_number) throw rejected('PO_REQUIRED', `Contract ${contract.id} requires a purchase order number.`, 'billingDraftId');
    const termDays = PAYMENT_TERM_DAYS[terms?.payment_terms ?? profile.payment_terms];
    if (termDays === undefined) throw rejected('PAYMENT_TERMS_MISSING', `No payment terms for contract ${contract.id}.`, 'billingDraftId');
    const subtotal = draft.items.reduce((sum, item) => sum + item.amountE4, 0);
    if (draft.items.length === 0 || subtotal <= 0) {
      throw rejected('PRECONDITION_FAILED', `Billing draft ${draft.id} totals ${money(subtotal, draft.currency).amount} ${draft.currency}: only a positive total is invoiced.`, 'billingDraftId');
    }
    const billed = await trx.selectFrom('invoices').select('invoice_number').where('source_billing_draft_id', '=', draft.id).executeTakeFirst();
    if (billed) throw rejected('SOURCE_ALREADY_BILLED', `Billing draft ${draft.id} is already invoiced as ${billed.invoice_number}.`, 'billingDraftId');

    const lines = draft.items.map((item, index) => ({
      id: newId('invl'), line_number: index + 1, description: item.description, quantity_e2: item.quantityE2, unit_price_e4: item.unitPriceE4,
      amount_e4: item.amountE4, tax_code: tax.default_tax_code, tax_e4: taxOn(item.amountE4, tax.rate_percent_e4, draft.currency),
    }));
    const taxTotal = lines.reduce((sum, line) => sum + line.tax_e4, 0);
    const id = resumed ? draft.invoiceId! : newId('inv');
    let invoiceNumber: string;
    if (resumed) {
      invoiceNumber = draft.invoiceNumber!;
      await recordDocumentNumber(trx, legalEntity, 'INV', invoiceNumber);
    } else {
      invoiceNumber = await nextDocumentNumber(trx, legalEntity, 'INV', input.invoiceDate);
    }
    try {
      await trx
        .insertInto('invoices')
        .values({
          id, invoice_number: invoiceNumber, kind: 'INVOICE', status: 'POSTED', legal_entity_id: legalEntity.id, account_id: draft.accountId,
          contract_id: contract.id, project_id: draft.projectId, invoice_date: input.invoiceDate, due_date: addDays(input.invoiceDate, termDays),
          posting_period_id: period.id, currency: draft.currency, subtotal_e4: subtotal, tax_e4: taxTotal, total_e4: subtotal + taxTotal,
          amount_paid_e4: 0, source_billing_draft_id: draft.id, aggregate_version: 1, original_invoice_id: null, amount_credited_e4: 0,
        })
        .execute();
    } catch (error) {
      // A concurrent release of the same draft committed first.
      if (isUniqueViolation(error, 'invoices', ['source_billing_draft_id'])) throw rejected('SOURCE_ALREADY_BILLED', `Billing draft ${draft.id} is already invoiced.`, 'billingDraftId');
      if (resumed && isUniqueViolation(error, 'invoices', ['invoice_number'])) {
        throw rejected('PRECONDITION_FAILED', `The PSA recorded invoice number ${invoiceNumber} for draft ${draft.id}, which the ERP has since given another invoice: reconcile them by hand.`, 'billingDraftId');
      }
      throw error;
    }
    await trx.insertInto('invoice_lines').values(lines.map((line) => ({ ...line, invoice_id: id }))).execute();

    const step = await ctx.peers.step<{ recordBillingDraftInvoiced: { userErrors: CapabilityRejection[] } }>('psa', RECORD_INVOICED, {
      input: { idempotencyKey: `erp.releaseInvoice:${draft.id}`, billingDraftId: draft.id, invoiceId: id, invoiceNumber },
    });
    const refusal = step.recordBillingDraftInvoiced.userErrors[0];
    if (refusal) throw rejected(isErrorCode(refusal.code) ? refusal.code : 'PRECONDITION_FAILED', `The PSA refused to mark the draft invoiced: ${refusal.message}`, 'billingDraftId');

    const invoice = await reloadInvoice(trx, id);
    emit({
      type: 'InvoiceReleased',
      aggregateType: 'Invoice',
      aggregateId: invoice.id,
      aggregateVersion: invoice.aggregate_version,
      legalEntityId: invoice.legal_entity_id,
      payload: {
        invoiceId: invoice.id, invoiceNumber: invoice.invoice_number, billingDraftId: draft.id, projectId: invoice.project_id,
        contractId: invoice.contract_id, accountId: invoice.account_id, invoiceDate: invoice.invoice_date, dueDate: invoice.due_date,
        postingPeriodId: invoice.posting_period_id, subtotal: money(invoice.subtotal_e4, invoice.currency),
        taxTotal: money(invoice.tax_e4, invoice.currency), total: money(invoice.total_e4, invoice.currency), status: invoice.status, resumed,
      },
    });
    return { invoice };
  },
};

export const releaseInvoice: Handler = release;
export const releaseInvoiceV2: Handler = { ...release, payload: resultUnion<Result>('ReleaseInvoiceSuccess') };
