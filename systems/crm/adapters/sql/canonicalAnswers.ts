/**
 * 0004: the CRM's stored answers from when its capabilities answered with rows, in the canonical records they
 * answer with now (see canonicalAnswers.ts in the kernel's SQL adapters).
 */
import { canonicalAnswersMigration } from '../../../kernel/adapters/sql/canonicalAnswers.ts';
import { contractOf, opportunityOf } from './rows.ts';

const opportunity = { opportunity: opportunityOf };
const contract = { contract: contractOf };

export const crmCanonicalAnswers = canonicalAnswersMigration({
  'crm.createOpportunity': opportunity,
  'crm.updateOpportunityStage': opportunity,
  'crm.closeWinOpportunity': opportunity,
  'crm.closeLoseOpportunity': opportunity,
  'crm.createContractFromOpportunity': contract,
  'crm.submitContractForApproval': contract,
  'crm.approveContract': contract,
  'crm.recordContractSignature': contract,
  'crm.recordContractActivation': contract,
});
