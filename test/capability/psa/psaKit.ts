/**
 * What the PSA capability suites share: the mutation documents (every payload field selected),
 * tokens, readers of the rows a call wrote in the PSA database (outbox events, audit entries,
 * record counts), and builders of the situations the suites start from: seeded records found by
 * querying, new projects, free resources, staffed assignments, contracts through the CRM.
 */
import { createLogger } from '../../../core/logger.ts';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { money } from '../../../systems/kernel/decimal.ts';
import { startSystemServer } from '../../../systems/kernel/startSystemServer.ts';
import type { SubgraphServer } from '../../../systems/kernel/subgraphServer.ts';
import { SYSTEMS } from '../../../systems/systems.ts';
import type { AuthTestTessera } from '../../harness/authTessera.ts';
import {
  acceptedPayload,
  call as callAs,
  newKey,
  pick,
  refusedAnswer,
  type Answer,
  type CallOptions,
  type Money,
  type MutationResult,
  type UserError,
} from '../../harness/capabilities.ts';
import {
  auditEntries,
  countRows,
  inProcessSystem,
  outboxEvents,
  psaDb,
  untimed,
  type AuditEntry,
  type OutboxEvent,
} from '../../harness/capabilityRows.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { APPROVER as CRM_APPROVER } from '../crm/crmKit.ts';

export {
  DEFAULT_SUB,
  envelope,
  pick,
  requestIdOf,
  succeededAnswer as succeeded,
  type Money,
  type UserError,
} from '../../harness/capabilities.ts';
export { crmDb, erpDb, psaDb, type OutboxEvent, type PsaDb } from '../../harness/capabilityRows.ts';

export const MILESTONE_FIELDS =
  'id name targetDate actualDate amount { amount currency } status requiresCustomerSignOff approvedForBilling billingStatus aggregateVersion';
export const PROJECT_FIELDS = `id code name status type billingMethod customer { id } contract { id } legalEntity { id } startDate endDate currency
  projectManager { id } plannedRevenue { amount currency } milestones { ${MILESTONE_FIELDS} } aggregateVersion`;
export const REQUEST_FIELDS = 'id project { id } role { id } startDate endDate hours status assignment { id } aggregateVersion';
export const ASSIGNMENT_FIELDS = `id project { id } resource { id } role { id } status startDate endDate scheduledHours
  billRate { amount currency } costRate { amount currency } isBillable aggregateVersion`;
export const ENTRY_FIELDS =
  'date hours hourClass role { id } billRate { amount currency } billableAmount { amount currency } billingStatus notes costRate { amount currency }';
export const TIMECARD_FIELDS = `id resource { id } project { id } assignment { id } weekStart weekEnd status submittedAt approvedAt approver { id }
  totalHours totalBillableAmount { amount currency } rejectionReason aggregateVersion entries { ${ENTRY_FIELDS} }`;
export const DRAFT_FIELDS = `id project { id } contract { id } legalEntity { id } customer { id } cutoffDate status summaryAmount { amount currency }
  items { sourceType sourceId description quantity unitPrice { amount currency } amount { amount currency } } invoice { id } invoiceNumber aggregateVersion`;

const ENVELOPE = 'userErrors { code message field } warnings { code message field } replayed';

function document(field: string, entities: string): string {
  return `mutation ${field[0]!.toUpperCase()}${field.slice(1)}($input: ${field[0]!.toUpperCase()}${field.slice(1)}Input!) {
    ${field}(input: $input) { ${entities} ${ENVELOPE} }
  }`;
}

export const CREATE_PROJECT = document('createProjectFromContract', `project { ${PROJECT_FIELDS} }`);
export const ACTIVATE_PROJECT = document('activateProject', `project { ${PROJECT_FIELDS} }`);
export const CREATE_REQUEST = document('createResourceRequest', `resourceRequest { ${REQUEST_FIELDS} }`);
export const CONFIRM_ASSIGNMENT = document(
  'confirmAssignment',
  `assignment { ${ASSIGNMENT_FIELDS} } resourceRequest { ${REQUEST_FIELDS} }`,
);
export const SUBMIT_TIMECARD = document('submitTimecard', `timecard { ${TIMECARD_FIELDS} }`);
export const APPROVE_TIMECARD = document('approveTimecard', `timecard { ${TIMECARD_FIELDS} }`);
export const REJECT_TIMECARD = document('rejectTimecard', `timecard { ${TIMECARD_FIELDS} }`);
export const COMPLETE_MILESTONE = document('completeMilestone', `milestone { ${MILESTONE_FIELDS} }`);
export const GENERATE_DRAFT = document('generateBillingDraft', `billingDraft { ${DRAFT_FIELDS} }`);

