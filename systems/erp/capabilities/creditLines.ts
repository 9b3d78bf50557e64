/**
 * Line-level credits (docs/capabilities.md#creditinvoicelines, docs/state-machines.md#billing-draft-and-invoice,
 * docs/invariants.md#inv-11, docs/invariants.md#inv-21): creditInvoiceLines credits whole lines of a
 * posted invoice with one credit memo (its lines name the lines they credit, each credited once),
 * and the PSA credits or reopens exactly the sources those lines billed (system step
 * `recordSourcesCredited`, in the same call, like releaseInvoice's `recordBillingDraftInvoiced`),
 * so the PSA's billed value and the ERP's billed-to-date move together. voidInvoice is the full
 * credit of an unpaid, uncredited invoice: every line, one memo; the invoice ends CREDITED.
 *
 * Settlement: what the memo credits settles the invoice's open balance first (amountCredited);
 * what it credits beyond it (an invoice paid in full or in part) is money owed back to the
 * customer, kept as a customer credit (customerCredits.ts) for the customer, the legal entity and
 * the currency. The invoice's versioned update comes first, so two credits of one invoice (or of
 * one line) racing each other cannot both pass the checks: the second is VERSION_CONFLICT.
 */
import { isErrorCode } from '../../../core/errors.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, rejected, type CapabilityRejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { money } from '../../kernel/decimal.ts';
import type { CustomerCredit } from '../ports/customerCredits.ts';
import type { Invoice, InvoiceLine } from '../ports/types.ts';
import { psaDraftSources, SOURCE_ITEM_TYPES, type DraftSources, type LineSource } from './creditSources.ts';
import { invoiceFor, invoiceLabel, legalEntityFor, openBalance, openPeriodOf, type ErpCapability } from './records.ts';
import { creditMemoOf, negate } from './creditMemoOf.ts';
import { resultUnion } from './resultUnion.ts';

type Action = 'CREDIT' | 'REOPEN';

/** Invoices whose lines are credited: posted, paid in part or in full (a PAID invoice's credit becomes a customer credit). */
const CREDITABLE: ReadonlySet<string> = new Set(['POSTED', 'PARTIALLY_PAID', 'PAID']);

interface CreditLinesInput {
  readonly invoiceId: string;
  readonly expectedVersion: number;
  readonly reason: string;
  readonly creditDate?: string | null;
  readonly lines: readonly { readonly lineNumber: number; readonly action: Action }[];
}

interface VoidInput {
  readonly invoiceId: string;
  readonly expectedVersion: number;
  readonly reason: string;
  readonly voidDate?: string | null;
  /** What happens to every source the invoice billed. */
  readonly action: Action;
}

interface Facts {
  readonly sources: DraftSources | null;
}

type Result = { creditMemo: Invoice; invoice: Invoice; customerCredit: CustomerCredit | null };

const RECORD_CREDITED = `mutation ErpCreditedSources($input: RecordSourcesCreditedInput!) {
  recordSourcesCredited(input: $input) { billingDraft { id } userErrors { code message field } }
}`;

/** Reads the PSA draft the invoice was posted from (its lines' sources). */
async function prepare({
  input,
  ctx,
}: {
  input: { invoiceId: string };
  ctx: Parameters<NonNullable<ErpCapability<CreditLinesInput, Result, Facts>['prepare']>>[0]['ctx'];
}): Promise<Facts> {
  const [invoice] = await ctx.read.invoicesByIds([input.invoiceId]);
  if (!invoice?.sourceBillingDraftId) return { sources: null };
  return { sources: await psaDraftSources(ctx, invoice.sourceBillingDraftId) };
}

type EffectArgs = Parameters<ErpCapability<CreditLinesInput, Result, Facts>['effect']>[0];

