/**
 * The opportunity-to-project story the fault tests tell (docs/processes.md#opportunity-to-project),
 * through the gateway: a deal with two pre-sales staffing estimates is won, its contract approved by
 * another person and signed; and what it left behind in every system (`snapshotOf`), ids left out
 * so that two runs of the story compare equal when they had the same effects.
 */
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { CapabilityTables } from '../../../systems/kernel/capability/tables.ts';
import { CURRENCY, LEGAL_ENTITY, type World } from './world.ts';

export interface Customer {
  readonly accountId: string;
  readonly legalEntityId: string;
  readonly currency: string;
}

export interface ProcessView {
  readonly id: string;
  readonly correlationId: string;
  readonly status: string;
  readonly currentStep: string | null;
  readonly blocked: { code: string; reason: string; owner: string } | null;
  readonly steps: readonly {
    name: string;
    status: string;
    attempts: number;
    idempotencyKey: string | null;
    requestId: string | null;
    error: { code: string; message: string } | null;
    startedAt: string | null;
    finishedAt: string | null;
  }[];
  readonly events: readonly { eventId: string; type: string; aggregateVersion: number }[];
  readonly links: readonly { entityType: string; entityId: string }[];
}

const PROCESS_FIELDS = `id correlationId status currentStep blocked { code reason owner }
  steps { name status attempts idempotencyKey requestId error { code message } startedAt finishedAt }
  events { eventId type aggregateVersion } links { entityType entityId }`;

/**
 * Customers the suite may use, each once: a CUSTOMER account with no billing profile yet in the
 * legal entity (the saga enables it there), in UK01 (GBP) first, then in US01 (USD).
 */
export async function freshCustomers(world: World): Promise<() => Customer> {
  const accounts = await world.systems.crm.db.selectFrom('accounts').select('id').where('type', '=', 'CUSTOMER').orderBy('id').execute();
  const profiles = await world.systems.erp.db.selectFrom('billing_profiles').select(['account_id', 'legal_entity_id']).execute();
  const has = new Set(profiles.map((profile) => `${profile.account_id}/${profile.legal_entity_id}`));
  const candidates: Customer[] = [];
  for (const [legalEntityId, currency] of [
    [LEGAL_ENTITY, CURRENCY],
    ['le_US01', 'USD'],
  ] as const) {
    for (const { id } of accounts) {
      if (!has.has(`${id}/${legalEntityId}`) && !candidates.some((used) => used.accountId === id)) {
        candidates.push({ accountId: id, legalEntityId, currency });
      }
    }
  }
  let next = 0;
  return () => {
    const customer = candidates[next++];
    if (!customer) throw new Error('the seed has no customer left without a billing profile');
    return customer;
  };
}

/** The seeded customer on credit hold in a legal entity, with that entity and the profile's currency. */
export async function heldCustomer(world: World): Promise<Customer & { readonly profileId: string }> {
  const held = await world.systems.erp.db
    .selectFrom('billing_profiles')
    .select(['id', 'account_id', 'legal_entity_id', 'currency'])
    .where('credit_hold', '=', 1)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return { profileId: held.id, accountId: held.account_id, legalEntityId: held.legal_entity_id, currency: held.currency };
}

