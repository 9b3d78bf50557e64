/**
 * Staffing capabilities through the gateway: resource requests on a project, and confirmed
 * assignments that fill them at the rate card's bill rate, within the resource's capacity
 * (8 hours a weekday, 10 % tolerance), across legal entities only where the ERP allows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  CONFIRM_ASSIGNMENT,
  CREATE_REQUEST,
  DEFAULT_SUB,
  UK_ONLY,
  accepted,
  activate,
  auditOf,
  call,
  confirm,
  crmContract,
  envelope,
  erpDb,
  eventsOfRequest,
  freeResource,
  newProject,
  pick,
  psaDb,
  refused,
  request,
  requestIdOf,
  seededContracts,
  seededProjects,
  snapshot,
  succeeded,
  type Assignment,
  type Project,
  type ResourceRequest,
  type SeededContract,
  type SeededProject,
  type UserError,
} from './psaKit.ts';

let tessera: TestTessera;
let contract: SeededContract;
let projects: SeededProject[];
/** A PLANNED project on a seeded ACTIVE T&M contract of US01 (rate card rc_001), over 2027-03-01 to 2027-05-28. */
let project: Project;
/** Resources this suite booked (each test takes its own). */
const taken = new Set<string>();

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  projects = await seededProjects(tessera);
  contract = pick(
    await seededContracts(tessera),
    'ACTIVE US01 T&M contract at rc_001 running through May 2027',
    (c) =>
      c.status === 'ACTIVE' &&
      c.billingMethod === 'TIME_AND_MATERIALS' &&
      c.legalEntity.id === 'le_US01' &&
      c.lines[0]?.rateCard?.id === 'rc_001' &&
      c.startDate <= '2027-03-01' &&
      c.endDate >= '2027-05-28',
  );
  project = await newProject(tessera, contract.id, { startDate: '2027-03-01', endDate: '2027-05-28' });
});
afterAll(() => tessera?.stop());

async function resourceFree(from: string, to: string, legalEntity = 'le_US01') {
  const resource = await freeResource(tessera, legalEntity, from, to, taken);
  taken.add(resource.id);
  return resource;
}

const requestInput = (overrides: Record<string, unknown> = {}) => ({
  idempotencyKey: newKey(),
  projectId: project.id,
  roleId: 'rol_03',
  startDate: '2027-04-05',
  endDate: '2027-04-16',
  hours: '60',
  ...overrides,
});

