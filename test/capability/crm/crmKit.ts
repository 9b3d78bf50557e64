/**
 * What the CRM capability suites share: the mutation documents (every payload field selected), the
 * tokens, the seeded records they start from (found by querying, never hard-coded), and readers of
 * the rows a call wrote in the CRM database (outbox events, audit entries, record counts).
 */
import type { PrincipalClaims } from '../../../auth/principal.ts';
import {
  acceptedPayload,
  call,
  newKey,
  pick,
  refusedAnswer,
  startWith,
  succeededAnswer,
  type Answer,
  type Money,
  type MutationResult,
  type UserError,
} from '../../harness/capabilities.ts';
import { auditEntries, countRows, crmDb, outboxEvents, type AuditEntry, type TimedOutboxEvent } from '../../harness/capabilityRows.ts';
import type { TestTessera, TestTesseraOptions } from '../../harness/startTestTessera.ts';

export { DEFAULT_SUB, call, envelope, pick, requestIdOf, type Money, type UserError } from '../../harness/capabilities.ts';
export { crmDb, type CrmDb } from '../../harness/capabilityRows.ts';

export const OPPORTUNITY_FIELDS = `id name stage sourceStage probability forecastCategory type
  amount { amount currency } closeDate lossReason legalEntity { id } account { id }
  lines { serviceOffering billingMethod amount { amount currency } estimatedHours startDate endDate }
  aggregateVersion`;

export const CONTRACT_FIELDS = `id contractNumber version title status account { id } opportunity { id } legalEntity { id }
  startDate endDate totalContractValue { amount currency } billingMethod signedAt customerSignatory approvedAt documentUrl
  activatedAt aggregateVersion`;

const USER_ERRORS = 'userErrors { code message field } warnings { code message field } replayed';

function document(field: string, inputType: string, entity: 'opportunity' | 'contract'): string {
  const fields = entity === 'opportunity' ? OPPORTUNITY_FIELDS : CONTRACT_FIELDS;
  return `mutation ${field[0]!.toUpperCase()}${field.slice(1)}($input: ${inputType}!) {
    ${field}(input: $input) { ${entity} { ${fields} } ${USER_ERRORS} }
  }`;
}

export const CREATE_OPPORTUNITY = document('createOpportunity', 'CreateOpportunityInput', 'opportunity');
export const UPDATE_STAGE = document('updateOpportunityStage', 'UpdateOpportunityStageInput', 'opportunity');
export const CLOSE_WIN = document('closeWinOpportunity', 'CloseWinOpportunityInput', 'opportunity');
export const CLOSE_LOSE = document('closeLoseOpportunity', 'CloseLoseOpportunityInput', 'opportunity');
export const CREATE_CONTRACT = document('createContractFromOpportunity', 'CreateContractFromOpportunityInput', 'contract');
export const SUBMIT_CONTRACT = document('submitContractForApproval', 'ContractTransitionInput', 'contract');
export const APPROVE_CONTRACT = document('approveContract', 'ContractTransitionInput', 'contract');
export const SIGN_CONTRACT = document('recordContractSignature', 'RecordContractSignatureInput', 'contract');

export interface Opportunity {
  readonly id: string;
  readonly name: string;
  readonly stage: string;
  readonly sourceStage: string;
  readonly probability: number;
  readonly forecastCategory: string;
  readonly type: string;
  readonly amount: Money;
  readonly closeDate: string;
  readonly lossReason: string | null;
  readonly legalEntity: { readonly id: string };
  readonly account: { readonly id: string };
  readonly lines: readonly {
    readonly serviceOffering: string;
    readonly billingMethod: string;
    readonly amount: Money;
    readonly estimatedHours: string | null;
    readonly startDate: string;
    readonly endDate: string;
  }[];
  readonly aggregateVersion: number;
}

export interface Contract {
  readonly id: string;
  readonly contractNumber: string;
  readonly version: number;
  readonly title: string;
  readonly status: string;
  readonly account: { readonly id: string };
  readonly opportunity: { readonly id: string } | null;
  readonly legalEntity: { readonly id: string };
  readonly startDate: string;
  readonly endDate: string;
  readonly totalContractValue: Money;
  readonly billingMethod: string;
  readonly signedAt: string | null;
  readonly customerSignatory: string | null;
  readonly approvedAt: string | null;
  readonly documentUrl: string | null;
  readonly activatedAt: string | null;
  readonly aggregateVersion: number;
}