export interface Ref {
  readonly id: string;
}

export interface Milestone {
  readonly id: string;
  readonly name: string;
  readonly targetDate: string;
  readonly actualDate: string | null;
  readonly amount: Money;
  readonly status: string;
  readonly requiresCustomerSignOff: boolean;
  readonly approvedForBilling: boolean;
  readonly billingStatus: string;
  readonly aggregateVersion: number;
}

export interface Project {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly status: string;
  readonly type: string;
  readonly billingMethod: string | null;
  readonly customer: Ref | null;
  readonly contract: Ref | null;
  readonly legalEntity: Ref;
  readonly startDate: string;
  readonly endDate: string;
  readonly currency: string;
  readonly projectManager: Ref | null;
  readonly plannedRevenue: Money | null;
  readonly milestones: readonly Milestone[];
  readonly aggregateVersion: number;
}

export interface ResourceRequest {
  readonly id: string;
  readonly project: Ref;
  readonly role: Ref;
  readonly startDate: string;
  readonly endDate: string;
  readonly hours: string;
  readonly status: string;
  readonly assignment: Ref | null;
  readonly aggregateVersion: number;
}

export interface Assignment {
  readonly id: string;
  readonly project: Ref;
  readonly resource: Ref;
  readonly role: Ref;
  readonly status: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly scheduledHours: string;
  readonly billRate: Money | null;
  readonly costRate: Money;
  readonly isBillable: boolean;
  readonly aggregateVersion: number;
}

export interface TimeEntry {
  readonly date: string;
  readonly hours: string;
  readonly hourClass: string;
  readonly role: Ref;
  readonly billRate: Money | null;
  readonly billableAmount: Money;
  readonly billingStatus: string;
  readonly notes: string | null;
  readonly costRate: Money | null;
}

export interface Timecard {
  readonly id: string;
  readonly resource: Ref;
  readonly project: Ref;
  readonly assignment: Ref | null;
  readonly weekStart: string;
  readonly weekEnd: string;
  readonly status: string;
  readonly submittedAt: string | null;
  readonly approvedAt: string | null;
  readonly approver: Ref | null;
  readonly totalHours: string;
  readonly totalBillableAmount: Money;
  readonly rejectionReason: string | null;
  readonly aggregateVersion: number;
  readonly entries: readonly TimeEntry[];
}

export interface BillingDraftItem {
  readonly sourceType: string;
  readonly sourceId: string;
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: Money;
  readonly amount: Money;
}

export interface BillingDraft {
  readonly id: string;
  readonly project: Ref;
  readonly contract: Ref | null;
  readonly legalEntity: Ref;
  readonly customer: Ref;
  readonly cutoffDate: string;
  readonly status: string;
  readonly summaryAmount: Money;
  readonly items: readonly BillingDraftItem[];
  readonly invoice: Ref | null;
  readonly invoiceNumber: string | null;
  readonly aggregateVersion: number;
}

export interface Payload {
  readonly userErrors: readonly UserError[];
  readonly warnings: readonly UserError[];
  readonly replayed: boolean;
  readonly [entity: string]: unknown;
}

/** The payload field of each capability's entity. */
export const ENTITY_OF: Readonly<Record<string, readonly string[]>> = {
  createProjectFromContract: ['project'],
  activateProject: ['project'],
  createResourceRequest: ['resourceRequest'],
  confirmAssignment: ['assignment', 'resourceRequest'],
  submitTimecard: ['timecard'],
  approveTimecard: ['timecard'],
  rejectTimecard: ['timecard'],
  submitExpense: ['expense'],
  approveExpense: ['expense'],
  rejectExpense: ['expense'],
  completeMilestone: ['milestone'],
  generateBillingDraft: ['billingDraft'],
};

// Every token below reads the CRM and the ERP too: the payloads select their entities' ids.
const READS = 'crm:read psa:read erp:read';
/** A second person: approves (segregation of duties: the default token, `test-admin`, submits). */
export const APPROVER: PrincipalClaims = { sub: 'psa-approver', scope: `${READS} psa:cost psa:write psa:approve`, legal_entities: '*' };
/** Writes but may not approve. */
export const WRITER: PrincipalClaims = { sub: 'psa-writer', scope: `${READS} psa:cost psa:write`, legal_entities: '*' };
/** Reads only. */
export const READER: PrincipalClaims = { sub: 'psa-reader', scope: `${READS} psa:cost`, legal_entities: '*' };
/** Sees and writes UK01 records only. */
export const UK_ONLY: PrincipalClaims = { sub: 'uk-writer', scope: `${READS} psa:cost psa:write psa:approve`, legal_entities: ['UK01'] };