async function credit(
  args: Omit<EffectArgs, 'input'>,
  request: {
    readonly invoiceId: string;
    readonly expectedVersion: number;
    readonly reason: string;
    readonly date: string | null;
    readonly dateField: string;
    readonly voiding: boolean;
    /** null: every line, with `allAction`. */
    readonly lines: readonly { readonly lineNumber: number; readonly action: Action }[] | null;
    readonly allAction: Action;
  },
): Promise<Result> {
  const { facts, ports, emit, ctx, now } = args;
  const { read, write } = ports;
  const invoice = await invoiceFor(read, request.invoiceId);
  checkVersion('Invoice', invoice.aggregateVersion, request.expectedVersion, { required: true });
  if (invoice.amountWrittenOffE4 !== 0) {
    // What was written off was never paid: crediting lines beyond the open balance would owe the
    // customer money it never paid (docs/capabilities.md#receivable-write-off).
    throw rejected(
      'INVALID_STATE_TRANSITION',
      `${invoiceLabel(invoice)} is written off in part: credit what is still open with issueCreditMemo.`,
      'invoiceId',
    );
  }
  if (request.voiding) {
    if (invoice.kind !== 'INVOICE' || invoice.status !== 'POSTED' || invoice.amountPaidE4 !== 0 || invoice.amountCreditedE4 !== 0) {
      throw rejected(
        'INVALID_STATE_TRANSITION',
        `${invoiceLabel(invoice)} is ${invoice.status}${invoice.amountPaidE4 || invoice.amountCreditedE4 ? ', paid or credited in part' : ''}: ` +
          'only a POSTED invoice nothing was paid or credited on is voided (credit its lines instead).',
        'invoiceId',
      );
    }
  } else if (invoice.kind !== 'INVOICE' || !CREDITABLE.has(invoice.status)) {
    throw rejected(
      'INVALID_STATE_TRANSITION',
      `${invoiceLabel(invoice)} is ${invoice.status}: only a POSTED, PARTIALLY_PAID or PAID invoice is credited by line.`,
      'invoiceId',
    );
  }
  const reason = request.reason.trim();
  if (reason === '') throw rejected('PRECONDITION_FAILED', 'A credit memo needs a reason.', 'reason');
  const legalEntity = await legalEntityFor(read, invoice.legalEntityId, 'invoiceId');
  const date = request.date ?? now.toISOString().slice(0, 10);
  if (date < invoice.invoiceDate)
    throw rejected('PRECONDITION_FAILED', `A credit memo cannot predate the invoice (${invoice.invoiceDate}).`, request.dateField);
  const period = await openPeriodOf(read, legalEntity, date, request.date ? request.dateField : 'invoiceId');

  const lines = (await read.invoiceLinesByInvoiceIds([invoice.id])).sort((a, b) => a.lineNumber - b.lineNumber);
  const memos = await read.creditMemosByOriginalInvoiceIds([invoice.id]);
  const memoLines = memos.length === 0 ? [] : await read.invoiceLinesByInvoiceIds(memos.map((memo) => memo.id));
  const alreadyCredited = new Set(memoLines.flatMap((line) => (line.creditedLineId ? [line.creditedLineId] : [])));
  const wanted = request.lines ?? lines.map((line) => ({ lineNumber: line.lineNumber, action: request.allAction }));
  if (wanted.length === 0) throw rejected('PRECONDITION_FAILED', 'A credit names at least one line.', 'lines');
  const numbers = wanted.map((line) => line.lineNumber);
  if (new Set(numbers).size !== numbers.length) throw rejected('PRECONDITION_FAILED', 'A line is named twice.', 'lines');
  const linesSources = sourcesByLine(invoice, lines, facts.sources);
  const chosen = wanted.map(({ lineNumber, action }) => {
    const line = lines.find((candidate) => candidate.lineNumber === lineNumber);
    if (!line) throw rejected('PRECONDITION_FAILED', `${invoiceLabel(invoice)} has no line ${lineNumber}.`, 'lines');
    if (alreadyCredited.has(line.id))
      throw rejected('ALREADY_CREDITED', `Line ${lineNumber} of ${invoiceLabel(invoice)} is already credited.`, 'lines');
    return { line, action, sources: linesSources.get(line.id) ?? [] };
  });

  const grossE4 = chosen.reduce((sum, { line }) => sum + line.amountE4 + line.taxE4, 0);
  const creditedBeforeE4 = memos.reduce((sum, memo) => sum - memo.totalE4, 0);
  if (creditedBeforeE4 + grossE4 > invoice.totalE4) {
    throw rejected(
      'AMOUNT_EXCEEDS_OPEN_BALANCE',
      `${invoiceLabel(invoice)} has ${money(invoice.totalE4 - creditedBeforeE4, invoice.currency).amount} ${invoice.currency} left to credit.`,
      'lines',
    );
  }

  // Settlement: the open balance first, the rest is owed back to the customer.
  const settledE4 = Math.min(grossE4, openBalance(invoice));
  const owedBackE4 = grossE4 - settledE4;
  const creditedE4 = invoice.amountCreditedE4 + settledE4;
  const settles = settledE4 > 0 && invoice.amountPaidE4 + creditedE4 + invoice.amountWrittenOffE4 === invoice.totalE4;
  // The versioned update first: a concurrent credit or payment of the invoice loses here.
  const updated = await write.creditInvoice(invoice, { amountCreditedE4: creditedE4, ...(settles ? { status: 'CREDITED' } : {}) });

  const netE4 = chosen.reduce((sum, { line }) => sum + line.amountE4, 0);
  const taxE4 = grossE4 - netE4;
  const creditMemo = await write.postInvoice(
    creditMemoOf(invoice, {
      date,
      postingPeriodId: period.id,
      netE4,
      taxE4,
      lines: chosen.map(({ line, action }, index) => ({
        id: newId('invl'),
        lineNumber: index + 1,
        description: `${action === 'REOPEN' ? 'Rebill' : 'Credit'} of ${invoice.invoiceNumber} line ${line.lineNumber}: ${reason}`,
        quantityE2: negate(line.quantityE2),
        unitPriceE4: line.unitPriceE4,
        amountE4: negate(line.amountE4),
        taxCode: line.taxCode,
        taxE4: negate(line.taxE4),
        creditedLineId: line.id,
      })),
    }),
    { legalEntity, series: 'CM', date },
  );
  const customerCredit =
    owedBackE4 > 0
      ? await write.openCustomerCredit({
          id: newId('ccr'),
          legalEntityId: invoice.legalEntityId,
          accountId: invoice.accountId,
          currency: invoice.currency,
          creditMemoId: creditMemo.id,
          invoiceId: invoice.id,
          amountE4: owedBackE4,
          appliedE4: 0,
          refundedE4: 0,
          status: 'OPEN',
          createdOn: date,
          aggregateVersion: 1,
        })
      : null;

  const sources = chosen.flatMap(({ sources: billed, action }) => billed.map((source) => ({ ...source, action })));
  if (sources.length > 0 && facts.sources) {
    const step = await ctx.peers.step<{ recordSourcesCredited: { userErrors: CapabilityRejection[] } }>('psa', RECORD_CREDITED, {
      input: {
        idempotencyKey: `erp.creditInvoiceLines:${creditMemo.id}`,
        billingDraftId: facts.sources.draftId,
        invoiceId: invoice.id,
        creditMemoId: creditMemo.id,
        sources,
      },
    });
    const refusal = step.recordSourcesCredited.userErrors[0];
    if (refusal)
      throw rejected(
        isErrorCode(refusal.code) ? refusal.code : 'PRECONDITION_FAILED',
        `The PSA refused to credit the sources: ${refusal.message}`,
        'lines',
      );
  }

  emit(
    aggregateEvent('CreditMemoIssued', 'Invoice', updated, invoice.legalEntityId, {
      invoiceId: invoice.id,
      invoiceNumber: invoice.invoiceNumber,
      creditMemoId: creditMemo.id,
      creditMemoNumber: creditMemo.invoiceNumber,
      reason,
      amount: money(grossE4, invoice.currency),
      tax: money(taxE4, invoice.currency),
      invoiceStatus: updated.status,
      amountDue: money(openBalance(updated), invoice.currency),
      voided: request.voiding,
      lines: chosen.map(({ line, action, sources: billed }) => ({
        lineNumber: line.lineNumber,
        action,
        sourceType: billed[0]?.sourceType ?? null,
        sourceId: billed[0]?.sourceId ?? null,
        sources: billed,
      })),
      customerCreditId: customerCredit?.id ?? null,
      owedBack: money(owedBackE4, invoice.currency),
    }),
  );
  return { creditMemo, invoice: updated, customerCredit };
}

