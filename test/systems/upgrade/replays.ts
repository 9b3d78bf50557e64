/**
 * The answers the previous release stored for real capabilities of each system, built from the seeded rows
 * as its effects returned them (the row read back from its table), and the whole answer replaying each key
 * must give once the store is upgraded: what a fresh call answers for the same record (a call that changes
 * nothing, under a new key), or the record as a query reads it now.
 */
import { expect } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import type { GraphQLBody, TestTessera } from '../../harness/startTestTessera.ts';
import { guardTransition } from '../../../systems/kernel/capability/stateMachine.ts';
import { money } from '../../../systems/kernel/decimal.ts';
import { opportunityMachine } from '../../../systems/crm/machines.ts';
import { milestoneMachine, projectMachine, resourceRequestMachine, timecardMachine } from '../../../systems/psa/machines.ts';
import {
  CLOSE_WIN,
  CONTRACT_FIELDS,
  CREATE_OPPORTUNITY,
  OPPORTUNITY_FIELDS,
  APPROVE_CONTRACT,
  SUBMIT_CONTRACT,
} from '../../capability/crm/crmKit.ts';
import {
  ACTIVATE_PROJECT,
  APPROVE_TIMECARD,
  COMPLETE_MILESTONE,
  CONFIRM_ASSIGNMENT,
  DRAFT_FIELDS,
  GENERATE_DRAFT,
} from '../../capability/psa/psaKit.ts';
import {
  ACTIVATE_V1,
  INVOICE_FIELDS,
  PAYMENT_FIELDS,
  RECOGNIZE,
  RECORD_PAYMENT,
  RELEASE_V1,
  RELEASE_V2,
  SCHEDULE_FIELDS,
} from '../../capability/erp/erpKit.ts';
import type { PreviousDatabases, StoredAnswer } from './previousRelease.ts';

export interface Replay {
  readonly answer: StoredAnswer;
  /** The mutation that replays the key (the input is the answer's, with its key). */
  readonly document: string;
  /** The whole answer the replay must give. */
  readonly expected: (tessera: TestTessera) => Promise<GraphQLBody>;
}

type Expected = Replay['expected'];

/** The answer of the same call under a new key (it changes nothing: the record already is in the target state), as a replay. */
function freshCall(document: string, input: Readonly<Record<string, unknown>>): Expected {
  return async (tessera) => {
    const { body } = await tessera.request({ query: document, variables: { input: { ...input, idempotencyKey: newKey() } } });
    const [[field, payload]] = Object.entries(body.data as Record<string, { replayed: boolean }>) as [[string, { replayed: boolean }]];
    expect(payload.replayed).toBe(false);
    return { data: { [field]: { ...payload, replayed: true } } };
  };
}

/** The v1 payload `shape` makes of what `query` reads now, replayed. */
function queried(
  field: string,
  query: string,
  variables: Record<string, unknown>,
  shape: (data: Record<string, unknown>) => Record<string, unknown>,
): Expected {
  return async (tessera) => {
    const { data, errors } = await tessera.query(query, variables);
    expect(errors).toBeUndefined();
    return { data: { [field]: { ...shape(data as Record<string, unknown>), userErrors: [], warnings: [], replayed: true } } };
  };
}

const ok = (value: Record<string, unknown>) => ({ ok: true, value });
const already = (entity: string, machine: Parameters<typeof guardTransition>[1], state: string, capability: string) => [
  guardTransition(entity, machine, state, state, capability)!,
];

function answer(
  system: StoredAnswer['system'],
  capability: string,
  input: Record<string, unknown>,
  outcome: unknown,
  version = 1,
): StoredAnswer {
  return { system, capability: `${system}.${capability}`, version, key: newKey(), input, outcome };
}

