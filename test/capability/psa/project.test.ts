/**
 * Project capabilities through the gateway: a PLANNED project from a CRM contract (the contract's
 * PSA billing line created when it has none, the project's milestones), and its activation once
 * the contract is ACTIVE. Exact payloads, events and audit rows; every guard refused with its
 * code and field, leaving no row behind; replays and key reuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  ACTIVATE_PROJECT,
  CREATE_PROJECT,
  DEFAULT_SUB,
  UK_ONLY,
  accepted,
  auditOf,
  call,
  crmContract,
  envelope,
  erpDb,
  eventsOf,
  eventsOfRequest,
  newProject,
  pick,
  psaDb,
  readProject,
  refused,
  requestIdOf,
  seededContracts,
  seededProjects,
  snapshot,
  succeeded,
  type Project,
  type SeededContract,
  type SeededProject,
  type UserError,
} from './psaKit.ts';

let tessera: TestTessera;
let contracts: SeededContract[];
let projects: SeededProject[];
/** A seeded ACTIVE time-and-materials contract of US01 with its PSA line (rate card rc_001). */
let activeContract: SeededContract;
/** Contracts made through the CRM for this suite: approved, without a PSA line yet. */
let timeAndMaterials: { id: string };
let milestoneBilled: { id: string };
/** Refused calls only: it never gets a line. */
let untouched: { id: string };

const ACCOUNT_LINES = `query ($id: ID!) { contract(id: $id) { lines { billingMethod amount { amount currency } notToExceed { amount currency } rateCard { id } } } }`;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  contracts = await seededContracts(tessera);
  projects = await seededProjects(tessera);
  activeContract = pick(
    contracts,
    'ACTIVE US01 T&M contract with rate card rc_001',
    (c) =>
      c.status === 'ACTIVE' &&
      c.billingMethod === 'TIME_AND_MATERIALS' &&
      c.legalEntity.id === 'le_US01' &&
      c.lines[0]?.rateCard?.id === 'rc_001',
  );
  const account = activeContract.account.id;
  timeAndMaterials = await crmContract(tessera, {
    accountId: account,
    billingMethod: 'TIME_AND_MATERIALS',
    amount: '50000.00',
    startDate: '2027-01-04',
    endDate: '2027-06-30',
  });
  untouched = await crmContract(tessera, {
    accountId: account,
    billingMethod: 'TIME_AND_MATERIALS',
    amount: '50000.00',
    startDate: '2027-01-04',
    endDate: '2027-06-30',
  });
  milestoneBilled = await crmContract(tessera, {
    accountId: account,
    billingMethod: 'MILESTONE',
    amount: '30000.00',
    startDate: '2027-02-01',
    endDate: '2027-09-30',
    sign: true,
  });
});
afterAll(() => tessera?.stop());

async function lineOf(contractId: string) {
  const body = await tessera.query(ACCOUNT_LINES, { id: contractId });
  return (body.data as { contract: { lines: unknown[] } }).contract.lines;
}