/** Calls a mutation with the default (full-access) token unless `claims` are given; a PSA payload unless said. */
export function call<P = Payload>(
  tessera: TestTessera,
  query: string,
  input: Record<string, unknown>,
  options: CallOptions = {},
): Promise<MutationResult<P>> {
  return callAs<P>(tessera, query, input, options);
}

/** The `entity` of a call that must have succeeded without warnings (a readable failure otherwise). */
export function accepted<E>(result: MutationResult<Payload>, entity: string): E {
  return acceptedPayload(result, entity)[entity] as E;
}

/** The whole answer of a `field` call the capability refused with one user error (nothing written). */
export function refused(field: string, error: UserError, replayed = false): Answer {
  return refusedAnswer(field, ENTITY_OF[field] ?? [], error, replayed);
}

/**
 * Drafts what the demo data has ready to bill on a seeded project up to `cutoffDate` (approved
 * billable expenses, docs/demo-data.md#expenses), so the test's next draft of it bills only what the test made ready.
 */
export async function draftSeededWork(tessera: TestTessera, projectId: string, cutoffDate: string): Promise<void> {
  const result = await call(tessera, GENERATE_DRAFT, { idempotencyKey: newKey(), projectId, cutoffDate });
  const codes = (result.payload?.userErrors ?? []).map((error) => error.code).filter((code) => code !== 'NOTHING_TO_BILL');
  if (codes.length > 0) throw new Error(`drafting the demo data's ready work of ${projectId} was refused: ${codes.join(', ')}`);
}

/** The events of one aggregate, in version order. */
export async function eventsOf(tessera: TestTessera, aggregateId: string): Promise<OutboxEvent[]> {
  return (await outboxEvents(tessera, 'psa', 'aggregate_id', aggregateId)).map(untimed);
}

/** The events one request wrote. */
export async function eventsOfRequest(tessera: TestTessera, requestId: string): Promise<OutboxEvent[]> {
  return (await outboxEvents(tessera, 'psa', 'correlation_id', requestId)).map(untimed);
}

export type AuditRow = Omit<AuditEntry, 'idempotencyKey'>;

/** The audit entries of one idempotency key, oldest first. */
export async function auditOf(tessera: TestTessera, idempotencyKey: string): Promise<AuditRow[]> {
  return (await auditEntries(tessera, 'psa', idempotencyKey)).map(({ idempotencyKey: _idempotencyKey, ...row }) => row);
}

const WRITTEN_TABLES = [
  'projects',
  'contract_lines',
  'milestones',
  'resource_requests',
  'assignments',
  'timecards',
  'time_entries',
  'billing_drafts',
  'billing_draft_items',
  'outbox_events',
] as const;

/** How many rows each table the capabilities write holds. */
export function rowCounts(tessera: TestTessera): Promise<Record<string, number>> {
  return countRows(psaDb(tessera), WRITTEN_TABLES);
}

/** A snapshot of the rows a refused call must leave untouched: counts and every billing state. */
export async function snapshot(tessera: TestTessera): Promise<unknown> {
  const db = psaDb(tessera);
  return {
    counts: await rowCounts(tessera),
    entries: await db.selectFrom('time_entries').select(['id', 'billing_status', 'billable_e4', 'bill_rate_e4']).orderBy('id').execute(),
    milestones: await db.selectFrom('milestones').select(['id', 'status', 'billing_status', 'aggregate_version']).orderBy('id').execute(),
    timecards: await db.selectFrom('timecards').select(['id', 'status', 'aggregate_version']).orderBy('id').execute(),
    projects: await db.selectFrom('projects').select(['id', 'status', 'aggregate_version']).orderBy('id').execute(),
    requests: await db.selectFrom('resource_requests').select(['id', 'status', 'aggregate_version']).orderBy('id').execute(),
    drafts: await db.selectFrom('billing_drafts').select(['id', 'status', 'aggregate_version']).orderBy('id').execute(),
  };
}