export interface Payload<Entity> {
  readonly userErrors: readonly UserError[];
  readonly warnings: readonly UserError[];
  readonly replayed: boolean;
  readonly opportunity?: Entity | null;
  readonly contract?: Entity | null;
}

export type OpportunityPayload = Payload<Opportunity> & { readonly opportunity: Opportunity | null };
export type ContractPayload = Payload<Contract> & { readonly contract: Contract | null };

// Every token below has erp:read too: the payloads select `legalEntity`, an ERP entity.

/** A second person for segregation of duties (the default token, `test-admin`, submits). */
export const APPROVER: PrincipalClaims = { sub: 'crm-approver', scope: 'crm:read crm:write erp:read', legal_entities: '*' };
/** The privileged role that may reopen a lost opportunity. */
export const SALES_OPS: PrincipalClaims = {
  sub: 'sales-ops',
  scope: 'crm:read crm:write erp:read',
  legal_entities: '*',
  roles: ['SALES_OPS'],
};
/** Sees and writes UK01 records only. */
export const UK_ONLY: PrincipalClaims = { sub: 'uk-writer', scope: 'crm:read crm:write erp:read', legal_entities: ['UK01'] };

/** A seeded account, with the CRM it comes from (its stage names depend on it). */
export interface SeededAccount {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly sourceSystem: string;
}

/** The seeded accounts, from the gateway. */
export async function seededAccounts(tessera: TestTessera): Promise<SeededAccount[]> {
  const body = await tessera.query('{ accounts(first: 200) { nodes { id name type externalRefs { system } } } }');
  const nodes = (body.data as { accounts: { nodes: { id: string; name: string; type: string; externalRefs: { system: string }[] }[] } })
    .accounts.nodes;
  return nodes.map((node) => ({ id: node.id, name: node.name, type: node.type, sourceSystem: node.externalRefs[0]!.system }));
}

/** The first Salesforce customer of `accounts` (the account most suites deal with). */
export function salesforceCustomer(accounts: readonly SeededAccount[]): SeededAccount {
  return pick(accounts, 'Salesforce customer', (a) => a.type === 'CUSTOMER' && a.sourceSystem === 'salesforce');
}

/** A gateway on the small seed and its first Salesforce customer: the start-up of the suites that write to the CRM. */
export function startWithCustomer(options?: TestTesseraOptions): Promise<[TestTessera, SeededAccount]> {
  return startWith(async (started) => salesforceCustomer(await seededAccounts(started)), options);
}

export interface LineInput {
  serviceOffering: string;
  billingMethod: string;
  amount: string;
  estimatedHours?: string | null;
  startDate: string;
  endDate: string;
}

/** A type, not an interface: the call harness takes it as a plain record. */
export type CreateOpportunityInput = {
  idempotencyKey?: string;
  accountId: string;
  name: string;
  legalEntityId: string;
  currency: string;
  closeDate: string;
  type?: string;
  lines: LineInput[];
};

/** One fixed-fee line of 1000.00 over the first quarter of 2027. */
const ONE_LINE: readonly LineInput[] = [
  { serviceOffering: 'Discovery workshop', billingMethod: 'FIXED_FEE', amount: '1000.00', startDate: '2027-01-04', endDate: '2027-03-31' },
];

/** A createOpportunity input for `accountId` in US01, with a fresh key; `overrides` replace fields. */
export function opportunityInput(accountId: string, overrides: Partial<CreateOpportunityInput> = {}): CreateOpportunityInput {
  return {
    idempotencyKey: newKey(),
    accountId,
    name: `Deal ${newKey().slice(0, 8)}`,
    legalEntityId: 'le_US01',
    currency: 'USD',
    closeDate: '2027-03-31',
    lines: ONE_LINE.map((line) => ({ ...line })),
    ...overrides,
  };
}

/** Opens an opportunity that must succeed; returns it. */
export async function openOpportunity(tessera: TestTessera, input: CreateOpportunityInput, claims?: PrincipalClaims): Promise<Opportunity> {
  const result = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input }, claims ? { claims } : {});
  return accepted(result, 'opportunity');
}

/** The entity of a call that must have succeeded without warnings (a readable failure otherwise). */
export function accepted<E>(result: MutationResult<Payload<E>>, entity: 'opportunity' | 'contract'): E {
  return acceptedPayload(result, entity)[entity]!;
}