async function mutate<T>(
  world: World,
  who: 'sales' | 'director' | 'ops' | 'finance',
  field: string,
  inputType: string,
  input: object,
  selection: string,
) {
  const data = await world.gql<Record<string, T & { userErrors: unknown[] }>>(
    `mutation ($input: ${inputType}!) { ${field}(input: $input) ${selection} }`,
    { input: { idempotencyKey: crypto.randomUUID(), ...input } },
    who,
  );
  const payload = data[field]!;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

/** Finance releases the customer's credit hold through the gateway, as credit control would (docs/processes.md#blocked). */
export async function releaseCreditHold(world: World, held: Customer): Promise<void> {
  const payload = await mutate<{ billingProfile: { creditHold: boolean }; warnings: unknown[] }>(
    world,
    'finance',
    'releaseCreditHold',
    'CreditHoldInput',
    { accountId: held.accountId, legalEntityId: held.legalEntityId, reason: 'Overdue invoices paid' },
    '{ billingProfile { creditHold } userErrors { code } warnings { code } }',
  );
  expect(payload).toEqual({ billingProfile: { creditHold: false }, userErrors: [], warnings: [] });
}

/** Creates a deal for `customer` with two staffing estimates (roles rol_01, rol_02), moves it to won; its id. */
export async function winDeal(world: World, customer: Customer, name: string): Promise<string> {
  const created = await mutate<{ opportunity: { id: string } }>(
    world,
    'sales',
    'createOpportunity',
    'CreateOpportunityInput',
    {
      accountId: customer.accountId,
      name,
      legalEntityId: customer.legalEntityId,
      currency: customer.currency,
      closeDate: '2026-11-30',
      lines: [
        {
          serviceOffering: 'Discovery',
          billingMethod: 'TIME_AND_MATERIALS',
          amount: '30000.00',
          estimatedHours: '240',
          startDate: '2026-11-16',
          endDate: '2027-01-29',
          roleId: 'rol_02',
        },
        {
          serviceOffering: 'Delivery',
          billingMethod: 'TIME_AND_MATERIALS',
          amount: '20000.00',
          estimatedHours: '120',
          startDate: '2026-12-01',
          endDate: '2027-01-29',
          roleId: 'rol_01',
        },
      ],
    },
    '{ opportunity { id } userErrors { code message } }',
  );
  const opportunityId = created.opportunity.id;
  for (const [stage, expectedVersion] of [
    ['QUALIFIED', 1],
    ['PROPOSAL', 2],
  ] as const) {
    await mutate(
      world,
      'sales',
      'updateOpportunityStage',
      'UpdateOpportunityStageInput',
      { opportunityId, expectedVersion, stage },
      '{ userErrors { code message } }',
    );
  }
  await mutate(
    world,
    'sales',
    'closeWinOpportunity',
    'CloseWinOpportunityInput',
    { opportunityId, expectedVersion: 3 },
    '{ userErrors { code message } }',
  );
  return opportunityId;
}

/** The process of the opportunity, as an operator sees it in the graph (ops:read). */
export async function processOf(world: World, opportunityId: string): Promise<ProcessView | null> {
  const data = await world.gql<{ opportunity: { process: ProcessView | null } }>(
    `query ($id: ID!) { opportunity(id: $id) { process { ${PROCESS_FIELDS} } } }`,
    { id: opportunityId },
    'ops',
  );
  return data.opportunity.process;
}

/** The same process by its correlation id (`processStatus`). */
export async function processStatus(world: World, correlationId: string): Promise<ProcessView | null> {
  const data = await world.gql<{ processStatus: ProcessView | null }>(
    `query ($id: ID!) { processStatus(correlationId: $id) { ${PROCESS_FIELDS} } }`,
    { id: correlationId },
    'ops',
  );
  return data.processStatus;
}

export function linkOf(process: ProcessView, entityType: string): string {
  const link = process.links.find((candidate) => candidate.entityType === entityType);
  if (!link) throw new Error(`process ${process.id} has no ${entityType} link`);
  return link.entityId;
}

/** The contract the saga created for the opportunity (from the CRM's store). */
export async function contractOf(world: World, opportunityId: string): Promise<string> {
  const row = await world.systems.crm.db
    .selectFrom('contracts')
    .select('id')
    .where('opportunity_id', '=', opportunityId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Another person approves the contract (it is IN_APPROVAL at version 2). */
export async function approve(world: World, contractId: string): Promise<void> {
  await mutate(
    world,
    'director',
    'approveContract',
    'ContractTransitionInput',
    { contractId, expectedVersion: 2 },
    '{ userErrors { code message } }',
  );
}

/** The customer signs (the contract is APPROVED at version 3). */
export async function sign(world: World, contractId: string): Promise<void> {
  await mutate(
    world,
    'sales',
    'recordContractSignature',
    'RecordContractSignatureInput',
    {
      contractId,
      expectedVersion: 3,
      signedAt: world.now().toISOString(),
      customerSignatory: 'Pat Customer',
      documentUrl: 'https://sign.example/env/1',
    },
    '{ userErrors { code message } }',
  );
}

/** The whole story without faults: win, drain, approve, drain, sign, drain; the opportunity id. */
export async function cleanRun(world: World, customer: Customer, name: string): Promise<string> {
  const opportunityId = await winDeal(world, customer, name);
  await world.drain();
  const contractId = await contractOf(world, opportunityId);
  await approve(world, contractId);
  await world.drain();
  await sign(world, contractId);
  await world.drain();
  return opportunityId;
}

export const ALL_STEPS = [
  'createContract',
  'submitContract',
  'awaitApproval',
  'awaitSignature',
  'enableCustomerBilling',
  'createProject',
  'activateContract',
  'requestResources',
  'activateProject',
] as const;

export interface Snapshot {
  readonly process: {
    readonly count: number;
    readonly status: string;
    readonly currentStep: string | null;
    readonly blocked: unknown;
    readonly steps: readonly (readonly [string, string])[];
    /** Each step's idempotency key, with the process id replaced by `<id>`. */
    readonly keys: readonly (string | null)[];
    /** The events it recorded, by type, sorted (each event once). */
    readonly eventTypes: readonly string[];
  };
  readonly contracts: readonly string[];
  readonly contractLines: number;
  readonly projects: readonly string[];
  readonly erpProjects: number;
  readonly contractTerms: number;
  readonly revenueSchedules: number;
  readonly billingProfiles: number;
  readonly resourceRequests: readonly string[];
  readonly invoices: number;
  /** The events the systems wrote for the contract, the project and its resource requests, by type, sorted. */
  readonly outbox: { readonly crm: readonly string[]; readonly psa: readonly string[]; readonly erp: readonly string[] };
}

/** What the story left behind for `opportunityId`, in every system, without ids. */
export async function snapshotOf(world: World, opportunityId: string): Promise<Snapshot> {
  const { crm, psa, erp, integration } = world.systems;
  const processes = await integration.db.selectFrom('process_instances').selectAll().where('subject_id', '=', opportunityId).execute();
  const process = processes[0]!;
  const steps = await integration.db
    .selectFrom('process_steps')
    .select(['name', 'status', 'idempotency_key'])
    .where('process_id', '=', process.id)
    .orderBy('seq')
    .execute();
  const events = await integration.db.selectFrom('process_events').select('type').where('process_id', '=', process.id).execute();
  const contracts = await crm.db
    .selectFrom('contracts')
    .select(['id', 'account_id', 'legal_entity_id', 'status'])
    .where('opportunity_id', '=', opportunityId)
    .execute();
  const contractIds = contracts.map((contract) => contract.id);
  const projects = contractIds.length
    ? await psa.db.selectFrom('projects').select(['id', 'status']).where('contract_id', 'in', contractIds).execute()
    : [];
  const projectIds = projects.map((project) => project.id);
  const requests = projectIds.length
    ? await psa.db
        .selectFrom('resource_requests')
        .select(['id', 'role_id', 'hours_e2', 'status', 'start_date', 'end_date'])
        .where('project_id', 'in', projectIds)
        .execute()
    : [];
  const none = ['-'];
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  const outboxTypes = async (db: object, ids: string[]) =>
    ids.length
      ? (await (db as Kysely<CapabilityTables>).selectFrom('outbox_events').select('type').where('aggregate_id', 'in', ids).execute())
          .map((row) => row.type)
          .sort()
      : [];
  const account = contracts[0];
  return {
    process: {
      count: processes.length,
      status: process.status,
      currentStep: process.current_step,
      blocked: process.blocked_code,
      steps: steps.map((step) => [step.name, step.status] as const),
      keys: steps.map((step) => step.idempotency_key?.replace(process.id, '<id>') ?? null),
      eventTypes: events.map((event) => event.type).sort(),
    },
    contracts: contracts.map((contract) => contract.status),
    contractLines: await count(
      psa.db
        .selectFrom('contract_lines')
        .select('id')
        .where('contract_id', 'in', contractIds.length ? contractIds : none)
        .execute(),
    ),
    projects: projects.map((project) => project.status),
    erpProjects: await count(
      erp.db
        .selectFrom('erp_projects')
        .select('project_id')
        .where('project_id', 'in', projectIds.length ? projectIds : none)
        .execute(),
    ),
    contractTerms: await count(
      erp.db
        .selectFrom('contract_terms')
        .select('contract_id')
        .where('contract_id', 'in', contractIds.length ? contractIds : none)
        .execute(),
    ),
    revenueSchedules: await count(
      erp.db
        .selectFrom('revenue_schedules')
        .select('id')
        .where('project_id', 'in', projectIds.length ? projectIds : none)
        .execute(),
    ),
    billingProfiles: account
      ? await count(
          erp.db
            .selectFrom('billing_profiles')
            .select('id')
            .where('account_id', '=', account.account_id)
            .where('legal_entity_id', '=', account.legal_entity_id)
            .execute(),
        )
      : 0,
    resourceRequests: requests
      .map((request) => `${request.role_id} ${request.hours_e2} ${request.start_date}..${request.end_date} ${request.status}`)
      .sort(),
    invoices: await count(
      erp.db
        .selectFrom('invoices')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('contract_id', 'in', contractIds.length ? contractIds : none),
            eb('project_id', 'in', projectIds.length ? projectIds : none),
          ]),
        )
        .execute(),
    ),
    outbox: {
      crm: await outboxTypes(crm.db, contractIds),
      psa: await outboxTypes(psa.db, [...projectIds, ...requests.map((request) => request.id)]),
      erp: await outboxTypes(erp.db, [...contractIds, ...projectIds]),
    },
  };
}