export async function readProject(tessera: TestTessera, id: string): Promise<Project> {
  const body = await tessera.query(`query ($id: ID!) { project(id: $id) { ${PROJECT_FIELDS} } }`, { id });
  return (body.data as { project: Project }).project;
}

export async function readTimecard(tessera: TestTessera, id: string): Promise<Timecard> {
  const body = await tessera.query(`query ($id: ID!) { timecard(id: $id) { ${TIMECARD_FIELDS} } }`, { id });
  return (body.data as { timecard: Timecard }).timecard;
}

export async function readDraft(tessera: TestTessera, id: string): Promise<BillingDraft> {
  const body = await tessera.query(`query ($id: ID!) { billingDraft(id: $id) { ${DRAFT_FIELDS} } }`, { id });
  return (body.data as { billingDraft: BillingDraft }).billingDraft;
}

/** A seeded record the suite needs, found by querying through the gateway. */
export interface SeededProject {
  readonly id: string;
  readonly code: string;
  readonly status: string;
  readonly type: string;
  readonly billingMethod: string | null;
  readonly legalEntity: Ref;
  readonly customer: Ref | null;
  readonly contract: { readonly id: string; readonly status: string } | null;
  readonly startDate: string;
  readonly endDate: string;
  readonly aggregateVersion: number;
}

export async function seededProjects(tessera: TestTessera): Promise<SeededProject[]> {
  const body = await tessera.query(`{ projects(first: 200) { nodes {
    id code status type billingMethod legalEntity { id } customer { id } contract { id status } startDate endDate aggregateVersion
  } } }`);
  return (body.data as { projects: { nodes: SeededProject[] } }).projects.nodes;
}

export interface SeededContract {
  readonly id: string;
  readonly status: string;
  readonly billingMethod: string;
  readonly legalEntity: Ref;
  readonly account: Ref;
  readonly startDate: string;
  readonly endDate: string;
  readonly totalContractValue: Money;
  readonly lines: readonly { readonly id: string; readonly rateCard: Ref | null; readonly notToExceed: Money | null }[];
}

export async function seededContracts(tessera: TestTessera): Promise<SeededContract[]> {
  const body = await tessera.query(`{ contracts(first: 200) { nodes {
    id status billingMethod legalEntity { id } account { id } startDate endDate totalContractValue { amount currency } lines { id rateCard { id } notToExceed { amount currency } }
  } } }`);
  return (body.data as { contracts: { nodes: SeededContract[] } }).contracts.nodes;
}

/**
 * A bookable, active resource of `legalEntity` with no hard booking that takes hours between
 * `from` and `to` (the bench bookings everyone holds take none), not in `taken`.
 */
export async function freeResource(
  tessera: TestTessera,
  legalEntity: string,
  from: string,
  to: string,
  taken: ReadonlySet<string> = new Set(),
): Promise<{ id: string; email: string; costRate: Money }> {
  interface Booking {
    startDate: string;
    endDate: string;
    scheduledHours: string;
  }
  interface Node {
    id: string;
    email: string;
    status: string;
    isBookable: boolean;
    homeLegalEntity: Ref | null;
    assignments: Booking[];
  }
  const body = await tessera.query(`{ resources(first: 500) { nodes {
    id email status isBookable homeLegalEntity { id } assignments(status: [CONFIRMED, ACTIVE]) { startDate endDate scheduledHours }
  } } }`);
  const nodes = (body.data as { resources: { nodes: Node[] } }).resources.nodes;
  const free = pick(
    nodes,
    `free resource in ${legalEntity} from ${from} to ${to}`,
    (node) =>
      node.status === 'ACTIVE' &&
      node.isBookable &&
      node.homeLegalEntity?.id === legalEntity &&
      !taken.has(node.id) &&
      node.assignments.every((a) => a.scheduledHours === '0.00' || a.endDate < from || a.startDate > to),
  );
  const db = psaDb(tessera);
  const row = await db
    .selectFrom('resources')
    .select(['cost_rate_e4', 'cost_currency'])
    .where('id', '=', free.id)
    .executeTakeFirstOrThrow();
  return { id: free.id, email: free.email, costRate: money(row.cost_rate_e4, row.cost_currency) };
}

/** The PSA subgraph as the ERP reaches it: its own server on the same database, with no peer calls from a system step. */
export function startPsaSubgraph(tessera: AuthTestTessera): Promise<SubgraphServer> {
  const noPeers = { fetcher: () => Promise.reject(new Error('no peer calls from a system step')), urlOf: (name: string) => name };
  return startSystemServer(SYSTEMS.psa, inProcessSystem(tessera, 'psa'), createLogger('warn'), tessera.internalSecret, noPeers);
}