export async function crmReplays({ crm }: PreviousDatabases): Promise<Replay[]> {
  const won = await crm.selectFrom('opportunities').selectAll().where('stage', '=', 'CLOSED_WON').orderBy('id').executeTakeFirstOrThrow();
  const open = await crm.selectFrom('opportunities').selectAll().where('stage', '=', 'PROSPECTING').orderBy('id').executeTakeFirstOrThrow();
  const [line] = await crm.selectFrom('opportunity_lines').selectAll().where('opportunity_id', '=', open.id).orderBy('id').execute();
  const contract = await crm.selectFrom('contracts').selectAll().orderBy('id').executeTakeFirstOrThrow();
  const winInput = { opportunityId: won.id, expectedVersion: won.aggregate_version };
  const createInput = {
    accountId: open.account_id,
    name: open.name,
    legalEntityId: open.legal_entity_id,
    currency: open.currency,
    closeDate: open.close_date,
    type: open.type,
    lines: [
      {
        serviceOffering: line!.service_offering,
        billingMethod: line!.billing_method,
        amount: money(open.amount_e4, open.currency).amount,
        startDate: line!.start_date,
        endDate: line!.end_date,
      },
    ],
  };
  const transition = { contractId: contract.id, expectedVersion: contract.aggregate_version };
  const refusal = {
    code: 'SEGREGATION_OF_DUTIES',
    message: 'You submitted this contract: another person must approve it.',
    field: 'contractId',
  };
  const oppQuery = `query ($id: ID!) { opportunity(id: $id) { ${OPPORTUNITY_FIELDS} } }`;
  const contractQuery = `query ($id: ID!) { contract(id: $id) { ${CONTRACT_FIELDS} } }`;
  return [
    {
      answer: answer(
        'crm',
        'closeWinOpportunity',
        winInput,
        ok({ opportunity: won, warnings: already('Opportunity', opportunityMachine, 'CLOSED_WON', 'closeWinOpportunity') }),
      ),
      document: CLOSE_WIN,
      expected: freshCall(CLOSE_WIN, winInput),
    },
    {
      answer: answer('crm', 'createOpportunity', createInput, ok({ opportunity: open })),
      document: CREATE_OPPORTUNITY,
      expected: queried('createOpportunity', oppQuery, { id: open.id }, (data) => data),
    },
    {
      answer: answer('crm', 'submitContractForApproval', transition, ok({ contract })),
      document: SUBMIT_CONTRACT,
      expected: queried('submitContractForApproval', contractQuery, { id: contract.id }, (data) => data),
    },
    {
      answer: answer('crm', 'approveContract', transition, { ok: false, error: refusal }),
      document: APPROVE_CONTRACT,
      expected: async () => ({ data: { approveContract: { contract: null, userErrors: [refusal], warnings: [], replayed: true } } }),
    },
  ];
}