describe('createResourceRequest', () => {
  it('opens a request for a role over dates of the project', async () => {
    const key = newKey();
    const result = await call(tessera, CREATE_REQUEST, requestInput({ idempotencyKey: key, hours: '60.5' }));
    const created = accepted<ResourceRequest>(result, 'resourceRequest');
    expect(created.id).toMatch(/^rr_[0-9a-f]{20}$/);
    const expected: ResourceRequest = {
      id: created.id,
      project: { id: project.id },
      role: { id: 'rol_03' },
      startDate: '2027-04-05',
      endDate: '2027-04-16',
      hours: '60.50',
      status: 'OPEN',
      assignment: null,
      aggregateVersion: 1,
    };
    expect(envelope(result)).toEqual(succeeded('createResourceRequest', { resourceRequest: expected }));
    const requestId = requestIdOf(result);
    const role = await psaDb(tessera).selectFrom('roles').select(['name', 'practice']).where('id', '=', 'rol_03').executeTakeFirstOrThrow();
    const events = (await eventsOfRequest(tessera, requestId)).sort((a, b) => (a.type < b.type ? -1 : 1));
    expect(events).toEqual([
      {
        type: 'ResourceRequestCreated',
        aggregateType: 'ResourceRequest',
        aggregateId: created.id,
        aggregateVersion: 1,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          resourceRequestId: created.id,
          projectId: project.id,
          roleId: 'rol_03',
          startDate: '2027-04-05',
          endDate: '2027-04-16',
          hours: '60.50',
          status: 'OPEN',
        },
      },
      // For resource managers: the role to staff, in words (docs/capabilities.md#createresourcerequest).
      {
        type: 'StaffingNeeded',
        aggregateType: 'ResourceRequest',
        aggregateId: created.id,
        aggregateVersion: 1,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          resourceRequestId: created.id,
          projectId: project.id,
          projectCode: project.code,
          roleId: 'rol_03',
          roleName: role.name,
          practice: role.practice,
          startDate: '2027-04-05',
          endDate: '2027-04-16',
          hours: '60.50',
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.createResourceRequest', version: 1, principalSub: DEFAULT_SUB, requestId, errorCode: null },
    ]);
  });

  it('replays a repeated call under the same key: one request, no new events', async () => {
    const requests = async () =>
      (await psaDb(tessera).selectFrom('resource_requests').select('id').where('project_id', '=', project.id).execute()).length;
    const before = await requests();
    const input = requestInput();
    const created = accepted<ResourceRequest>(await call(tessera, CREATE_REQUEST, input), 'resourceRequest');
    const replay = await call(tessera, CREATE_REQUEST, input);
    expect(envelope(replay)).toEqual(succeeded('createResourceRequest', { resourceRequest: created }, { replayed: true }));
    expect(await eventsOfRequest(tessera, requestIdOf(replay))).toEqual([]);
    expect(await requests()).toBe(before + 1);
  });

  const closed = () => pick(projects, 'CLOSED project', (p) => p.status === 'CLOSED');
  const cases: [string, () => { input: Record<string, unknown>; error: UserError }, { claims?: typeof UK_ONLY }?][] = [
    [
      'an unknown project',
      () => ({
        input: requestInput({ projectId: 'prj_nope' }),
        error: { code: 'NOT_FOUND', message: 'Project "prj_nope" was not found.', field: 'projectId' },
      }),
    ],
    [
      'a project the caller cannot see',
      () => ({
        input: requestInput(),
        error: { code: 'NOT_FOUND', message: `Project "${project.id}" was not found.`, field: 'projectId' },
      }),
      { claims: UK_ONLY },
    ],
    [
      'a CLOSED project',
      () => ({
        input: requestInput({ projectId: closed().id, startDate: closed().startDate, endDate: closed().endDate }),
        error: {
          code: 'PRECONDITION_FAILED',
          message: `Project ${closed().id} is CLOSED: only a DRAFT, PLANNED or ACTIVE project takes staffing requests.`,
          field: 'projectId',
        },
      }),
    ],
    [
      'an unknown role',
      () => ({
        input: requestInput({ roleId: 'rol_99' }),
        error: { code: 'NOT_FOUND', message: 'Role "rol_99" was not found.', field: 'roleId' },
      }),
    ],
    [
      'a start before the project',
      () => ({
        input: requestInput({ startDate: '2027-02-26' }),
        error: { code: 'PRECONDITION_FAILED', message: 'The request starts before the project (2027-03-01).', field: 'startDate' },
      }),
    ],
    [
      'an end after the project',
      () => ({
        input: requestInput({ endDate: '2027-05-31' }),
        error: { code: 'PRECONDITION_FAILED', message: 'The request ends after the project (2027-05-28).', field: 'endDate' },
      }),
    ],
    [
      'an end before the start',
      () => ({
        input: requestInput({ startDate: '2027-04-12', endDate: '2027-04-09' }),
        error: { code: 'PRECONDITION_FAILED', message: 'The request ends before it starts.', field: 'endDate' },
      }),
    ],
    [
      'a weekend',
      () => ({
        input: requestInput({ startDate: '2027-04-10', endDate: '2027-04-11' }),
        error: { code: 'PRECONDITION_FAILED', message: 'The request spans no weekday: there is no day to work.', field: 'endDate' },
      }),
    ],
    [
      'no hours',
      () => ({
        input: requestInput({ hours: '0' }),
        error: { code: 'PRECONDITION_FAILED', message: 'A request asks for a positive number of hours.', field: 'hours' },
      }),
    ],
    [
      'negative hours',
      () => ({
        input: requestInput({ hours: '-8' }),
        error: { code: 'PRECONDITION_FAILED', message: 'A request asks for a positive number of hours.', field: 'hours' },
      }),
    ],
    [
      'hours finer than a hundredth',
      () => ({
        input: requestInput({ hours: '7.125' }),
        error: { code: 'MONEY_PRECISION', message: '7.125 has more decimals than allowed here (2).', field: 'hours' },
      }),
    ],
  ];

  it.each(cases)('refuses %s, writing nothing', async (_, build, options) => {
    const { input, error } = build();
    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, CREATE_REQUEST, input, options ?? {}))).toEqual(refused('createResourceRequest', error));
    expect(await snapshot(tessera)).toEqual(before);
  });
});