async function contractLineId(contractId: string): Promise<string> {
  const row = await psaDb(tessera)
    .selectFrom('contract_lines')
    .select('id')
    .where('contract_id', '=', contractId)
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('createProjectFromContract', () => {
  it('plans a project on an approved T&M contract and creates its line: not-to-exceed = contract value, at the rate card', async () => {
    const key = newKey();
    const result = await call(tessera, CREATE_PROJECT, {
      idempotencyKey: key,
      contractId: timeAndMaterials.id,
      name: '  Platform rollout  ',
      rateCardId: 'rc_001',
    });
    const id = (result.payload?.project as Project | null)?.id ?? '';
    expect(id).toMatch(/^prj_[0-9a-f]{20}$/);
    const expected: Project = {
      id,
      code: `US01-${id.slice(4, 12).toUpperCase()}`,
      name: 'Platform rollout',
      status: 'PLANNED',
      type: 'CUSTOMER_BILLABLE',
      billingMethod: 'TIME_AND_MATERIALS',
      customer: { id: activeContract.account.id },
      contract: { id: timeAndMaterials.id },
      legalEntity: { id: 'le_US01' },
      startDate: '2027-01-04',
      endDate: '2027-06-30',
      currency: 'USD',
      projectManager: null,
      plannedRevenue: null,
      milestones: [],
      aggregateVersion: 1,
    };
    expect(envelope(result)).toEqual(succeeded('createProjectFromContract', { project: expected }));
    expect(await readProject(tessera, id)).toEqual(expected);
    expect(await lineOf(timeAndMaterials.id)).toEqual([
      {
        billingMethod: 'TIME_AND_MATERIALS',
        amount: null,
        notToExceed: { amount: '50000.00', currency: 'USD' },
        rateCard: { id: 'rc_001' },
      },
    ]);
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'ProjectCreated',
        aggregateType: 'Project',
        aggregateId: id,
        aggregateVersion: 1,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          projectId: id,
          code: expected.code,
          status: 'PLANNED',
          contractId: timeAndMaterials.id,
          customerId: activeContract.account.id,
          billingMethod: 'TIME_AND_MATERIALS',
          contractLineId: await contractLineId(timeAndMaterials.id),
          contractLineIds: [await contractLineId(timeAndMaterials.id)],
          contractLineCreated: true,
          milestoneIds: [],
          milestoneTotal: { amount: '0.00', currency: 'USD' },
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'psa.createProjectFromContract',
        version: 1,
        principalSub: DEFAULT_SUB,
        requestId,
        errorCode: null,
      },
    ]);
  });

  it('creates several lines (T&M, fixed fee, expenses with a markup) summing to the contract value; refuses lines that do not', async () => {
    const mixed = await crmContract(tessera, {
      accountId: activeContract.account.id,
      billingMethod: 'TIME_AND_MATERIALS',
      amount: '50000.00',
      startDate: '2027-01-04',
      endDate: '2027-06-30',
    });
    const lines = [
      { billingMethod: 'TIME_AND_MATERIALS', notToExceed: '30000.00', rateCardId: 'rc_001' },
      { billingMethod: 'FIXED_FEE', amount: '15000.00' },
      { billingMethod: 'EXPENSES', notToExceed: '4000.00', markupPercent: '10' },
    ];
    const short = await call(tessera, CREATE_PROJECT, { idempotencyKey: newKey(), contractId: mixed.id, name: 'Mixed', lines });
    expect(envelope(short)).toEqual(
      refused('createProjectFromContract', {
        code: 'CONTRACT_LINES_DO_NOT_SUM',
        message: 'The lines sum to 49000.00 USD; the contract value is 50000.00.',
        field: 'lines',
      }),
    );
    const twice = await call(tessera, CREATE_PROJECT, {
      idempotencyKey: newKey(),
      contractId: mixed.id,
      name: 'Mixed',
      lines: [...lines, { billingMethod: 'EXPENSES', notToExceed: '1000.00' }],
    });
    expect(envelope(twice)).toEqual(
      refused('createProjectFromContract', {
        code: 'PRECONDITION_FAILED',
        message: 'The contract already has a EXPENSES line: one line per billing method.',
        field: 'lines.3.billingMethod',
      }),
    );
    const created = await call(tessera, CREATE_PROJECT, {
      idempotencyKey: newKey(),
      contractId: mixed.id,
      name: 'Mixed',
      lines: [lines[0], lines[1], { ...lines[2], notToExceed: '5000.00' }],
      milestones: [{ name: 'Blueprint', targetDate: '2027-03-31', amount: '15000.00' }],
    });
    expect((created.payload?.project as Project | null)?.plannedRevenue).toEqual({ amount: '15000.00', currency: 'USD' });
    const stored = (await lineOf(mixed.id)) as { billingMethod: string }[];
    expect([...stored].sort((a, b) => a.billingMethod.localeCompare(b.billingMethod))).toEqual([
      { billingMethod: 'EXPENSES', amount: null, notToExceed: { amount: '5000.00', currency: 'USD' }, rateCard: null },
      { billingMethod: 'FIXED_FEE', amount: { amount: '15000.00', currency: 'USD' }, notToExceed: null, rateCard: null },
      {
        billingMethod: 'TIME_AND_MATERIALS',
        amount: null,
        notToExceed: { amount: '30000.00', currency: 'USD' },
        rateCard: { id: 'rc_001' },
      },
    ]);
    const markup = await psaDb(tessera)
      .selectFrom('contract_lines')
      .select(['billing_method', 'markup_percent_e4', 'contract_version'])
      .where('contract_id', '=', mixed.id)
      .orderBy('billing_method')
      .execute();
    expect(markup).toEqual([
      { billing_method: 'EXPENSES', markup_percent_e4: 100_000, contract_version: 1 },
      { billing_method: 'FIXED_FEE', markup_percent_e4: null, contract_version: 1 },
      { billing_method: 'TIME_AND_MATERIALS', markup_percent_e4: null, contract_version: 1 },
    ]);
  });

  it('plans a milestone project on a signed contract: its milestones in order, summing to the line amount (the contract value)', async () => {
    const result = await call(tessera, CREATE_PROJECT, {
      idempotencyKey: newKey(),
      contractId: milestoneBilled.id,
      name: 'Data platform',
      code: 'US01-MS-TEST',
      startDate: '2027-02-15',
      endDate: '2027-09-30',
      projectManagerId: 'res_0009',
      milestones: [
        { name: 'Design signed off', targetDate: '2027-04-30', amount: '12000.50', requiresCustomerSignOff: true },
        { name: ' Go-live ', targetDate: '2027-09-30', amount: '17999.50' },
      ],
    });
    const project = accepted<Project>(result, 'project');
    const prefix = `ms_${project.id.slice(4)}`;
    expect(project).toEqual({
      id: project.id,
      code: 'US01-MS-TEST',
      name: 'Data platform',
      status: 'PLANNED',
      type: 'CUSTOMER_BILLABLE',
      billingMethod: 'MILESTONE',
      customer: { id: activeContract.account.id },
      contract: { id: milestoneBilled.id },
      legalEntity: { id: 'le_US01' },
      startDate: '2027-02-15',
      endDate: '2027-09-30',
      currency: 'USD',
      projectManager: { id: 'res_0009' },
      plannedRevenue: { amount: '30000.00', currency: 'USD' },
      milestones: [
        {
          id: `${prefix}_000`,
          name: 'Design signed off',
          targetDate: '2027-04-30',
          actualDate: null,
          amount: { amount: '12000.50', currency: 'USD' },
          status: 'PLANNED',
          requiresCustomerSignOff: true,
          approvedForBilling: false,
          billingStatus: 'UNAPPROVED',
          aggregateVersion: 1,
        },
        {
          id: `${prefix}_001`,
          name: 'Go-live',
          targetDate: '2027-09-30',
          actualDate: null,
          amount: { amount: '17999.50', currency: 'USD' },
          status: 'PLANNED',
          requiresCustomerSignOff: false,
          approvedForBilling: false,
          billingStatus: 'UNAPPROVED',
          aggregateVersion: 1,
        },
      ],
      aggregateVersion: 1,
    });
    expect(await lineOf(milestoneBilled.id)).toEqual([
      { billingMethod: 'MILESTONE', amount: { amount: '30000.00', currency: 'USD' }, notToExceed: null, rateCard: null },
    ]);
    // The contract is fully planned now: another project on it takes no milestones (and may take none).
    const second = await newProject(tessera, milestoneBilled.id);
    expect(second).toMatchObject({ milestones: [], plannedRevenue: { amount: '0.00', currency: 'USD' } });
    const more = await call(tessera, CREATE_PROJECT, {
      idempotencyKey: newKey(),
      contractId: milestoneBilled.id,
      name: 'Extra',
      milestones: [{ name: 'Extra', targetDate: '2027-05-03', amount: '1.00' }],
    });
    expect(envelope(more)).toEqual(
      refused('createProjectFromContract', {
        code: 'MILESTONES_DO_NOT_SUM',
        message: 'The milestones sum to 1.00 USD; the contract line leaves 0.00 to plan.',
        field: 'milestones',
      }),
    );
  });

  it('keeps the line of a contract that has one; another project on the same ACTIVE contract', async () => {
    const lineId = activeContract.lines[0]!.id;
    const result = await call(tessera, CREATE_PROJECT, {
      idempotencyKey: newKey(),
      contractId: activeContract.id,
      name: 'Phase 2',
      rateCardId: 'rc_001',
    });
    const project = accepted<Project>(result, 'project');
    expect(project).toMatchObject({
      status: 'PLANNED',
      billingMethod: 'TIME_AND_MATERIALS',
      startDate: activeContract.startDate,
      endDate: activeContract.endDate,
      aggregateVersion: 1,
    });
    expect((await eventsOf(tessera, project.id))[0]?.payload).toMatchObject({ contractLineId: lineId, contractLineCreated: false });
    // No line added: the contract keeps its own (with the EXPENSES line the demo data may have given it).
    const lines = await psaDb(tessera)
      .selectFrom('contract_lines')
      .select('id')
      .where('contract_id', '=', activeContract.id)
      .orderBy('id')
      .execute();
    expect(lines.map((line) => line.id)).toEqual(activeContract.lines.map((line) => line.id));
  });

  describe('refuses, writing nothing', () => {
    // Inputs and answers are built when the case runs: the records they name exist by then.
    type Case = [string, () => { input: Record<string, unknown>; error: UserError }, { claims?: typeof UK_ONLY }?];
    const inApproval = () => pick(contracts, 'contract IN_APPROVAL', (c) => c.status === 'IN_APPROVAL').id;
    const completed = () => pick(contracts, 'contract COMPLETED', (c) => c.status === 'COMPLETED').id;
    const tm = (input: Record<string, unknown>) => ({ contractId: untouched.id, rateCardId: 'rc_001', ...input });
    const failed = (code: string, message: string, field: string): UserError => ({ code, message, field });
    const cases: Case[] = [
      [
        'an unknown contract',
        () => ({ input: { contractId: 'ctr_nope' }, error: failed('NOT_FOUND', 'Contract "ctr_nope" was not found.', 'contractId') }),
      ],
      [
        'a contract of a legal entity the caller cannot see',
        () => ({
          input: { contractId: activeContract.id },
          error: failed('NOT_FOUND', `Contract "${activeContract.id}" was not found.`, 'contractId'),
        }),
        { claims: UK_ONLY },
      ],
      [
        'a contract in approval',
        () => ({
          input: { contractId: inApproval() },
          error: failed(
            'PRECONDITION_FAILED',
            `Contract ${inApproval()} is IN_APPROVAL: a project delivers an APPROVED, SIGNED or ACTIVE contract.`,
            'contractId',
          ),
        }),
      ],
      [
        'a completed contract',
        () => ({
          input: { contractId: completed() },
          error: failed(
            'PRECONDITION_FAILED',
            `Contract ${completed()} is COMPLETED: a project delivers an APPROVED, SIGNED or ACTIVE contract.`,
            'contractId',
          ),
        }),
      ],
      ['a blank name', () => ({ input: tm({ name: '   ' }), error: failed('PRECONDITION_FAILED', 'A project needs a name.', 'name') })],
      [
        'a start before the contract',
        () => ({
          input: tm({ startDate: '2027-01-01' }),
          error: failed('PRECONDITION_FAILED', 'The project starts before its contract (2027-01-04).', 'startDate'),
        }),
      ],
      [
        'an end after the contract',
        () => ({
          input: tm({ endDate: '2027-07-01' }),
          error: failed('PRECONDITION_FAILED', 'The project ends after its contract (2027-06-30).', 'endDate'),
        }),
      ],
      [
        'an end before the start',
        () => ({
          input: tm({ startDate: '2027-03-01', endDate: '2027-02-26' }),
          error: failed('PRECONDITION_FAILED', 'The project ends before it starts.', 'endDate'),
        }),
      ],
      [
        'a code already used',
        () => ({
          input: tm({ code: projects[0]!.code }),
          error: failed('PRECONDITION_FAILED', `The project code ${projects[0]!.code} is already used.`, 'code'),
        }),
      ],
      [
        'an unknown project manager',
        () => ({
          input: tm({ projectManagerId: 'res_nope' }),
          error: failed('NOT_FOUND', 'Resource "res_nope" was not found.', 'projectManagerId'),
        }),
      ],
      [
        'a T&M contract without a rate card',
        () => ({
          input: { contractId: untouched.id },
          error: failed(
            'PRECONDITION_FAILED',
            `Contract ${untouched.id} bills time and materials: name the rate card its line bills at.`,
            'rateCardId',
          ),
        }),
      ],
      [
        'an unknown rate card',
        () => ({ input: tm({ rateCardId: 'rc_nope' }), error: failed('NOT_FOUND', 'RateCard "rc_nope" was not found.', 'rateCardId') }),
      ],
      [
        'the rate card of another legal entity',
        () => ({
          input: tm({ rateCardId: 'rc_002' }),
          error: failed('LEGAL_ENTITY_MISMATCH', 'Rate card rc_002 belongs to le_UK01, the contract to le_US01.', 'rateCardId'),
        }),
      ],
      [
        'milestones on a T&M contract',
        () => ({
          input: { contractId: activeContract.id, milestones: [{ name: 'M', targetDate: activeContract.endDate, amount: '10.00' }] },
          error: failed('PRECONDITION_FAILED', 'A TIME_AND_MATERIALS contract bills no milestones.', 'milestones'),
        }),
      ],
      [
        'another rate card than the line has',
        () => ({
          input: { contractId: activeContract.id, rateCardId: 'rc_002' },
          error: failed('PRECONDITION_FAILED', `Contract ${activeContract.id} already bills with rate card rc_001.`, 'rateCardId'),
        }),
      ],
      [
        'a rate card in another currency than the contract',
        () => ({
          input: tm({ rateCardId: 'rc_fx_gbp' }),
          error: failed('CURRENCY_MISMATCH', 'Rate card rc_fx_gbp is in GBP, the contract in USD.', 'rateCardId'),
        }),
      ],
      [
        'a rate card negotiated with another customer',
        () => ({
          input: tm({ rateCardId: 'rc_fx_other' }),
          error: failed('PRECONDITION_FAILED', 'Rate card rc_fx_other was negotiated with another customer.', 'rateCardId'),
        }),
      ],
      [
        'a project manager on leave',
        () => ({
          input: tm({ projectManagerId: 'res_fx_leave' }),
          error: failed('PRECONDITION_FAILED', 'Resource res_fx_leave is ON_LEAVE: a project manager must be active.', 'projectManagerId'),
        }),
      ],
    ];

    beforeAll(async () => {
      // Records no seed of tier S has: rate cards of US01 in pounds and for another customer, a resource on leave.
      await erpDb(tessera)
        .insertInto('rate_cards')
        .values([
          { id: 'rc_fx_gbp', name: 'Pound rates', currency: 'GBP', legal_entity_id: 'le_US01', account_id: null },
          { id: 'rc_fx_other', name: 'Negotiated rates', currency: 'USD', legal_entity_id: 'le_US01', account_id: 'acc_someone_else' },
        ])
        .execute();
      await psaDb(tessera)
        .insertInto('resources')
        .values({
          id: 'res_fx_leave',
          name: 'On Leave',
          email: 'on.leave@us.tessera.example',
          employment_type: 'EMPLOYEE',
          status: 'ON_LEAVE',
          home_legal_entity_id: 'le_US01',
          primary_role_id: 'rol_04',
          utilization_target_e4: 7500,
          is_bookable: 1,
          cost_rate_e4: 900_000,
          cost_currency: 'USD',
        })
        .execute();
    });

    it.each(cases)('%s', async (_, build, options) => {
      const { input, error } = build();
      const before = await snapshot(tessera);
      const result = await call(tessera, CREATE_PROJECT, { idempotencyKey: newKey(), name: 'Refused', ...input }, options ?? {});
      expect(envelope(result)).toEqual(refused('createProjectFromContract', error));
      expect(await snapshot(tessera)).toEqual(before);
    });

    it('milestones that do not sum to the open line amount, or carry a bad amount, name or date', async () => {
      const contract = await crmContract(tessera, {
        accountId: activeContract.account.id,
        billingMethod: 'FIXED_FEE',
        amount: '9000.00',
        startDate: '2027-03-01',
        endDate: '2027-05-31',
      });
      const milestone = (overrides: Record<string, unknown> = {}) => ({
        name: 'Instalment',
        targetDate: '2027-04-30',
        amount: '4500.00',
        ...overrides,
      });
      const refusals: [unknown[], UserError][] = [
        [
          [milestone()],
          {
            code: 'MILESTONES_DO_NOT_SUM',
            message: 'The milestones sum to 4500.00 USD; the contract line leaves 9000.00 to plan.',
            field: 'milestones',
          },
        ],
        [
          [],
          {
            code: 'MILESTONES_DO_NOT_SUM',
            message: 'The milestones sum to 0.00 USD; the contract line leaves 9000.00 to plan.',
            field: 'milestones',
          },
        ],
        [
          [milestone(), milestone({ amount: '4500.001' })],
          { code: 'MONEY_PRECISION', message: '4500.001 has more decimals than USD allows (2).', field: 'milestones.1.amount' },
        ],
        [
          [milestone({ amount: '0.00' }), milestone({ amount: '9000.00' })],
          { code: 'PRECONDITION_FAILED', message: 'A milestone amount must be positive.', field: 'milestones.0.amount' },
        ],
        [
          [milestone({ name: ' ' }), milestone()],
          { code: 'PRECONDITION_FAILED', message: 'A milestone needs a name.', field: 'milestones.0.name' },
        ],
        [
          [milestone(), milestone({ targetDate: '2027-06-01' })],
          {
            code: 'PRECONDITION_FAILED',
            message: 'The target date 2027-06-01 is outside the project (2027-03-01 to 2027-05-31).',
            field: 'milestones.1.targetDate',
          },
        ],
      ];
      for (const [milestones, error] of refusals) {
        const before = await snapshot(tessera);
        const result = await call(tessera, CREATE_PROJECT, {
          idempotencyKey: newKey(),
          contractId: contract.id,
          name: 'Fixed fee',
          milestones,
        });
        expect(envelope(result)).toEqual(refused('createProjectFromContract', error));
        expect(await snapshot(tessera)).toEqual(before);
      }
      const project = await newProject(tessera, contract.id, { milestones: [milestone(), milestone({ targetDate: '2027-05-31' })] });
      expect(project.milestones.map((m) => m.amount.amount)).toEqual(['4500.00', '4500.00']);
    });
  });
});

