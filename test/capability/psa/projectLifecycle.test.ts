/**
 * The project lifecycle after activation through the gateway (docs/capabilities.md#project-lifecycle):
 * a project put on hold bills nothing and takes no time, and once resumed bills its held work with
 * the exact amounts; closing is refused while anything is left to approve or bill (the refusal
 * names each kind, how many and what value) and succeeds once everything is billed; cancelling
 * withdraws the open staffing of a project without work and is refused once work was recorded.
 * Exact payloads, events and audit rows; every guard refused with its code and field, writing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  BEGIN_CLOSING,
  CANCEL_PROJECT,
  CLOSE_PROJECT,
  HOLD_PROJECT,
  RESUME_PROJECT,
  lifecycleOf,
  move,
  refusedLife,
  release,
  type LifecycleProject,
} from './lifecycleKit.ts';
import {
  DEFAULT_SUB,
  GENERATE_DRAFT,
  SUBMIT_TIMECARD,
  activate,
  amountOf,
  approve,
  auditOf,
  call,
  confirm,
  envelope,
  eventsOfRequest,
  freeResource,
  generate,
  newProject,
  pick,
  psaDb,
  refused,
  request,
  requestIdOf,
  seededContracts,
  snapshot,
  submit,
  succeeded,
  type Assignment,
  type SeededContract,
  type UserError,
} from './psaKit.ts';

let tessera: TestTessera;
/** A seeded ACTIVE US01 T&M contract billing at rc_001 with no cap, running March and April 2027. */
let contract: SeededContract;
const taken = new Set<string>();

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  // Seeded T&M lines are capped at their contract's value: the largest cap leaves room for these few weeks.
  const running = (await seededContracts(tessera)).filter(
    (c) =>
      c.status === 'ACTIVE' &&
      c.billingMethod === 'TIME_AND_MATERIALS' &&
      c.legalEntity.id === 'le_US01' &&
      c.lines[0]?.rateCard?.id === 'rc_001' &&
      c.startDate <= '2027-03-01' &&
      c.endDate >= '2027-04-30',
  );
  const cap = (c: SeededContract) => Number(c.lines[0]?.notToExceed?.amount ?? Infinity);
  contract = pick(
    running.sort((a, b) => cap(b) - cap(a)),
    'ACTIVE US01 T&M contract at rc_001, running March and April 2027',
    () => true,
  );
});
afterAll(() => tessera?.stop());

/** A staffed ACTIVE project of its own (a resource no other test of the file uses). */
async function staffed(from: string, to: string) {
  const project = await activate(tessera, await newProject(tessera, contract.id, { startDate: from, endDate: to }));
  const resource = await freeResource(tessera, 'le_US01', from, to, taken);
  taken.add(resource.id);
  const wanted = await request(tessera, project.id, { roleId: 'rol_02', startDate: from, endDate: to, hours: '300' });
  const { assignment } = await confirm(tessera, wanted, resource.id);
  return { project, assignment, resource };
}

const week = (monday: string, hours: readonly string[]) =>
  hours.map((h, i) => ({ date: `${monday.slice(0, 8)}${String(Number(monday.slice(8)) + i).padStart(2, '0')}`, hours: h }));

const keyed = (input: Record<string, unknown>) => ({ idempotencyKey: newKey(), ...input });

