/**
 * completeMilestone through the gateway: a milestone of an ACTIVE project is completed on its
 * actual date; without a required customer sign-off it is ready to bill at once, with one it
 * waits for the customer's acceptance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  COMPLETE_MILESTONE,
  DEFAULT_SUB,
  MILESTONE_FIELDS,
  UK_ONLY,
  auditOf,
  call,
  envelope,
  eventsOfRequest,
  pick,
  refused,
  requestIdOf,
  snapshot,
  succeeded,
  type Milestone,
  type UserError,
} from './psaKit.ts';

let tessera: TestTessera;
interface Owned extends Milestone {
  readonly project: { id: string; status: string; startDate: string; legalEntity: { id: string } };
}
let milestones: Owned[];

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const body = await tessera.query(
    `{ projects(first: 200) { nodes { id status startDate legalEntity { id } milestones { ${MILESTONE_FIELDS} } } } }`,
  );
  type Node = { id: string; status: string; startDate: string; legalEntity: { id: string }; milestones: Milestone[] };
  milestones = (body.data as { projects: { nodes: Node[] } }).projects.nodes.flatMap(({ milestones: own, ...project }) =>
    own.map((milestone) => ({ ...milestone, project })),
  );
});
afterAll(() => tessera?.stop());

const open = (signOff: boolean) => (m: Owned) =>
  m.project.status === 'ACTIVE' &&
  ['PLANNED', 'IN_PROGRESS'].includes(m.status) &&
  m.requiresCustomerSignOff === signOff &&
  m.billingStatus === 'UNAPPROVED';
const completion = (milestone: Milestone, overrides: Record<string, unknown> = {}) => ({
  idempotencyKey: newKey(),
  milestoneId: milestone.id,
  expectedVersion: milestone.aggregateVersion,
  actualDate: '2026-11-13',
  ...overrides,
});

describe('completeMilestone', () => {
  it('completes a milestone without required sign-off: approved for billing, READY_TO_BILL', async () => {
    const milestone = pick(milestones, 'open milestone without sign-off on an ACTIVE project', open(false));
    const { project, ...before } = milestone;
    const key = newKey();
    const result = await call(tessera, COMPLETE_MILESTONE, { ...completion(milestone), idempotencyKey: key });
    const completed: Milestone = {
      ...before,
      status: 'COMPLETE',
      actualDate: '2026-11-13',
      approvedForBilling: true,
      billingStatus: 'READY_TO_BILL',
      aggregateVersion: 2,
    };
    expect(envelope(result)).toEqual(succeeded('completeMilestone', { milestone: completed }));
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'MilestoneCompleted',
        aggregateType: 'Milestone',
        aggregateId: milestone.id,
        aggregateVersion: 2,
        correlationId: requestId,
        legalEntityId: project.legalEntity.id,
        payload: {
          milestoneId: milestone.id,
          projectId: project.id,
          actualDate: '2026-11-13',
          amount: milestone.amount,
          requiresCustomerSignOff: false,
          approvedForBilling: true,
          billingStatus: 'READY_TO_BILL',
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.completeMilestone', version: 1, principalSub: DEFAULT_SUB, requestId, errorCode: null },
    ]);
    const again = await call(tessera, COMPLETE_MILESTONE, completion(completed, { actualDate: '2026-11-14' }));
    expect(envelope(again)).toEqual(
      succeeded(
        'completeMilestone',
        { milestone: completed },
        {
          warnings: [{ code: 'ALREADY_IN_STATE', message: 'Milestone already is COMPLETE; nothing changed.', field: null }],
        },
      ),
    );
  });

  it("completes a milestone that needs the customer's sign-off: it waits, UNAPPROVED", async () => {
    const milestone = pick(milestones, 'open milestone with sign-off on an ACTIVE project', open(true));
    const { project: _project, ...before } = milestone;
    const result = await call(tessera, COMPLETE_MILESTONE, completion(milestone));
    expect(envelope(result)).toEqual(
      succeeded('completeMilestone', { milestone: { ...before, status: 'COMPLETE', actualDate: '2026-11-13', aggregateVersion: 2 } }),
    );
  });

  const cases: [string, () => { input: Record<string, unknown>; error: UserError }, { claims?: typeof UK_ONLY }?][] = [
    [
      'an unknown milestone',
      () => ({
        input: { ...completion(milestones[0]!), milestoneId: 'ms_nope' },
        error: { code: 'NOT_FOUND', message: 'Milestone "ms_nope" was not found.', field: 'milestoneId' },
      }),
    ],
    [
      'a milestone the caller cannot see',
      () => {
        const us = pick(milestones, 'US01 milestone', (m) => m.project.legalEntity.id === 'le_US01');
        return {
          input: completion(us),
          error: { code: 'NOT_FOUND', message: `Milestone "${us.id}" was not found.`, field: 'milestoneId' },
        };
      },
      { claims: UK_ONLY },
    ],
    [
      'a stale version',
      () => {
        const m = pick(milestones, 'open milestone', (x) => x.project.status === 'ACTIVE' && x.status === 'PLANNED');
        return {
          input: completion(m, { expectedVersion: 7 }),
          error: {
            code: 'VERSION_CONFLICT',
            message: 'Milestone is at version 1, not 7: it changed since you read it. Read it again, then decide.',
            field: 'expectedVersion',
          },
        };
      },
    ],
    [
      'an accepted milestone',
      () => ({
        input: completion(pick(milestones, 'ACCEPTED milestone', (m) => m.status === 'ACCEPTED')),
        error: {
          code: 'INVALID_STATE_TRANSITION',
          message: 'Milestone is ACCEPTED: completeMilestone cannot move it to COMPLETE.',
          field: null,
        },
      }),
    ],
    [
      'a milestone of a project that is not ACTIVE',
      () => {
        const m = pick(milestones, 'milestone of a PLANNED project', (x) => x.project.status === 'PLANNED');
        return {
          input: completion(m),
          error: {
            code: 'PRECONDITION_FAILED',
            message: `Project ${m.project.id} is PLANNED: milestones are completed on an ACTIVE project.`,
            field: 'milestoneId',
          },
        };
      },
    ],
    [
      'an actual date in the future',
      () => ({
        input: completion(
          pick(milestones, 'open milestone', (x) => x.project.status === 'ACTIVE' && x.status === 'PLANNED'),
          { actualDate: '2099-01-01' },
        ),
        error: { code: 'PRECONDITION_FAILED', message: 'The actual date 2099-01-01 is in the future.', field: 'actualDate' },
      }),
    ],
    [
      'an actual date before the project started',
      () => {
        const m = pick(milestones, 'open milestone', (x) => x.project.status === 'ACTIVE' && x.status === 'PLANNED');
        return {
          input: completion(m, { actualDate: '2020-01-01' }),
          error: {
            code: 'PRECONDITION_FAILED',
            message: `The actual date 2020-01-01 is before the project started (${m.project.startDate}).`,
            field: 'actualDate',
          },
        };
      },
    ],
  ];

  it.each(cases)('refuses %s, writing nothing', async (_, build, options) => {
    const { input, error } = build();
    const before = await snapshot(tessera);
    expect(envelope(await call(tessera, COMPLETE_MILESTONE, input, options ?? {}))).toEqual(refused('completeMilestone', error));
    expect(await snapshot(tessera)).toEqual(before);
  });
});