describe('activateProject', () => {
  /** A project row written straight into the PSA (states no capability of this issue produces). */
  async function fixture(overrides: Record<string, unknown>): Promise<string> {
    const id = `prj_fx_${newKey().slice(0, 8)}`;
    await psaDb(tessera)
      .insertInto('projects')
      .values({
        id,
        code: `FX-${id.slice(7)}`,
        name: 'Fixture',
        status: 'DRAFT',
        type: 'INTERNAL',
        billing_method: null,
        account_id: null,
        contract_id: null,
        legal_entity_id: 'le_US01',
        start_date: '2027-01-04',
        end_date: '2027-12-31',
        currency: 'USD',
        project_manager_id: null,
        budget_hours_e2: null,
        planned_revenue_e4: null,
        aggregate_version: 1,
        ...overrides,
      })
      .execute();
    return id;
  }

  const activation = (projectId: string, expectedVersion = 1) => ({ idempotencyKey: newKey(), projectId, expectedVersion });

  it('moves a PLANNED project of an ACTIVE contract to ACTIVE (version 2), then answers ALREADY_IN_STATE without a change', async () => {
    const planned = await newProject(tessera, activeContract.id);
    const key = newKey();
    const result = await call(tessera, ACTIVATE_PROJECT, { idempotencyKey: key, projectId: planned.id, expectedVersion: 1 });
    const active = { ...planned, status: 'ACTIVE', aggregateVersion: 2 };
    expect(envelope(result)).toEqual(succeeded('activateProject', { project: active }));
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'ProjectActivated',
        aggregateType: 'Project',
        aggregateId: planned.id,
        aggregateVersion: 2,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: { projectId: planned.id, code: planned.code, from: 'PLANNED', status: 'ACTIVE', contractId: activeContract.id },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.activateProject', version: 1, principalSub: DEFAULT_SUB, requestId, errorCode: null },
    ]);
    const again = await call(tessera, ACTIVATE_PROJECT, activation(planned.id, 2));
    expect(envelope(again)).toEqual(
      succeeded(
        'activateProject',
        { project: active },
        {
          warnings: [{ code: 'ALREADY_IN_STATE', message: 'Project already is ACTIVE; nothing changed.', field: null }],
        },
      ),
    );
    expect(await eventsOfRequest(tessera, requestIdOf(again))).toEqual([]);
    expect(await readProject(tessera, planned.id)).toEqual(active);
  });

  it('moves a DRAFT internal project straight to ACTIVE', async () => {
    const id = await fixture({});
    const result = await call(tessera, ACTIVATE_PROJECT, activation(id));
    expect(accepted<Project>(result, 'project')).toMatchObject({ id, status: 'ACTIVE', type: 'INTERNAL', aggregateVersion: 2 });
    expect((await eventsOf(tessera, id)).map((event) => event.payload)).toEqual([
      { projectId: id, code: `FX-${id.slice(7)}`, from: 'DRAFT', status: 'ACTIVE', contractId: null },
    ]);
  });

  describe('refuses, writing nothing', () => {
    const signedPlanned = () =>
      pick(projects, 'PLANNED project of a SIGNED contract', (p) => p.status === 'PLANNED' && p.contract?.status === 'SIGNED');
    const closed = () => pick(projects, 'CLOSED project', (p) => p.status === 'CLOSED');
    const cases: [
      string,
      () => Promise<Record<string, unknown>>,
      (input: Record<string, unknown>) => UserError,
      { claims?: typeof UK_ONLY }?,
    ][] = [
      [
        'an unknown project',
        async () => activation('prj_nope'),
        () => ({ code: 'NOT_FOUND', message: 'Project "prj_nope" was not found.', field: 'projectId' }),
      ],
      [
        'a project the caller cannot see',
        async () => activation(activeContractProject().id),
        (input) => ({ code: 'NOT_FOUND', message: `Project "${String(input.projectId)}" was not found.`, field: 'projectId' }),
        { claims: UK_ONLY },
      ],
      [
        'a stale version',
        async () => activation((await newProject(tessera, activeContract.id)).id, 3),
        () => ({
          code: 'VERSION_CONFLICT',
          message: 'Project is at version 1, not 3: it changed since you read it. Read it again, then decide.',
          field: 'expectedVersion',
        }),
      ],
      [
        'a project whose contract is only signed',
        async () => activation(signedPlanned().id, signedPlanned().aggregateVersion),
        () => ({
          code: 'CONTRACT_NOT_ACTIVE',
          message: `Contract ${signedPlanned().contract!.id} is SIGNED, not ACTIVE.`,
          field: 'projectId',
        }),
      ],
      [
        'a project whose contract is only approved',
        async () => activation((await newProject(tessera, timeAndMaterialsFresh(), { rateCardId: 'rc_001' })).id),
        () => ({
          code: 'CONTRACT_NOT_ACTIVE',
          message: `Contract ${timeAndMaterialsFresh()} is APPROVED, not ACTIVE.`,
          field: 'projectId',
        }),
      ],
      [
        'a project of another legal entity than its contract',
        async () =>
          activation(
            await fixture({
              status: 'PLANNED',
              type: 'CUSTOMER_BILLABLE',
              billing_method: 'TIME_AND_MATERIALS',
              account_id: activeContract.account.id,
              contract_id: activeContract.id,
              legal_entity_id: 'le_UK01',
              currency: 'GBP',
            }),
          ),
        () => ({ code: 'LEGAL_ENTITY_MISMATCH', message: `The project belongs to le_UK01, its contract to le_US01.`, field: 'projectId' }),
      ],
      [
        'a DRAFT customer project (it is planned first)',
        async () =>
          activation(
            await fixture({
              type: 'CUSTOMER_BILLABLE',
              billing_method: 'TIME_AND_MATERIALS',
              account_id: activeContract.account.id,
              contract_id: activeContract.id,
            }),
          ),
        () => ({
          code: 'INVALID_STATE_TRANSITION',
          message: 'Project is DRAFT: a customer project is planned before activateProject moves it to ACTIVE.',
          field: null,
        }),
      ],
      [
        'a CLOSED project',
        async () => activation(closed().id, closed().aggregateVersion),
        () => ({ code: 'INVALID_STATE_TRANSITION', message: 'Project is CLOSED: activateProject cannot move it to ACTIVE.', field: null }),
      ],
    ];

    it.each(cases)('%s', async (_, inputOf, errorOf, options) => {
      const input = await inputOf();
      const before = await snapshot(tessera);
      const result = await call(tessera, ACTIVATE_PROJECT, input, options ?? {});
      expect(envelope(result)).toEqual(refused('activateProject', errorOf(input)));
      expect(await snapshot(tessera)).toEqual(before);
    });
  });
});