describe('holdProject and resumeProject', () => {
  it('holds an ACTIVE project (no draft, no time), then resumes it: its held work bills with the exact amounts', async () => {
    const { project, assignment } = await staffed('2027-03-01', '2027-04-30');
    const rate = assignment.billRate!.amount;
    const approved = await approve(tessera, await submit(tessera, assignment.id, '2027-03-01', week('2027-03-01', ['8', '7.50', '6.25'])));
    expect(approved.status).toBe('APPROVED');

    const holdKey = newKey();
    const hold = await call(tessera, HOLD_PROJECT, {
      idempotencyKey: holdKey,
      projectId: project.id,
      expectedVersion: project.aggregateVersion,
      reason: '  Customer funding review  ',
    });
    const held: LifecycleProject = {
      id: project.id,
      code: project.code,
      status: 'ON_HOLD',
      statusReason: 'Customer funding review',
      type: 'CUSTOMER_BILLABLE',
      billingMethod: 'TIME_AND_MATERIALS',
      currency: 'USD',
      aggregateVersion: project.aggregateVersion + 1,
    };
    expect(envelope(hold)).toEqual(succeeded('holdProject', { project: held }));
    const holdRequest = requestIdOf(hold);
    expect(await eventsOfRequest(tessera, holdRequest)).toEqual([
      {
        type: 'ProjectPutOnHold',
        aggregateType: 'Project',
        aggregateId: project.id,
        aggregateVersion: held.aggregateVersion,
        correlationId: holdRequest,
        legalEntityId: 'le_US01',
        payload: { projectId: project.id, code: project.code, from: 'ACTIVE', status: 'ON_HOLD', reason: 'Customer funding review' },
      },
    ]);
    expect(await auditOf(tessera, holdKey)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'psa.holdProject',
        version: 1,
        principalSub: DEFAULT_SUB,
        requestId: holdRequest,
        errorCode: null,
      },
    ]);
    // Held again: nothing changes.
    expect(
      envelope(await call(tessera, HOLD_PROJECT, keyed({ projectId: project.id, expectedVersion: held.aggregateVersion, reason: 'x' }))),
    ).toEqual(
      succeeded(
        'holdProject',
        { project: held },
        { warnings: [{ code: 'ALREADY_IN_STATE', message: 'Project already is ON_HOLD; nothing changed.', field: null }] },
      ),
    );

    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, GENERATE_DRAFT, keyed({ projectId: project.id, cutoffDate: '2027-03-31' })))).toEqual(
      refused('generateBillingDraft', {
        code: 'PRECONDITION_FAILED',
        message: `Project ${project.id} is ON_HOLD: only an ACTIVE or CLOSING project is billed. Its work waits until it is resumed (resumeProject).`,
        field: 'projectId',
      }),
    );
    const entries = week('2027-03-08', ['8']);
    expect(
      envelope(await call(tessera, SUBMIT_TIMECARD, keyed({ assignmentId: assignment.id, weekStart: '2027-03-08', entries }))),
    ).toEqual(
      refused('submitTimecard', {
        code: 'PRECONDITION_FAILED',
        message: `Project ${project.id} is ON_HOLD: no time is recorded while it is on hold (resumeProject first).`,
        field: 'assignmentId',
      }),
    );
    expect(await snapshot(tessera)).toEqual(before);

    const resume = await call(tessera, RESUME_PROJECT, keyed({ projectId: project.id, expectedVersion: held.aggregateVersion }));
    const resumed = { ...held, status: 'ACTIVE', statusReason: null, aggregateVersion: held.aggregateVersion + 1 };
    expect(envelope(resume)).toEqual(succeeded('resumeProject', { project: resumed }));
    expect((await eventsOfRequest(tessera, requestIdOf(resume))).map((e) => [e.type, e.aggregateVersion, e.payload])).toEqual([
      [
        'ProjectResumed',
        resumed.aggregateVersion,
        {
          projectId: project.id,
          code: project.code,
          from: 'ON_HOLD',
          status: 'ACTIVE',
          previousReason: 'Customer funding review',
          contractId: contract.id,
        },
      ],
    ]);

    const draft = await generate(tessera, project.id, '2027-03-31');
    const amounts = ['8.00', '7.50', '6.25'].map((hours) => amountOf(hours, rate));
    expect(draft.items.map((item) => [item.sourceType, item.quantity, item.amount])).toEqual(
      amounts.map((amount, i) => ['TIME_SPLIT', ['8.00', '7.50', '6.25'][i], amount]),
    );
    const total = amounts.reduce((sum, a) => sum + BigInt(a.amount.replace('.', '')), 0n);
    expect(draft.summaryAmount).toEqual({ amount: `${total / 100n}.${String(total % 100n).padStart(2, '0')}`, currency: 'USD' });
  });

  const cases: [string, () => Promise<{ query: string; field: string; input: Record<string, unknown>; error: UserError }>][] = [
    [
      'holding a PLANNED project',
      async () => {
        const planned = await newProject(tessera, contract.id);
        return {
          query: HOLD_PROJECT,
          field: 'holdProject',
          input: { projectId: planned.id, expectedVersion: planned.aggregateVersion, reason: 'Wait' },
          error: { code: 'INVALID_STATE_TRANSITION', message: 'Project is PLANNED: holdProject cannot move it to ON_HOLD.', field: null },
        };
      },
    ],
    [
      'holding without a reason',
      async () => {
        const active = await activate(tessera, await newProject(tessera, contract.id));
        return {
          query: HOLD_PROJECT,
          field: 'holdProject',
          input: { projectId: active.id, expectedVersion: active.aggregateVersion, reason: '   ' },
          error: { code: 'PRECONDITION_FAILED', message: 'Say why the project is put on hold.', field: 'reason' },
        };
      },
    ],
    [
      'holding at a stale version',
      async () => {
        const active = await activate(tessera, await newProject(tessera, contract.id));
        return {
          query: HOLD_PROJECT,
          field: 'holdProject',
          input: { projectId: active.id, expectedVersion: 1, reason: 'Wait' },
          error: {
            code: 'VERSION_CONFLICT',
            message: 'Project is at version 2, not 1: it changed since you read it. Read it again, then decide.',
            field: 'expectedVersion',
          },
        };
      },
    ],
    [
      'resuming a PLANNED project (activateProject starts one)',
      async () => {
        const planned = await newProject(tessera, contract.id);
        return {
          query: RESUME_PROJECT,
          field: 'resumeProject',
          input: { projectId: planned.id, expectedVersion: planned.aggregateVersion },
          error: {
            code: 'INVALID_STATE_TRANSITION',
            message: 'Project is PLANNED: resumeProject resumes an ON_HOLD or CLOSING project (activateProject starts one).',
            field: null,
          },
        };
      },
    ],
    [
      'an unknown project',
      async () => ({
        query: RESUME_PROJECT,
        field: 'resumeProject',
        input: { projectId: 'prj_nope', expectedVersion: 1 },
        error: { code: 'NOT_FOUND', message: 'Project "prj_nope" was not found.', field: 'projectId' },
      }),
    ],
  ];

  it.each(cases)('refuses %s, writing nothing', async (_, build) => {
    const { query, field, input, error } = await build();
    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, query, keyed(input)))).toEqual(refusedLife(field, error));
    expect(await snapshot(tessera)).toEqual(before);
  });

  it('refuses to resume a customer project whose contract is not ACTIVE (the seeded project on credit hold)', async () => {
    const db = psaDb(tessera);
    const held = await db
      .selectFrom('projects')
      .select(['id', 'contract_id', 'aggregate_version'])
      .where('status', '=', 'ON_HOLD')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const body = await tessera.query(`query ($id: ID!) { contract(id: $id) { status } }`, { id: held.contract_id });
    const status = (body.data as { contract: { status: string } }).contract.status;
    expect(status).not.toBe('ACTIVE');
    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, RESUME_PROJECT, keyed({ projectId: held.id, expectedVersion: held.aggregate_version })))).toEqual(
      refusedLife('resumeProject', {
        code: 'CONTRACT_NOT_ACTIVE',
        message: `Contract ${held.contract_id} is ${status}, not ACTIVE: the project stays ON_HOLD.`,
        field: 'projectId',
      }),
    );
    expect(await snapshot(tessera)).toEqual(before);
  });
});