/** A new PLANNED project on `contractId` (its dates default to the contract's); must succeed. */
export async function newProject(tessera: TestTessera, contractId: string, overrides: Record<string, unknown> = {}): Promise<Project> {
  const result = await call(tessera, CREATE_PROJECT, {
    idempotencyKey: newKey(),
    contractId,
    name: `Project ${newKey().slice(0, 8)}`,
    ...overrides,
  });
  return accepted<Project>(result, 'project');
}

export async function activate(tessera: TestTessera, project: Project): Promise<Project> {
  const result = await call(tessera, ACTIVATE_PROJECT, {
    idempotencyKey: newKey(),
    projectId: project.id,
    expectedVersion: project.aggregateVersion,
  });
  return accepted<Project>(result, 'project');
}

export async function request(
  tessera: TestTessera,
  projectId: string,
  fields: { roleId: string; startDate: string; endDate: string; hours: string },
): Promise<ResourceRequest> {
  return accepted<ResourceRequest>(
    await call(tessera, CREATE_REQUEST, { idempotencyKey: newKey(), projectId, ...fields }),
    'resourceRequest',
  );
}

export async function confirm(
  tessera: TestTessera,
  resourceRequest: ResourceRequest,
  resourceId: string,
  allowOverbook = false,
): Promise<{ assignment: Assignment; resourceRequest: ResourceRequest }> {
  const result = await call(tessera, CONFIRM_ASSIGNMENT, {
    idempotencyKey: newKey(),
    resourceRequestId: resourceRequest.id,
    resourceId,
    expectedVersion: resourceRequest.aggregateVersion,
    allowOverbook,
  });
  return { assignment: accepted<Assignment>(result, 'assignment'), resourceRequest: accepted<ResourceRequest>(result, 'resourceRequest') };
}

export interface EntryInput {
  date: string;
  hours: string;
  notes?: string | null;
  billable?: boolean;
  hourClass?: string;
}

export async function submit(
  tessera: TestTessera,
  assignmentId: string,
  weekStart: string,
  entries: readonly EntryInput[],
  expectedVersion?: number,
): Promise<Timecard> {
  const input = {
    idempotencyKey: newKey(),
    assignmentId,
    weekStart,
    entries,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  };
  return accepted<Timecard>(await call(tessera, SUBMIT_TIMECARD, input), 'timecard');
}

export async function approve(tessera: TestTessera, timecard: Timecard, claims: PrincipalClaims = APPROVER): Promise<Timecard> {
  const input = { idempotencyKey: newKey(), timecardId: timecard.id, expectedVersion: timecard.aggregateVersion };
  return accepted<Timecard>(await call(tessera, APPROVE_TIMECARD, input, { claims }), 'timecard');
}

export async function generate(tessera: TestTessera, projectId: string, cutoffDate: string): Promise<BillingDraft> {
  return accepted<BillingDraft>(await call(tessera, GENERATE_DRAFT, { idempotencyKey: newKey(), projectId, cutoffDate }), 'billingDraft');
}

/**
 * A T&M project delivering a seeded ACTIVE contract of US01 that bills at rate card rc_001 with no
 * cap (a new ACTIVE project on it, dated `from` to `to`), staffed with a free Consultant (rol_02)
 * for `hours` over that week range.
 */
export async function staffedProject(
  tessera: TestTessera,
  window: { from: string; to: string; hours: string },
  taken: ReadonlySet<string> = new Set(),
): Promise<{
  project: Project;
  assignment: Assignment;
  resource: { id: string; email: string; costRate: Money };
  contract: SeededContract;
}> {
  const contract = pick(
    await seededContracts(tessera),
    'ACTIVE US01 T&M contract without a cap, running in 2027',
    (c) =>
      c.status === 'ACTIVE' &&
      c.billingMethod === 'TIME_AND_MATERIALS' &&
      c.legalEntity.id === 'le_US01' &&
      c.lines[0]?.notToExceed === null &&
      c.lines[0]?.rateCard?.id === 'rc_001' &&
      c.startDate <= window.from &&
      c.endDate >= window.to,
  );
  const project = await activate(tessera, await newProject(tessera, contract.id, { startDate: window.from, endDate: window.to }));
  const resource = await freeResource(tessera, 'le_US01', window.from, window.to, taken);
  const wanted = await request(tessera, project.id, { roleId: 'rol_02', startDate: window.from, endDate: window.to, hours: window.hours });
  const { assignment } = await confirm(tessera, wanted, resource.id);
  return { project, assignment, resource, contract };
}