function activeContractProject(): SeededProject {
  return pick(projects, 'project of the ACTIVE contract', (p) => p.contract?.id === activeContract.id);
}

/** The suite's approved T&M contract (its line exists once the first test planned a project on it). */
function timeAndMaterialsFresh(): string {
  return timeAndMaterials.id;
}

describe('idempotency', () => {
  it('the same key and input replays the stored payload; another input with the key is IDEMPOTENCY_KEY_REUSED; a refusal replays too', async () => {
    const input = { idempotencyKey: newKey(), contractId: activeContract.id, name: 'Replayed' };
    const first = await call(tessera, CREATE_PROJECT, input);
    const again = await call(tessera, CREATE_PROJECT, input);
    expect(envelope(again)).toEqual(succeeded('createProjectFromContract', { project: first.payload?.project }, { replayed: true }));
    expect(await eventsOfRequest(tessera, requestIdOf(again))).toEqual([]);
    const rows = await psaDb(tessera).selectFrom('projects').select('id').where('name', '=', 'Replayed').execute();
    expect(rows).toHaveLength(1);

    const before = await snapshot(tessera);
    const reused = await call(tessera, CREATE_PROJECT, { ...input, name: 'Other' });
    expect(envelope(reused)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message:
              'The idempotency key was already used for a different psa.createProjectFromContract request. Use a new key for a new request.',
            path: ['createProjectFromContract'],
            extensions: { code: 'IDEMPOTENCY_KEY_REUSED', serviceName: 'psa' },
          },
        ],
        data: null,
      },
    });
    expect(await snapshot(tessera)).toEqual(before);

    const refusal = { idempotencyKey: newKey(), projectId: 'prj_nope', expectedVersion: 1 };
    const refusedOnce = await call(tessera, ACTIVATE_PROJECT, refusal);
    const refusedAgain = await call(tessera, ACTIVATE_PROJECT, refusal);
    expect(envelope(refusedOnce)).toEqual(
      refused('activateProject', { code: 'NOT_FOUND', message: 'Project "prj_nope" was not found.', field: 'projectId' }),
    );
    expect(envelope(refusedAgain)).toEqual(
      refused('activateProject', { code: 'NOT_FOUND', message: 'Project "prj_nope" was not found.', field: 'projectId' }, true),
    );
    expect((await auditOf(tessera, refusal.idempotencyKey)).map((row) => [row.outcome, row.errorCode])).toEqual([
      ['REJECTED', 'NOT_FOUND'],
      ['REPLAYED', 'NOT_FOUND'],
    ]);
  });

  it("lists the calls in the PSA's audit trail (psaAuditLog, audit:read)", async () => {
    const key = newKey();
    const result = await call(tessera, ACTIVATE_PROJECT, { idempotencyKey: key, projectId: 'prj_nope', expectedVersion: 1 });
    const body = await tessera.query(
      `query ($filter: AuditFilter) { psaAuditLog(filter: $filter) { totalCount nodes {
      requestId principal capability version idempotencyKey outcome errorCode
    } } }`,
      { filter: { capability: 'psa.activateProject', requestId: requestIdOf(result) } },
    );
    expect(body).toEqual({
      data: {
        psaAuditLog: {
          totalCount: 1,
          nodes: [
            {
              requestId: requestIdOf(result),
              principal: DEFAULT_SUB,
              capability: 'psa.activateProject',
              version: 1,
              idempotencyKey: key,
              outcome: 'REJECTED',
              errorCode: 'NOT_FOUND',
            },
          ],
        },
      },
    });
  });

  it('the Idempotency-Key header keys a call as well as the input field', async () => {
    const key = newKey();
    const input = { contractId: activeContract.id, name: 'Keyed by header' };
    const first = await call(tessera, CREATE_PROJECT, input, { headers: { 'idempotency-key': key } });
    const again = await call(tessera, CREATE_PROJECT, input, { headers: { 'idempotency-key': key } });
    expect(first.payload?.replayed).toBe(false);
    expect(envelope(again)).toEqual(succeeded('createProjectFromContract', { project: first.payload?.project }, { replayed: true }));
    expect((await auditOf(tessera, key)).map((row) => row.outcome)).toEqual(['SUCCEEDED', 'REPLAYED']);
  });

  it('activates once: the replay of an activation answers the stored project, even after it changed', async () => {
    const planned = await newProject(tessera, activeContract.id);
    const input = { idempotencyKey: newKey(), projectId: planned.id, expectedVersion: 1 };
    const first = await call(tessera, ACTIVATE_PROJECT, input);
    expect(accepted<Project>(first, 'project').aggregateVersion).toBe(2);
    await psaDb(tessera).updateTable('projects').set({ name: 'Renamed elsewhere' }).where('id', '=', planned.id).execute();
    const again = await call(tessera, ACTIVATE_PROJECT, input);
    expect(envelope(again)).toEqual(succeeded('activateProject', { project: first.payload?.project }, { replayed: true }));
    expect((await eventsOf(tessera, planned.id)).map((event) => event.type)).toEqual(['ProjectCreated', 'ProjectActivated']);
  });
});