describe('beginProjectClosing and closeProject', () => {
  it('refuses to close while work is left (naming each kind, how many and what value), closes once it is all billed', async () => {
    const { project, assignment } = await staffed('2027-03-01', '2027-04-30');
    const rate = assignment.billRate!.amount;
    const first = await approve(tessera, await submit(tessera, assignment.id, '2027-03-01', week('2027-03-01', ['8', '4'])));
    const draft = await generate(tessera, project.id, '2027-03-07');
    await approve(tessera, await submit(tessera, assignment.id, '2027-03-08', week('2027-03-08', ['2.50'])));
    const pending = await submit(tessera, assignment.id, '2027-03-15', week('2027-03-15', ['3', '1.25']));

    const closing = await move(tessera, BEGIN_CLOSING, project);
    expect(closing).toMatchObject({ status: 'CLOSING', aggregateVersion: project.aggregateVersion + 1 });
    const onDraft = draft.summaryAmount.amount;
    const ready = amountOf('2.50', rate).amount;
    expect(first.totalBillableAmount.amount).toBe(onDraft);

    const expectOpen = async (version: number, reasons: string) => {
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, CLOSE_PROJECT, keyed({ projectId: project.id, expectedVersion: version })))).toEqual(
        refusedLife('closeProject', {
          code: 'PROJECT_HAS_OPEN_WORK',
          message: `Project ${project.id} cannot close: ${reasons}. Approve and bill it (or write it off), then close.`,
          field: 'projectId',
        }),
      );
      expect(await snapshot(tessera)).toEqual(before);
    };
    await expectOpen(
      closing.aggregateVersion,
      `1 timecard not approved (1 SUBMITTED; 4.25 hours); time entries: 2 ON_DRAFT (${onDraft} USD), 1 READY_TO_BILL (${ready} USD)`,
    );

    // Billing goes on while CLOSING: the last week is approved, drafted and invoiced with the rest.
    await approve(tessera, pending);
    await release(tessera, draft.id);
    await expectOpen(
      closing.aggregateVersion,
      `time entries: 3 READY_TO_BILL (${sumOf([ready, amountOf('3', rate).amount, amountOf('1.25', rate).amount])} USD)`,
    );
    const last = await generate(tessera, project.id, '2027-03-31');
    await release(tessera, last.id);

    const key = newKey();
    const close = await call(tessera, CLOSE_PROJECT, {
      idempotencyKey: key,
      projectId: project.id,
      expectedVersion: closing.aggregateVersion,
    });
    const closed = { ...closing, status: 'CLOSED', aggregateVersion: closing.aggregateVersion + 1 };
    expect(envelope(close)).toEqual(succeeded('closeProject', { project: closed }));
    const requestId = requestIdOf(close);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'ProjectClosed',
        aggregateType: 'Project',
        aggregateId: project.id,
        aggregateVersion: closed.aggregateVersion,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          projectId: project.id,
          code: project.code,
          from: 'CLOSING',
          status: 'CLOSED',
          billedValue: { amount: sumOf([onDraft, last.summaryAmount.amount]), currency: 'USD' },
          writtenOffValue: { amount: '0.00', currency: 'USD' },
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.closeProject', version: 1, principalSub: DEFAULT_SUB, requestId, errorCode: null },
    ]);
    // The same key replays; a closed project takes no time.
    expect(
      envelope(
        await call(tessera, CLOSE_PROJECT, { idempotencyKey: key, projectId: project.id, expectedVersion: closing.aggregateVersion }),
      ),
    ).toEqual(succeeded('closeProject', { project: closed }, { replayed: true }));
    expect(
      envelope(
        await call(
          tessera,
          SUBMIT_TIMECARD,
          keyed({ assignmentId: assignment.id, weekStart: '2027-03-22', entries: week('2027-03-22', ['1']) }),
        ),
      ),
    ).toEqual(
      refused('submitTimecard', {
        code: 'PRECONDITION_FAILED',
        message: `Project ${project.id} is CLOSED: it takes no more time.`,
        field: 'assignmentId',
      }),
    );
    expect(await lifecycleOf(tessera, project.id)).toEqual(closed);
  });

  it('closes an ACTIVE project that never had work at once', async () => {
    const active = await activate(tessera, await newProject(tessera, contract.id));
    expect(await move(tessera, CLOSE_PROJECT, active)).toMatchObject({ status: 'CLOSED', statusReason: null, aggregateVersion: 3 });
  });
});

