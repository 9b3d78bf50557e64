/** The PSA's capabilities, by Mutation field (their names and versions are declared in schema/psa.graphql). */
import { generateBillingDraft, recordBillingDraftInvoiced } from './billing.ts';
import { recordContractAmendment } from './contractAmendment.ts';
import { discardBillingDraft, placeBillingHold, releaseBillingHold } from './billingHold.ts';
import { approveSourceWriteOff, rejectSourceWriteOff, requestSourceWriteOff } from './sourceWriteOff.ts';
import { completeMilestone } from './milestone.ts';
import { acceptMilestone, rejectMilestoneAcceptance } from './milestoneAcceptance.ts';
import { beginProjectClosing, cancelProject, closeProject, holdProject, resumeProject } from './projectLifecycle.ts';
import { activateProject, createProjectFromContract } from './project.ts';
import { confirmAssignment, createResourceRequest } from './staffing.ts';
import { cancelResourceRequest } from './cancelResourceRequest.ts';
import { recordSourcesCredited } from './sourceCredits.ts';
import { approveTimecard, rejectTimecard, submitTimecard } from './timecard.ts';
import { approveExpense, rejectExpense, submitExpense } from './expenses.ts';

export const psaCapabilities = {
  createProjectFromContract,
  activateProject,
  holdProject,
  resumeProject,
  beginProjectClosing,
  closeProject,
  cancelProject,
  createResourceRequest,
  cancelResourceRequest,
  confirmAssignment,
  submitTimecard,
  approveTimecard,
  rejectTimecard,
  submitExpense,
  approveExpense,
  rejectExpense,
  completeMilestone,
  acceptMilestone,
  rejectMilestoneAcceptance,
  generateBillingDraft,
  recordBillingDraftInvoiced,
  recordContractAmendment,
  recordSourcesCredited,
  placeBillingHold,
  releaseBillingHold,
  discardBillingDraft,
  requestSourceWriteOff,
  approveSourceWriteOff,
  rejectSourceWriteOff,
};
