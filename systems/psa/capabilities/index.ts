/** The PSA's capabilities, by Mutation field (their names and versions are declared in schema/psa.graphql). */
import { generateBillingDraft, recordBillingDraftInvoiced } from './billing.ts';
import { completeMilestone } from './milestone.ts';
import { activateProject, createProjectFromContract } from './project.ts';
import { confirmAssignment, createResourceRequest } from './staffing.ts';
import { cancelResourceRequest } from './cancelResourceRequest.ts';
import { approveTimecard, rejectTimecard, submitTimecard } from './timecard.ts';

export const psaCapabilities = {
  createProjectFromContract,
  activateProject,
  createResourceRequest,
  cancelResourceRequest,
  confirmAssignment,
  submitTimecard,
  approveTimecard,
  rejectTimecard,
  completeMilestone,
  generateBillingDraft,
  recordBillingDraftInvoiced,
};