describe('cancelProject', () => {
  it('cancels a PLANNED project without work: open requests cancelled, bookings withdrawn', async () => {
    const planned = await newProject(tessera, contract.id, { startDate: '2027-03-01', endDate: '2027-04-30' });
    const resource = await freeResource(tessera, 'le_US01', '2027-03-01', '2027-04-30', taken);
    taken.add(resource.id);
    const filled = await request(tessera, planned.id, { roleId: 'rol_02', startDate: '2027-03-01', endDate: '2027-03-26', hours: '40' });
    const { assignment } = await confirm(tessera, filled, resource.id);
    const open = await request(tessera, planned.id, { roleId: 'rol_03', startDate: '2027-03-01', endDate: '2027-03-26', hours: '40' });

    const key = newKey();
    const result = await call(tessera, CANCEL_PROJECT, {
      idempotencyKey: key,
      projectId: planned.id,
      expectedVersion: 1,
      reason: 'Customer withdrew',
    });
    expect(envelope(result)).toEqual(
      succeeded('cancelProject', {
        project: {
          id: planned.id,
          code: planned.code,
          status: 'CANCELLED',
          statusReason: 'Customer withdrew',
          type: 'CUSTOMER_BILLABLE',
          billingMethod: 'TIME_AND_MATERIALS',
          currency: 'USD',
          aggregateVersion: 2,
        },
      }),
    );
    const requestId = requestIdOf(result);
    expect((await eventsOfRequest(tessera, requestId)).map((e) => [e.type, e.aggregateId, e.payload])).toEqual([
      [
        'ProjectCancelled',
        planned.id,
        {
          projectId: planned.id,
          code: planned.code,
          from: 'PLANNED',
          status: 'CANCELLED',
          reason: 'Customer withdrew',
          contractId: contract.id,
          cancelledResourceRequests: [open.id],
          cancelledAssignments: [assignment.id],
          completedAssignments: [],
        },
      ],
    ]);
    const db = psaDb(tessera);
    expect(
      await db
        .selectFrom('resource_requests')
        .select(['id', 'status', 'aggregate_version'])
        .where('project_id', '=', planned.id)
        .orderBy('id')
        .execute(),
    ).toEqual(
      [
        { id: filled.id, status: 'FILLED', aggregate_version: 2 },
        { id: open.id, status: 'CANCELLED', aggregate_version: 2 },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(
      await db.selectFrom('assignments').select(['status', 'aggregate_version']).where('id', '=', assignment.id).executeTakeFirstOrThrow(),
    ).toEqual({
      status: 'CANCELLED',
      aggregate_version: 2,
    });
  });

  it('refuses to cancel a project with recorded work, a closed one, or without a reason, writing nothing', async () => {
    const { project, assignment } = await staffed('2027-03-01', '2027-04-30');
    await submit(tessera, assignment.id, '2027-03-01', week('2027-03-01', ['8', '8']));
    const cases: [Record<string, unknown>, UserError][] = [
      [
        { projectId: project.id, expectedVersion: project.aggregateVersion, reason: 'Stop' },
        {
          code: 'PROJECT_HAS_RECORDED_WORK',
          message: `Project ${project.id} has recorded work (1 timecard, 2 time entries): close it once its work is billed instead of cancelling it.`,
          field: 'projectId',
        },
      ],
      [
        { projectId: project.id, expectedVersion: project.aggregateVersion, reason: ' ' },
        { code: 'PRECONDITION_FAILED', message: 'Say why the project is cancelled.', field: 'reason' },
      ],
    ];
    const closedProject = await move(tessera, CLOSE_PROJECT, await activate(tessera, await newProject(tessera, contract.id)));
    cases.push([
      { projectId: closedProject.id, expectedVersion: closedProject.aggregateVersion, reason: 'Stop' },
      { code: 'INVALID_STATE_TRANSITION', message: 'Project is CLOSED: cancelProject cannot move it to CANCELLED.', field: null },
    ]);
    for (const [input, error] of cases) {
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, CANCEL_PROJECT, keyed(input)))).toEqual(refusedLife('cancelProject', error));
      expect(await snapshot(tessera)).toEqual(before);
    }
  });
});

/** The sum of decimal amounts with two decimals, exactly. */
function sumOf(amounts: readonly string[]): string {
  const cents = amounts.reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

export type { Assignment };
