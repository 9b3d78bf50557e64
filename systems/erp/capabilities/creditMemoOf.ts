/**
 * A credit memo against an invoice (docs/invariants.md#inv-5, correction by reversal): the invoice's
 * customer, contract, project and currency, dated and posted on the day of the credit, every amount
 * negated, nothing settled on it. `issueCreditMemo` credits an amount on one line, `creditInvoiceLines`
 * the lines it names; both post what this builds.
 */
import { newId } from '../../kernel/capability/newId.ts';
import type { InvoiceToPost } from '../ports/writePort.ts';
import type { Invoice } from '../ports/types.ts';

/** Negation without -0 (it would not survive a round trip through SQL). */
export function negate(value: number): number {
  return value === 0 ? 0 : -value;
}

export interface CreditMemoAmounts {
  readonly date: string;
  readonly postingPeriodId: string;
  /** The credit before tax, and its tax: positive; the memo carries them negated. */
  readonly netE4: number;
  readonly taxE4: number;
  readonly lines: InvoiceToPost['lines'];
}

export function creditMemoOf(invoice: Invoice, credit: CreditMemoAmounts): InvoiceToPost {
  return {
    id: newId('inv'),
    kind: 'CREDIT_MEMO',
    status: 'CREDITED',
    legalEntityId: invoice.legalEntityId,
    accountId: invoice.accountId,
    contractId: invoice.contractId,
    projectId: invoice.projectId,
    invoiceDate: credit.date,
    dueDate: credit.date,
    postingPeriodId: credit.postingPeriodId,
    currency: invoice.currency,
    subtotalE4: negate(credit.netE4),
    taxE4: negate(credit.taxE4),
    totalE4: negate(credit.netE4 + credit.taxE4),
    amountPaidE4: 0,
    sourceBillingDraftId: null,
    originalInvoiceId: invoice.id,
    amountCreditedE4: 0,
    amountWrittenOffE4: 0,
    lines: credit.lines,
  };
}