describe('confirmAssignment', () => {
  const confirmation = (wanted: ResourceRequest, resourceId: string, overrides: Record<string, unknown> = {}) => ({
    idempotencyKey: newKey(),
    resourceRequestId: wanted.id,
    resourceId,
    expectedVersion: wanted.aggregateVersion,
    ...overrides,
  });

  it('fills the request with a CONFIRMED booking at the bill rate in force at its start; then ALREADY_IN_STATE; a replay answers the same', async () => {
    const resource = await resourceFree('2027-04-05', '2027-04-09');
    const wanted = await request(tessera, project.id, { roleId: 'rol_02', startDate: '2027-04-05', endDate: '2027-04-09', hours: '20' });
    const input = confirmation(wanted, resource.id);
    const result = await call(tessera, CONFIRM_ASSIGNMENT, input);
    const assignment = accepted<Assignment>(result, 'assignment');
    expect(assignment.id).toMatch(/^asg_[0-9a-f]{20}$/);
    const expected: Assignment = {
      id: assignment.id,
      project: { id: project.id },
      resource: { id: resource.id },
      role: { id: 'rol_02' },
      status: 'CONFIRMED',
      startDate: '2027-04-05',
      endDate: '2027-04-09',
      scheduledHours: '20.00',
      billRate: { amount: '170.00', currency: 'USD' },
      costRate: resource.costRate,
      isBillable: true,
      aggregateVersion: 1,
    };
    const filled = { ...wanted, status: 'FILLED', assignment: { id: assignment.id }, aggregateVersion: 2 };
    expect(envelope(result)).toEqual(succeeded('confirmAssignment', { assignment: expected, resourceRequest: filled }));
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'AssignmentConfirmed',
        aggregateType: 'Assignment',
        aggregateId: assignment.id,
        aggregateVersion: 1,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          assignmentId: assignment.id,
          resourceRequestId: wanted.id,
          projectId: project.id,
          resourceId: resource.id,
          roleId: 'rol_02',
          startDate: '2027-04-05',
          endDate: '2027-04-09',
          scheduledHours: '20.00',
          billRate: { amount: '170.00', currency: 'USD' },
          isBillable: true,
          intercompany: false,
          overbookAllowed: false,
        },
      },
    ]);
    expect((await auditOf(tessera, input.idempotencyKey)).map((row) => [row.outcome, row.capability])).toEqual([
      ['SUCCEEDED', 'psa.confirmAssignment'],
    ]);

    const again = await call(tessera, CONFIRM_ASSIGNMENT, confirmation(filled, resource.id));
    expect(envelope(again)).toEqual(
      succeeded(
        'confirmAssignment',
        { assignment: expected, resourceRequest: filled },
        {
          warnings: [{ code: 'ALREADY_IN_STATE', message: 'ResourceRequest already is FILLED; nothing changed.', field: null }],
        },
      ),
    );
    const replay = await call(tessera, CONFIRM_ASSIGNMENT, input);
    expect(envelope(replay)).toEqual(succeeded('confirmAssignment', { assignment: expected, resourceRequest: filled }, { replayed: true }));
    const reused = await call(tessera, CONFIRM_ASSIGNMENT, { ...input, allowOverbook: true });
    expect(reused.body.errors?.map((error) => error.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('books an internal project without a bill rate, not billable', async () => {
    const bench = pick(
      projects,
      'ACTIVE internal project of US01',
      (p) => p.type === 'INTERNAL' && p.status === 'ACTIVE' && p.legalEntity.id === 'le_US01',
    );
    const resource = await resourceFree('2027-05-03', '2027-05-07');
    const wanted = await request(tessera, bench.id, { roleId: 'rol_01', startDate: '2027-05-03', endDate: '2027-05-07', hours: '16' });
    const { assignment } = await confirm(tessera, wanted, resource.id);
    expect(assignment).toMatchObject({ billRate: null, isBillable: false, costRate: resource.costRate, status: 'CONFIRMED' });
  });

  it("refuses a booking beyond 8.80 hours on some weekday (OVERBOOKED), counting the resource's other hard bookings; allowOverbook books anyway", async () => {
    const resource = await resourceFree('2027-04-19', '2027-04-30');
    const tooMuch = await request(tessera, project.id, { roleId: 'rol_02', startDate: '2027-04-19', endDate: '2027-04-23', hours: '50' });
    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, CONFIRM_ASSIGNMENT, confirmation(tooMuch, resource.id)))).toEqual(
      refused('confirmAssignment', {
        code: 'OVERBOOKED',
        field: 'resourceId',
        message: `Resource ${resource.id} would be booked 10.00 hours on 2027-04-19 (at most 8.80). Set allowOverbook to book anyway.`,
      }),
    );
    expect(await snapshot(tessera)).toEqual(before);

    // 6 hours a day in the first week; 28 hours over both weeks is 2.80 a day: exactly 8.80 in the first week.
    await confirm(
      tessera,
      await request(tessera, project.id, { roleId: 'rol_02', startDate: '2027-04-19', endDate: '2027-04-23', hours: '30' }),
      resource.id,
    );
    const oneMore = await request(tessera, project.id, { roleId: 'rol_03', startDate: '2027-04-19', endDate: '2027-04-30', hours: '29' });
    expect(envelope(await call(tessera, CONFIRM_ASSIGNMENT, confirmation(oneMore, resource.id)))).toEqual(
      refused('confirmAssignment', {
        code: 'OVERBOOKED',
        field: 'resourceId',
        message: `Resource ${resource.id} would be booked 8.90 hours on 2027-04-19 (at most 8.80). Set allowOverbook to book anyway.`,
      }),
    );
    const atTheLimit = await request(tessera, project.id, {
      roleId: 'rol_03',
      startDate: '2027-04-19',
      endDate: '2027-04-30',
      hours: '28',
    });
    expect((await confirm(tessera, atTheLimit, resource.id)).assignment).toMatchObject({
      scheduledHours: '28.00',
      billRate: { amount: '205.00', currency: 'USD' },
    });

    const forced = await call(tessera, CONFIRM_ASSIGNMENT, confirmation(tooMuch, resource.id, { allowOverbook: true }));
    expect(accepted<Assignment>(forced, 'assignment')).toMatchObject({ scheduledHours: '50.00', status: 'CONFIRMED' });
    expect((await eventsOfRequest(tessera, requestIdOf(forced)))[0]?.payload).toMatchObject({ overbookAllowed: true });
  });

  it('books a resource of another legal entity only when the ERP enables intercompany work; its cost stays in its own currency', async () => {
    const resource = await resourceFree('2027-05-10', '2027-05-14', 'le_UK01');
    const wanted = await request(tessera, project.id, { roleId: 'rol_04', startDate: '2027-05-10', endDate: '2027-05-14', hours: '24' });
    const erp = erpDb(tessera);
    await erp.updateTable('legal_entities').set({ intercompany_enabled: 0 }).where('id', '=', 'le_US01').execute();
    try {
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, CONFIRM_ASSIGNMENT, confirmation(wanted, resource.id)))).toEqual(
        refused('confirmAssignment', {
          code: 'INTERCOMPANY_NOT_ENABLED',
          message: `Resource ${resource.id} works for le_UK01; le_US01 does not take intercompany work.`,
          field: 'resourceId',
        }),
      );
      expect(await snapshot(tessera)).toEqual(before);
    } finally {
      await erp.updateTable('legal_entities').set({ intercompany_enabled: 1 }).where('id', '=', 'le_US01').execute();
    }
    const result = await call(tessera, CONFIRM_ASSIGNMENT, confirmation(wanted, resource.id));
    const assignment = accepted<Assignment>(result, 'assignment');
    expect(resource.costRate.currency).toBe('GBP');
    expect(assignment).toMatchObject({ billRate: { amount: '245.00', currency: 'USD' }, costRate: resource.costRate });
    expect((await eventsOfRequest(tessera, requestIdOf(result)))[0]?.payload).toMatchObject({ intercompany: true });
  });

  it("refuses a role without a rate in force at the request's start (RATE_CARD_NOT_EFFECTIVE)", async () => {
    const old = await crmContract(tessera, {
      accountId: contract.account.id,
      billingMethod: 'TIME_AND_MATERIALS',
      amount: '20000.00',
      startDate: '2024-06-03',
      endDate: '2024-12-20',
    });
    const early = await newProject(tessera, old.id, { rateCardId: 'rc_001' });
    const wanted = await request(tessera, early.id, { roleId: 'rol_02', startDate: '2024-06-03', endDate: '2024-06-07', hours: '20' });
    const resource = await resourceFree('2024-06-03', '2024-06-07');
    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, CONFIRM_ASSIGNMENT, confirmation(wanted, resource.id)))).toEqual(
      refused('confirmAssignment', {
        code: 'RATE_CARD_NOT_EFFECTIVE',
        message: 'Rate card rc_001 has no rate for role rol_02 in force on 2024-06-03.',
        field: 'resourceRequestId',
      }),
    );
    expect(await snapshot(tessera)).toEqual(before);
  });

  describe('refuses, writing nothing', () => {
    let wanted: ResourceRequest;
    let draftProjectRequest: ResourceRequest;
    beforeAll(async () => {
      wanted = await request(tessera, project.id, { roleId: 'rol_02', startDate: '2027-05-17', endDate: '2027-05-21', hours: '10' });
      const draftId = `prj_fx_${newKey().slice(0, 8)}`;
      await psaDb(tessera)
        .insertInto('projects')
        .values({
          id: draftId,
          code: `FX-${draftId.slice(7)}`,
          name: 'Draft',
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
        })
        .execute();
      draftProjectRequest = await request(tessera, draftId, {
        roleId: 'rol_02',
        startDate: '2027-05-17',
        endDate: '2027-05-21',
        hours: '10',
      });
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
    const cancelled = async () => {
      const row = await psaDb(tessera)
        .selectFrom('resource_requests')
        .selectAll()
        .where('status', '=', 'CANCELLED')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      return { id: row.id, aggregateVersion: row.aggregate_version } as ResourceRequest;
    };
    const notBookable = async () => {
      const row = await psaDb(tessera)
        .selectFrom('resources')
        .select('id')
        .where('is_bookable', '=', 0)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const cases: [string, () => Promise<{ input: Record<string, unknown>; error: UserError }>, { claims?: typeof UK_ONLY }?][] = [
      [
        'an unknown request',
        async () => ({
          input: { ...confirmation(wanted, 'res_0003'), resourceRequestId: 'rr_nope' },
          error: { code: 'NOT_FOUND', message: 'ResourceRequest "rr_nope" was not found.', field: 'resourceRequestId' },
        }),
      ],
      [
        'a request the caller cannot see',
        async () => ({
          input: confirmation(wanted, 'res_0003'),
          error: { code: 'NOT_FOUND', message: `ResourceRequest "${wanted.id}" was not found.`, field: 'resourceRequestId' },
        }),
        { claims: UK_ONLY },
      ],
      [
        'a stale version',
        async () => ({
          input: confirmation(wanted, 'res_0003', { expectedVersion: 2 }),
          error: {
            code: 'VERSION_CONFLICT',
            message: 'ResourceRequest is at version 1, not 2: it changed since you read it. Read it again, then decide.',
            field: 'expectedVersion',
          },
        }),
      ],
      [
        'a cancelled request',
        async () => ({
          input: confirmation(await cancelled(), 'res_0003'),
          error: {
            code: 'INVALID_STATE_TRANSITION',
            message: 'ResourceRequest is CANCELLED: confirmAssignment cannot move it to FILLED.',
            field: null,
          },
        }),
      ],
      [
        'a request of a DRAFT project',
        async () => ({
          input: confirmation(draftProjectRequest, 'res_0003'),
          error: {
            code: 'PRECONDITION_FAILED',
            message: `Project ${draftProjectRequest.project.id} is DRAFT: only a PLANNED or ACTIVE project is staffed.`,
            field: 'resourceRequestId',
          },
        }),
      ],
      [
        'an unknown resource',
        async () => ({
          input: confirmation(wanted, 'res_nope'),
          error: { code: 'NOT_FOUND', message: 'Resource "res_nope" was not found.', field: 'resourceId' },
        }),
      ],
      [
        'a resource that is not bookable',
        async () => ({
          input: confirmation(wanted, await notBookable()),
          error: {
            code: 'PRECONDITION_FAILED',
            message: `Resource ${await notBookable()} is ACTIVE and not bookable: it cannot be booked.`,
            field: 'resourceId',
          },
        }),
      ],
      [
        'a resource on leave',
        async () => ({
          input: confirmation(wanted, 'res_fx_leave'),
          error: { code: 'PRECONDITION_FAILED', message: 'Resource res_fx_leave is ON_LEAVE: it cannot be booked.', field: 'resourceId' },
        }),
      ],
      [
        'a T&M contract line without a rate card',
        async () => {
          const { project: id, request: fixtureRequest } = await lineFixture(null);
          return {
            input: confirmation(fixtureRequest, 'res_0003'),
            error: {
              code: 'RATE_CARD_NOT_EFFECTIVE',
              message: `The contract of project ${id} names no rate card to bill time at.`,
              field: 'resourceRequestId',
            },
          };
        },
      ],
      [
        'a rate card the ERP does not know',
        async () => {
          const { request: fixtureRequest } = await lineFixture('rc_missing');
          return {
            input: confirmation(fixtureRequest, 'res_0003'),
            error: { code: 'RATE_CARD_NOT_EFFECTIVE', message: 'Rate card rc_missing was not found.', field: 'resourceRequestId' },
          };
        },
      ],
      [
        'a rate card in another currency than the project',
        async () => {
          const { project: id, request: fixtureRequest } = await lineFixture('rc_002');
          return {
            input: confirmation(fixtureRequest, 'res_0003'),
            error: { code: 'CURRENCY_MISMATCH', message: `Rate card rc_002 is in GBP, project ${id} in USD.`, field: 'resourceRequestId' },
          };
        },
      ],
    ];

    /** A PLANNED US01 T&M project (a PSA row only) whose contract line bills at `rateCardId`, with an open request. */
    async function lineFixture(rateCardId: string | null): Promise<{ project: string; request: ResourceRequest }> {
      const db = psaDb(tessera);
      const suffix = newKey().slice(0, 8);
      await db
        .insertInto('contract_lines')
        .values({
          id: `cl_fx_${suffix}`,
          contract_id: `ctr_fx_${suffix}`,
          billing_method: 'TIME_AND_MATERIALS',
          amount_e4: null,
          nte_e4: null,
          currency: 'USD',
          rate_card_id: rateCardId,
        })
        .execute();
      await db
        .insertInto('projects')
        .values({
          id: `prj_fx_${suffix}`,
          code: `FX-${suffix}`,
          name: 'Line fixture',
          status: 'PLANNED',
          type: 'CUSTOMER_BILLABLE',
          billing_method: 'TIME_AND_MATERIALS',
          account_id: contract.account.id,
          contract_id: `ctr_fx_${suffix}`,
          legal_entity_id: 'le_US01',
          start_date: '2027-01-04',
          end_date: '2027-12-31',
          currency: 'USD',
          project_manager_id: null,
          budget_hours_e2: null,
          planned_revenue_e4: null,
          aggregate_version: 1,
        })
        .execute();
      return {
        project: `prj_fx_${suffix}`,
        request: await request(tessera, `prj_fx_${suffix}`, {
          roleId: 'rol_02',
          startDate: '2027-06-07',
          endDate: '2027-06-11',
          hours: '8',
        }),
      };
    }

    it.each(cases)('%s', async (_, build, options) => {
      const { input, error } = await build();
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, CONFIRM_ASSIGNMENT, input, options ?? {}))).toEqual(refused('confirmAssignment', error));
      expect(await snapshot(tessera)).toEqual(before);
    });
  });

  it('staffs an ACTIVE project as well as a PLANNED one', async () => {
    const running = await activate(tessera, await newProject(tessera, contract.id, { startDate: '2027-03-01', endDate: '2027-05-28' }));
    const resource = await resourceFree('2027-03-01', '2027-03-05');
    const wanted = await request(tessera, running.id, { roleId: 'rol_08', startDate: '2027-03-01', endDate: '2027-03-05', hours: '40' });
    expect((await confirm(tessera, wanted, resource.id)).assignment).toMatchObject({
      billRate: { amount: '230.00', currency: 'USD' },
      scheduledHours: '40.00',
    });
  });
});