/**
 * The sources each line billed, by line id; empty for an invoice not posted from a PSA draft.
 * The draft's items in item order are cut into consecutive runs, one a line in line order, each
 * run's amounts summing to its line's amount: releaseInvoice posts item n as line n (runs of one),
 * an ERP that consolidates items posts each line from a run of consecutive items (the seed's lines
 * per role, rate and month). Items that cannot be cut that way leave the invoice uncreditable by line.
 */
function sourcesByLine(
  invoice: Invoice,
  lines: readonly InvoiceLine[],
  sources: DraftSources | null,
): Map<string, { sourceType: string; sourceId: string }[]> {
  const byLine = new Map<string, { sourceType: string; sourceId: string }[]>();
  if (invoice.sourceBillingDraftId === null) return byLine;
  const mismatch = (line: InvoiceLine | undefined): CapabilityRejected =>
    rejected(
      'PRECONDITION_FAILED',
      `${line ? `Line ${line.lineNumber}` : 'A line'} of ${invoiceLabel(invoice)} does not bill a run of items of billing draft ` +
        `${invoice.sourceBillingDraftId} (the PSA shows no matching items): it cannot be credited by line.`,
      'lines',
    );
  if (!sources || sources.invoiceId !== invoice.id) throw mismatch(lines[0]);
  let next = 0;
  for (const [index, line] of lines.entries()) {
    const run: LineSource[] = [];
    let sumE4 = 0;
    // At least one item a line; then items while the run is short of the line (the last line takes the rest).
    while (next < sources.items.length && (run.length === 0 || sumE4 < line.amountE4 || index === lines.length - 1)) {
      const item = sources.items[next++]!;
      run.push(item);
      sumE4 += item.amountE4;
    }
    if (run.length === 0 || sumE4 !== line.amountE4) throw mismatch(line);
    byLine.set(
      line.id,
      run.filter((item) => SOURCE_ITEM_TYPES.has(item.sourceType)).map(({ sourceType, sourceId }) => ({ sourceType, sourceId })),
    );
  }
  return byLine;
}

export const creditInvoiceLines: ErpCapability<CreditLinesInput, Result, Facts> = {
  prepare,
  effect: ({ input, ...args }) =>
    credit(args, {
      invoiceId: input.invoiceId,
      expectedVersion: input.expectedVersion,
      reason: input.reason,
      date: input.creditDate ?? null,
      dateField: 'creditDate',
      voiding: false,
      lines: input.lines,
      allAction: 'CREDIT',
    }),
  payload: resultUnion<Result>('CreditInvoiceLinesSuccess'),
};

export const voidInvoice: ErpCapability<VoidInput, Result, Facts> = {
  prepare,
  effect: ({ input, ...args }) =>
    credit(args, {
      invoiceId: input.invoiceId,
      expectedVersion: input.expectedVersion,
      reason: input.reason,
      date: input.voidDate ?? null,
      dateField: 'voidDate',
      voiding: true,
      lines: null,
      allAction: input.action,
    }),
  payload: resultUnion<Result>('VoidInvoiceSuccess'),
};
