/** The CRM's capabilities, by Mutation field (their names and versions are declared in schema/crm.graphql). */
import {
  approveContract,
  createContractFromOpportunity,
  recordContractActivation,
  recordContractSignature,
  submitContractForApproval,
} from './contract.ts';
import { amendContract, recordContractAmendmentApproval } from './amendment.ts';
import { rejectContractAmendment, withdrawContractAmendment } from './amendmentClosure.ts';
import { closeLoseOpportunity, closeWinOpportunity, createOpportunity, updateOpportunityStage } from './opportunity.ts';

export const crmCapabilities = {
  createOpportunity,
  updateOpportunityStage,
  closeWinOpportunity,
  closeLoseOpportunity,
  createContractFromOpportunity,
  submitContractForApproval,
  approveContract,
  recordContractSignature,
  recordContractActivation,
  amendContract,
  recordContractAmendmentApproval,
  rejectContractAmendment,
  withdrawContractAmendment,
};