/**
 * A new contract through the CRM's own capabilities (open → qualify → propose → won → drafted →
 * submitted → approved by someone else, then signed if `sign`), with one line of `billingMethod`.
 */
export async function crmContract(
  tessera: TestTessera,
  options: {
    accountId: string;
    billingMethod: string;
    amount: string;
    startDate: string;
    endDate: string;
    sign?: boolean;
    legalEntityId?: string;
  },
): Promise<{ id: string; status: string; aggregateVersion: number }> {
  const step = async (query: string, input: Record<string, unknown>, claims?: PrincipalClaims) => {
    const result = await call<{ [key: string]: unknown }>(tessera, query, { idempotencyKey: newKey(), ...input }, claims ? { claims } : {});
    const payload = Object.values(
      (result.body.data ?? {}) as Record<string, { userErrors: UserError[]; opportunity?: Versioned; contract?: Versioned }>,
    )[0];
    const value = payload?.opportunity ?? payload?.contract;
    if (!value || payload?.userErrors.length) throw new Error(`CRM step failed: ${JSON.stringify(result.body)}`);
    return value;
  };
  interface Versioned {
    id: string;
    status?: string;
    aggregateVersion: number;
    approvedAt?: string;
  }
  const opportunityDoc = (field: string, type: string) =>
    `mutation ($input: ${type}!) { ${field}(input: $input) { opportunity { id aggregateVersion } userErrors { code } } }`;
  const contractDoc = (field: string, type: string) =>
    `mutation ($input: ${type}!) { ${field}(input: $input) { contract { id status aggregateVersion approvedAt } userErrors { code } } }`;
  const legalEntityId = options.legalEntityId ?? 'le_US01';
  let opportunity = await step(opportunityDoc('createOpportunity', 'CreateOpportunityInput'), {
    accountId: options.accountId,
    name: `Deal ${newKey().slice(0, 8)}`,
    legalEntityId,
    currency: legalEntityId === 'le_UK01' ? 'GBP' : 'USD',
    closeDate: options.startDate,
    lines: [
      {
        serviceOffering: 'Delivery',
        billingMethod: options.billingMethod,
        amount: options.amount,
        startDate: options.startDate,
        endDate: options.endDate,
      },
    ],
  });
  for (const stage of ['QUALIFIED', 'PROPOSAL']) {
    opportunity = await step(opportunityDoc('updateOpportunityStage', 'UpdateOpportunityStageInput'), {
      opportunityId: opportunity.id,
      expectedVersion: opportunity.aggregateVersion,
      stage,
    });
  }
  opportunity = await step(opportunityDoc('closeWinOpportunity', 'CloseWinOpportunityInput'), {
    opportunityId: opportunity.id,
    expectedVersion: opportunity.aggregateVersion,
  });
  let contract = await step(contractDoc('createContractFromOpportunity', 'CreateContractFromOpportunityInput'), {
    opportunityId: opportunity.id,
  });
  contract = await step(contractDoc('submitContractForApproval', 'ContractTransitionInput'), {
    contractId: contract.id,
    expectedVersion: contract.aggregateVersion,
  });
  contract = await step(
    contractDoc('approveContract', 'ContractTransitionInput'),
    { contractId: contract.id, expectedVersion: contract.aggregateVersion },
    CRM_APPROVER,
  );
  if (options.sign) {
    contract = await step(contractDoc('recordContractSignature', 'RecordContractSignatureInput'), {
      contractId: contract.id,
      expectedVersion: contract.aggregateVersion,
      signedAt: new Date(Date.parse(contract.approvedAt!) + 1000).toISOString(),
      customerSignatory: 'Jane Roe',
      documentUrl: 'https://sign.example.com/envelopes/1/completed',
    });
  }
  return { id: contract.id, status: contract.status!, aggregateVersion: contract.aggregateVersion };
}

/** Hours (e2) × rate (e4) as the Money of `currency`, computed here independently of the runtime (half away from zero). */
export function amountOf(hours: string, rate: string, currency = 'USD'): Money {
  const cents = (BigInt(Math.round(Number(hours) * 100)) * BigInt(Math.round(Number(rate) * 100)) * 2n + 100n) / 200n;
  return { amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, currency };
}