/** Moves an opportunity through `stages` (updateOpportunityStage), each step expected to succeed. */
export async function moveThrough(tessera: TestTessera, start: Opportunity, stages: readonly string[]): Promise<Opportunity> {
  let current = start;
  for (const stage of stages) {
    const result = await call<OpportunityPayload>(tessera, UPDATE_STAGE, {
      idempotencyKey: newKey(),
      opportunityId: current.id,
      expectedVersion: current.aggregateVersion,
      stage,
    });
    current = accepted(result, 'opportunity');
  }
  return current;
}

/** A CLOSED_WON opportunity with `lines` (PROSPECTING → QUALIFIED → PROPOSAL → won). */
export async function wonOpportunity(tessera: TestTessera, input: CreateOpportunityInput): Promise<Opportunity> {
  const proposal = await moveThrough(tessera, await openOpportunity(tessera, input), ['QUALIFIED', 'PROPOSAL']);
  const result = await call<OpportunityPayload>(tessera, CLOSE_WIN, {
    idempotencyKey: newKey(),
    opportunityId: proposal.id,
    expectedVersion: proposal.aggregateVersion,
  });
  return accepted(result, 'opportunity');
}

function entityOf(field: string): 'opportunity' | 'contract' {
  return /contract/i.test(field) ? 'contract' : 'opportunity';
}

/** The whole answer of a `field` call the capability refused with one user error (nothing written). */
export function refused(field: string, error: UserError, replayed = false): Answer {
  return refusedAnswer(field, [entityOf(field)], error, replayed);
}

/** The whole answer of a `field` call that succeeded with `entity` (warnings: ALREADY_IN_STATE). */
export function succeeded(field: string, entity: unknown, options: { warnings?: readonly UserError[]; replayed?: boolean } = {}): Answer {
  return succeededAnswer(field, { [entityOf(field)]: entity }, options);
}

/** An outbox event of the CRM as the relay would read it, payload parsed, with its cause and instants. */
export type OutboxEvent = TimedOutboxEvent;

/** The events of one aggregate, in version order. */
export function eventsOf(tessera: TestTessera, aggregateId: string): Promise<OutboxEvent[]> {
  return outboxEvents(tessera, 'crm', 'aggregate_id', aggregateId);
}

/** The events one request wrote. */
export function eventsOfRequest(tessera: TestTessera, requestId: string): Promise<OutboxEvent[]> {
  return outboxEvents(tessera, 'crm', 'correlation_id', requestId);
}

/** The event without its instant (compared separately). */
export function withoutTime(event: OutboxEvent): Omit<OutboxEvent, 'occurredAt'> {
  const { occurredAt: _occurredAt, ...rest } = event;
  return rest;
}

export type AuditRow = AuditEntry;

/** The audit entries of one idempotency key, oldest first. */
export function auditOf(tessera: TestTessera, idempotencyKey: string): Promise<AuditRow[]> {
  return auditEntries(tessera, 'crm', idempotencyKey);
}

/** How many rows each table the capabilities write holds. */
export function rowCounts(tessera: TestTessera): Promise<Record<string, number>> {
  return countRows(crmDb(tessera), [
    'opportunities',
    'opportunity_lines',
    'contracts',
    'outbox_events',
    'audit_log',
    'idempotency_records',
  ]);
}

/** The stage values each source CRM stores (what `sourceStage` must answer). */
export const EXPECTED_SOURCE_STAGE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  salesforce: {
    PROSPECTING: 'Prospecting',
    QUALIFIED: 'Qualification',
    PROPOSAL: 'Proposal/Price Quote',
    NEGOTIATION: 'Negotiation/Review',
    CLOSED_WON: 'Closed Won',
    CLOSED_LOST: 'Closed Lost',
  },
  hubspot: {
    PROSPECTING: 'appointmentscheduled',
    QUALIFIED: 'qualifiedtobuy',
    PROPOSAL: 'presentationscheduled',
    NEGOTIATION: 'contractsent',
    CLOSED_WON: 'closedwon',
    CLOSED_LOST: 'closedlost',
  },
};

/** Probability and forecast category per stage (domain defaults). */
export const EXPECTED_STAGE_DEFAULTS: Readonly<Record<string, { probability: number; forecastCategory: string }>> = {
  PROSPECTING: { probability: 10, forecastCategory: 'PIPELINE' },
  QUALIFIED: { probability: 25, forecastCategory: 'PIPELINE' },
  PROPOSAL: { probability: 50, forecastCategory: 'BEST_CASE' },
  NEGOTIATION: { probability: 75, forecastCategory: 'COMMIT' },
  CLOSED_WON: { probability: 100, forecastCategory: 'CLOSED' },
  CLOSED_LOST: { probability: 0, forecastCategory: 'OMITTED' },
};
