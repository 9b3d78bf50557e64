/**
 * 0004: the ERP's stored answers from when its capabilities answered with rows, in the canonical records they
 * answer with now (see canonicalAnswers.ts in the kernel's SQL adapters). Both versions of a capability share
 * its name and its stored answer; `activateContract`'s `contract` is `{ id }` in both forms.
 */
import { canonicalAnswersMigration } from '../../../kernel/adapters/sql/canonicalAnswers.ts';
import { applicationOf, contractTermsOf, invoiceOf, paymentOf, periodOf, revenueLineOf, revenueScheduleOf } from './rows.ts';

export const erpCanonicalAnswers = canonicalAnswersMigration({
  'erp.activateContract': { terms: contractTermsOf, revenueSchedules: revenueScheduleOf },
  'erp.releaseInvoice': { invoice: invoiceOf },
  'erp.recordPayment': { payment: paymentOf },
  'erp.applyPayment': { payment: paymentOf, invoice: invoiceOf, application: applicationOf },
  'erp.issueCreditMemo': { creditMemo: invoiceOf, invoice: invoiceOf },
  'erp.recognizeRevenueForPeriod': { period: periodOf, lines: revenueLineOf, revenueSchedules: revenueScheduleOf },
});
