/**
 * What the project-lifecycle suites share: the documents of holdProject, resumeProject,
 * beginProjectClosing, closeProject, cancelProject, acceptMilestone and rejectMilestoneAcceptance
 * (every payload field selected), the calls that must succeed, and the ERP release that bills a draft.
 */
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { newKey, refusedAnswer, type Answer, type UserError } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { MILESTONE_FIELDS as BASE_MILESTONE_FIELDS, accepted, call, type Milestone, type Project } from './psaKit.ts';

export const ACCEPTANCE_FIELDS = 'acceptedBy acceptedOn acceptanceReference acceptanceRejectionReason';
export const LIFECYCLE_MILESTONE_FIELDS = `${BASE_MILESTONE_FIELDS} ${ACCEPTANCE_FIELDS}`;
export const LIFECYCLE_PROJECT_FIELDS = 'id code status statusReason type billingMethod currency aggregateVersion';

const ENVELOPE = 'userErrors { code message field } warnings { code message field } replayed';

function document(field: string, input: string, entities: string): string {
  return `mutation ${field[0]!.toUpperCase()}${field.slice(1)}($input: ${input}!) { ${field}(input: $input) { ${entities} ${ENVELOPE} } }`;
}

const project = `project { ${LIFECYCLE_PROJECT_FIELDS} }`;
const milestone = `milestone { ${LIFECYCLE_MILESTONE_FIELDS} }`;
export const HOLD_PROJECT = document('holdProject', 'HoldProjectInput', project);
export const RESUME_PROJECT = document('resumeProject', 'ProjectTransitionInput', project);
export const BEGIN_CLOSING = document('beginProjectClosing', 'ProjectTransitionInput', project);
export const CLOSE_PROJECT = document('closeProject', 'ProjectTransitionInput', project);
export const CANCEL_PROJECT = document('cancelProject', 'CancelProjectInput', project);
export const ACCEPT_MILESTONE = document('acceptMilestone', 'AcceptMilestoneInput', milestone);
export const REJECT_ACCEPTANCE = document('rejectMilestoneAcceptance', 'RejectMilestoneAcceptanceInput', milestone);
export const COMPLETE = document('completeMilestone', 'CompleteMilestoneInput', milestone);

export interface LifecycleProject {
  readonly id: string;
  readonly code: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly type: string;
  readonly billingMethod: string | null;
  readonly currency: string;
  readonly aggregateVersion: number;
}

export interface AcceptedMilestone extends Milestone {
  readonly acceptedBy: string | null;
  readonly acceptedOn: string | null;
  readonly acceptanceReference: string | null;
  readonly acceptanceRejectionReason: string | null;
}

/** The project's lifecycle fields as the graph answers them. */
export async function lifecycleOf(tessera: TestTessera, id: string): Promise<LifecycleProject> {
  const body = await tessera.query(`query ($id: ID!) { project(id: $id) { ${LIFECYCLE_PROJECT_FIELDS} } }`, { id });
  return (body.data as { project: LifecycleProject }).project;
}

/** A transition of `target` that must succeed; `extra` completes the input (a reason). */
export async function move(
  tessera: TestTessera,
  query: string,
  target: { id: string; aggregateVersion: number },
  extra: Record<string, unknown> = {},
): Promise<LifecycleProject> {
  const input = { idempotencyKey: newKey(), projectId: target.id, expectedVersion: target.aggregateVersion, ...extra };
  return accepted<LifecycleProject>(await call(tessera, query, input), 'project');
}

export const RELEASE_INVOICE = `mutation Post($input: ReleaseInvoiceV2Input!) {
  releaseInvoiceV2(input: $input) { __typename ... on ReleaseInvoiceSuccess { invoice { id total { amount } } } ... on CapabilityFailure { errors { code message } } }
}`;

/** Releases a draft as an invoice through the ERP (its sources BILLED in the PSA); must succeed. */
export async function release(tessera: TestTessera, draftId: string, invoiceDate = '2026-11-20'): Promise<string> {
  const result = await call<{ __typename: string; invoice?: { id: string } }>(tessera, RELEASE_INVOICE, {
    idempotencyKey: newKey(),
    billingDraftId: draftId,
    invoiceDate,
    expectedVersion: 1,
  });
  const invoice = result.payload?.invoice;
  if (!invoice) throw new Error(`release failed: ${JSON.stringify(result.body)}`);
  return invoice.id;
}

/** A customer's portal token: reads and approves (accepts milestones) for its own accounts only. */
export function partner(accountId: string): PrincipalClaims {
  return {
    sub: `portal-${accountId}`,
    scope: 'crm:read psa:read erp:read psa:approve',
    legal_entities: '*',
    partner_accounts: [accountId],
  };
}

/** The whole answer of a lifecycle or acceptance call the capability refused with one user error (nothing written). */
export function refusedLife(field: string, error: UserError, replayed = false): Answer {
  return refusedAnswer(field, [/Milestone/.test(field) ? 'milestone' : 'project'], error, replayed);
}

export type { Project };