export async function psaReplays({ psa }: PreviousDatabases): Promise<Replay[]> {
  const project = await psa
    .selectFrom('projects')
    .selectAll()
    .where('status', '=', 'ACTIVE')
    .where('type', '=', 'CUSTOMER_BILLABLE')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const request = await psa
    .selectFrom('resource_requests')
    .selectAll()
    .where('status', '=', 'FILLED')
    .where('assignment_id', 'is not', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const assignment = await psa.selectFrom('assignments').selectAll().where('id', '=', request.assignment_id!).executeTakeFirstOrThrow();
  const timecard = await psa.selectFrom('timecards').selectAll().where('status', '=', 'APPROVED').orderBy('id').executeTakeFirstOrThrow();
  const milestone = await psa.selectFrom('milestones').selectAll().where('status', '=', 'COMPLETE').orderBy('id').executeTakeFirstOrThrow();
  const draft = await psa.selectFrom('billing_drafts').selectAll().orderBy('id').executeTakeFirstOrThrow();
  const activate = { projectId: project.id, expectedVersion: project.aggregate_version };
  const confirm = {
    resourceRequestId: request.id,
    resourceId: assignment.resource_id,
    expectedVersion: request.aggregate_version,
    allowOverbook: false,
  };
  const approve = { timecardId: timecard.id, expectedVersion: timecard.aggregate_version };
  const complete = { milestoneId: milestone.id, expectedVersion: milestone.aggregate_version, actualDate: milestone.actual_date };
  const generate = { projectId: draft.project_id, cutoffDate: draft.cutoff_date };
  return [
    {
      answer: answer(
        'psa',
        'activateProject',
        activate,
        ok({ project, warnings: already('Project', projectMachine, 'ACTIVE', 'activateProject') }),
      ),
      document: ACTIVATE_PROJECT,
      expected: freshCall(ACTIVATE_PROJECT, activate),
    },
    {
      answer: answer(
        'psa',
        'confirmAssignment',
        confirm,
        ok({
          assignment,
          resourceRequest: request,
          warnings: already('ResourceRequest', resourceRequestMachine, 'FILLED', 'confirmAssignment'),
        }),
      ),
      document: CONFIRM_ASSIGNMENT,
      expected: freshCall(CONFIRM_ASSIGNMENT, confirm),
    },
    {
      answer: answer(
        'psa',
        'approveTimecard',
        approve,
        ok({ timecard, warnings: already('Timecard', timecardMachine, 'APPROVED', 'approveTimecard') }),
      ),
      document: APPROVE_TIMECARD,
      expected: freshCall(APPROVE_TIMECARD, approve),
    },
    {
      answer: answer(
        'psa',
        'completeMilestone',
        complete,
        ok({ milestone, warnings: already('Milestone', milestoneMachine, 'COMPLETE', 'completeMilestone') }),
      ),
      document: COMPLETE_MILESTONE,
      expected: freshCall(COMPLETE_MILESTONE, complete),
    },
    {
      answer: answer('psa', 'generateBillingDraft', generate, ok({ billingDraft: draft })),
      document: GENERATE_DRAFT,
      expected: queried(
        'generateBillingDraft',
        `query ($id: ID!) { billingDraft(id: $id) { ${DRAFT_FIELDS} } }`,
        { id: draft.id },
        (data) => data,
      ),
    },
  ];
}

export async function erpReplays({ crm, erp }: PreviousDatabases): Promise<Replay[]> {
  const active = await crm.selectFrom('contracts').select('id').where('status', '=', 'ACTIVE').orderBy('id').executeTakeFirstOrThrow();
  const terms = (await erp.selectFrom('contract_terms').selectAll().where('contract_id', '=', active.id).executeTakeFirst()) ?? null;
  const invoice = await erp
    .selectFrom('invoices')
    .selectAll()
    .where('source_billing_draft_id', 'is not', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const payment = await erp.selectFrom('payments').selectAll().orderBy('id').executeTakeFirstOrThrow();
  const schedule = await erp.selectFrom('revenue_schedules').selectAll().orderBy('id').executeTakeFirstOrThrow();
  const schedules = await erp
    .selectFrom('revenue_schedules')
    .selectAll()
    .where('project_id', '=', schedule.project_id)
    .orderBy('id')
    .execute();
  const { legal_entity_id: legalEntityId } = await erp
    .selectFrom('erp_projects')
    .select('legal_entity_id')
    .where('project_id', '=', schedule.project_id)
    .executeTakeFirstOrThrow();
  const period = await erp
    .selectFrom('accounting_periods')
    .selectAll()
    .where('legal_entity_id', '=', legalEntityId)
    .where('status', '=', 'OPEN')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const activate = { contractId: active.id, poRequired: false };
  const release = { billingDraftId: invoice.source_billing_draft_id, invoiceDate: invoice.invoice_date };
  const releaseV2 = { ...release, expectedVersion: 2 };
  const record = {
    legalEntityId: payment.legal_entity_id,
    accountId: payment.account_id,
    amount: money(payment.amount_e4, payment.currency).amount,
    currency: payment.currency,
    receivedDate: payment.received_date,
    method: payment.method,
    bankReference: payment.payment_number,
  };
  const recognize = { legalEntityId, periodId: period.id };
  const invoiceQuery = `query ($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`;
  return [
    {
      answer: answer(
        'erp',
        'activateContract',
        activate,
        ok({
          contract: { id: active.id },
          terms,
          revenueSchedules: [],
          warnings: [{ code: 'ALREADY_IN_STATE', message: `Contract ${active.id} already is ACTIVE; nothing changed.` }],
        }),
      ),
      document: ACTIVATE_V1,
      expected: freshCall(ACTIVATE_V1, activate),
    },
    {
      answer: answer('erp', 'releaseInvoice', release, ok({ invoice })),
      document: RELEASE_V1,
      expected: queried('releaseInvoice', invoiceQuery, { id: invoice.id }, (data) => data),
    },
    {
      answer: answer('erp', 'releaseInvoice', releaseV2, ok({ invoice }), 2),
      document: RELEASE_V2,
      expected: async (tessera) => {
        const { data } = await tessera.query(invoiceQuery, { id: invoice.id });
        return { data: { releaseInvoiceV2: { __typename: 'ReleaseInvoiceSuccess', ...(data as object), warnings: [], replayed: true } } };
      },
    },
    {
      answer: answer('erp', 'recordPayment', record, ok({ payment })),
      document: RECORD_PAYMENT,
      expected: queried('recordPayment', `query ($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} } }`, { id: payment.id }, (data) => data),
    },
    {
      answer: answer('erp', 'recognizeRevenueForPeriod', recognize, ok({ period, lines: [], revenueSchedules: schedules })),
      document: RECOGNIZE,
      expected: queried(
        'recognizeRevenueForPeriod',
        `query ($id: ID!) { project(id: $id) { revenueSchedules { ${SCHEDULE_FIELDS} } } }`,
        { id: schedule.project_id },
        (data) => ({
          period: { id: period.id, name: period.name, status: period.status },
          lines: [],
          revenueSchedules: [...(data.project as { revenueSchedules: { id: string }[] }).revenueSchedules].sort((a, b) =>
            a.id < b.id ? -1 : 1,
          ),
        }),
      ),
    },
  ];
}
