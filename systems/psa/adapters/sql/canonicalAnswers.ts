/**
 * 0004: the PSA's stored answers from when its capabilities answered with rows, in the canonical records they
 * answer with now (see canonicalAnswers.ts in the kernel's SQL adapters).
 */
import { canonicalAnswersMigration } from '../../../kernel/adapters/sql/canonicalAnswers.ts';
import { toAssignment, toBillingDraft, toMilestone, toProject, toResourceRequest, toTimecard } from './rows.ts';

const timecard = { timecard: toTimecard };
const billingDraft = { billingDraft: toBillingDraft };

export const psaCanonicalAnswers = canonicalAnswersMigration({
  'psa.createProjectFromContract': { project: toProject },
  'psa.activateProject': { project: toProject },
  'psa.createResourceRequest': { resourceRequest: toResourceRequest },
  'psa.confirmAssignment': { assignment: toAssignment, resourceRequest: toResourceRequest },
  'psa.submitTimecard': timecard,
  'psa.approveTimecard': timecard,
  'psa.rejectTimecard': timecard,
  'psa.completeMilestone': { milestone: toMilestone },
  'psa.generateBillingDraft': billingDraft,
  'psa.recordBillingDraftInvoiced': billingDraft,
});
