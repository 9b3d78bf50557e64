/**
 * The customer's decision on a milestone that requires sign-off, through the gateway
 * (docs/capabilities.md#acceptmilestone): accepted by the customer's own portal token (partner,
 * psa:approve) with who, when and the reference, the milestone is ready to bill and the next draft
 * bills it; refused with a reason, it goes back to work, is completed again and accepted. Every
 * guard refused with its code and field, writing nothing; a partner sees only its own milestones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { addDays } from '../../../systems/psa/capabilities/dates.ts';
import {
  ACCEPT_MILESTONE,
  COMPLETE,
  LIFECYCLE_MILESTONE_FIELDS,
  REJECT_ACCEPTANCE,
  partner,
  refusedLife,
  type AcceptedMilestone,
} from './lifecycleKit.ts';
import {
  APPROVER,
  accepted,
  auditOf,
  call,
  envelope,
  eventsOfRequest,
  generate,
  pick,
  requestIdOf,
  snapshot,
  succeeded,
  type UserError,
} from './psaKit.ts';

let tessera: TestTessera;
interface Owned extends AcceptedMilestone {
  readonly project: { id: string; status: string; startDate: string; legalEntity: { id: string }; customer: { id: string } | null };
}
let milestones: Owned[];

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const body = await tessera.query(
    `{ projects(first: 200) { nodes { id status startDate legalEntity { id } customer { id } milestones { ${LIFECYCLE_MILESTONE_FIELDS} } } } }`,
  );
  type Node = Owned['project'] & { milestones: AcceptedMilestone[] };
  milestones = (body.data as { projects: { nodes: Node[] } }).projects.nodes.flatMap(({ milestones: own, ...project }) =>
    own.map((milestone) => ({ ...milestone, project })),
  );
});
afterAll(() => tessera?.stop());

const awaiting = (m: Owned) =>
  m.project.status === 'ACTIVE' && m.status === 'COMPLETE' && m.requiresCustomerSignOff && m.billingStatus === 'UNAPPROVED';
/** Not delivered yet, and needs sign-off (the seed's `s` holds one IN_PROGRESS). */
const undeliveredWithSignOff = (m: Owned) =>
  m.project.status === 'ACTIVE' && ['PLANNED', 'IN_PROGRESS'].includes(m.status) && m.requiresCustomerSignOff;
const strip = ({ project: _project, ...milestone }: Owned): AcceptedMilestone => milestone;

const acceptance = (m: { id: string; aggregateVersion: number }, overrides: Record<string, unknown> = {}) => ({
  idempotencyKey: newKey(),
  milestoneId: m.id,
  expectedVersion: m.aggregateVersion,
  acceptedBy: '  Dana Buyer ',
  acceptedOn: '2026-11-20',
  acceptanceReference: ' SIGN-2026-077 ',
  ...overrides,
});

async function completed(m: Owned, actualDate = '2026-11-13'): Promise<AcceptedMilestone> {
  const input = { idempotencyKey: newKey(), milestoneId: m.id, expectedVersion: m.aggregateVersion, actualDate };
  return accepted<AcceptedMilestone>(await call(tessera, COMPLETE, input), 'milestone');
}

describe('acceptMilestone', () => {
  it('refuses every guard with its code and field, writing nothing', async () => {
    // The milestone awaiting sign-off (fixture #5), refused before the next test accepts it.
    const waiting = pick(milestones, 'COMPLETE milestone awaiting sign-off on an ACTIVE project', awaiting);
    const dayBefore = addDays(waiting.actualDate!, -1);
    const other = pick(
      milestones,
      "a milestone of another customer's project",
      (m) => m.project.customer?.id !== waiting.project.customer?.id,
    );
    const noSignOff = pick(
      milestones,
      'a COMPLETE milestone needing no sign-off',
      (m) => m.status === 'COMPLETE' && !m.requiresCustomerSignOff,
    );
    const planned = pick(milestones, 'a PLANNED milestone', (m) => m.status === 'PLANNED');
    const cases: [string, string, Record<string, unknown>, UserError, typeof APPROVER?][] = [
      [
        'an unknown milestone',
        'acceptMilestone',
        acceptance({ id: 'ms_nope', aggregateVersion: 1 }),
        { code: 'NOT_FOUND', message: 'Milestone "ms_nope" was not found.', field: 'milestoneId' },
      ],
      [
        "another customer's milestone, for a partner",
        'acceptMilestone',
        acceptance(other),
        { code: 'NOT_FOUND', message: `Milestone "${other.id}" was not found.`, field: 'milestoneId' },
        partner(waiting.project.customer!.id),
      ],
      [
        'a stale version',
        'acceptMilestone',
        acceptance(waiting, { expectedVersion: waiting.aggregateVersion + 5 }),
        {
          code: 'VERSION_CONFLICT',
          message: `Milestone is at version ${waiting.aggregateVersion}, not ${waiting.aggregateVersion + 5}: it changed since you read it. Read it again, then decide.`,
          field: 'expectedVersion',
        },
      ],
      [
        'a milestone not delivered',
        'acceptMilestone',
        acceptance(planned),
        { code: 'INVALID_STATE_TRANSITION', message: 'Milestone is PLANNED: acceptMilestone cannot move it to ACCEPTED.', field: null },
      ],
      [
        'a milestone that needs no sign-off',
        'acceptMilestone',
        acceptance(noSignOff),
        {
          code: 'PRECONDITION_FAILED',
          message: `Milestone ${noSignOff.id} needs no customer sign-off: it was approved for billing when completed.`,
          field: 'milestoneId',
        },
      ],
      [
        'a blank signatory',
        'acceptMilestone',
        acceptance(waiting, { acceptedBy: '  ' }),
        { code: 'PRECONDITION_FAILED', message: "The customer's signatory is blank.", field: 'acceptedBy' },
      ],
      [
        'a blank reference',
        'acceptMilestone',
        acceptance(waiting, { acceptanceReference: '' }),
        { code: 'PRECONDITION_FAILED', message: 'The acceptance reference is blank.', field: 'acceptanceReference' },
      ],
      [
        'an acceptance date in the future',
        'acceptMilestone',
        acceptance(waiting, { acceptedOn: '2099-01-01' }),
        { code: 'PRECONDITION_FAILED', message: 'The acceptance date 2099-01-01 is in the future.', field: 'acceptedOn' },
      ],
      [
        'an acceptance date before the delivery',
        'acceptMilestone',
        acceptance(waiting, { acceptedOn: dayBefore }),
        {
          code: 'PRECONDITION_FAILED',
          message: `The acceptance date ${dayBefore} is before the milestone was delivered (${waiting.actualDate}).`,
          field: 'acceptedOn',
        },
      ],
      [
        'a refusal without a reason',
        'rejectMilestoneAcceptance',
        { idempotencyKey: newKey(), milestoneId: waiting.id, expectedVersion: waiting.aggregateVersion, reason: ' ' },
        { code: 'PRECONDITION_FAILED', message: 'The reason is blank.', field: 'reason' },
      ],
    ];
    for (const [what, field, input, error, claims] of cases) {
      const before = await snapshot(tessera);
      const query = field === 'acceptMilestone' ? ACCEPT_MILESTONE : REJECT_ACCEPTANCE;
      expect({ what, answer: envelope(await call(tessera, query, input, { claims: claims ?? APPROVER })) }).toEqual({
        what,
        answer: refusedLife(field, error),
      });
      expect(await snapshot(tessera)).toEqual(before);
    }
  });

  it("records the customer's acceptance by its own portal token: ACCEPTED, READY_TO_BILL, billed by the next draft", async () => {
    const milestone = pick(milestones, 'COMPLETE milestone awaiting sign-off on an ACTIVE project', awaiting);
    const portal = partner(milestone.project.customer!.id);
    const key = newKey();
    const input = { ...acceptance(milestone, { acceptedOn: milestone.actualDate }), idempotencyKey: key };
    const result = await call(tessera, ACCEPT_MILESTONE, input, { claims: portal });
    const acceptedMilestone: AcceptedMilestone = {
      ...strip(milestone),
      status: 'ACCEPTED',
      approvedForBilling: true,
      billingStatus: 'READY_TO_BILL',
      acceptedBy: 'Dana Buyer',
      acceptedOn: milestone.actualDate,
      acceptanceReference: 'SIGN-2026-077',
      acceptanceRejectionReason: null,
      aggregateVersion: milestone.aggregateVersion + 1,
    };
    expect(envelope(result)).toEqual(succeeded('acceptMilestone', { milestone: acceptedMilestone }));
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'MilestoneAccepted',
        aggregateType: 'Milestone',
        aggregateId: milestone.id,
        aggregateVersion: acceptedMilestone.aggregateVersion,
        correlationId: requestId,
        legalEntityId: milestone.project.legalEntity.id,
        payload: {
          milestoneId: milestone.id,
          projectId: milestone.project.id,
          acceptedBy: 'Dana Buyer',
          acceptedOn: milestone.actualDate,
          acceptanceReference: 'SIGN-2026-077',
          recordedBy: portal.sub,
          amount: milestone.amount,
          approvedForBilling: true,
          billingStatus: 'READY_TO_BILL',
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.acceptMilestone', version: 1, principalSub: portal.sub, requestId, errorCode: null },
    ]);
    expect(envelope(await call(tessera, ACCEPT_MILESTONE, acceptance(acceptedMilestone), { claims: portal }))).toEqual(
      succeeded(
        'acceptMilestone',
        { milestone: acceptedMilestone },
        { warnings: [{ code: 'ALREADY_IN_STATE', message: 'Milestone already is ACCEPTED; nothing changed.', field: null }] },
      ),
    );

    const draft = await generate(tessera, milestone.project.id, '2026-11-30');
    expect(draft.items.filter((item) => item.sourceId === milestone.id)).toEqual([
      {
        sourceType: 'MILESTONE',
        sourceId: milestone.id,
        description: milestone.name,
        quantity: '1.00',
        unitPrice: milestone.amount,
        amount: milestone.amount,
      },
    ]);
  });

  it('a refusal sends the milestone back to work: REJECTED with the reason, completed again, then accepted', async () => {
    const milestone = pick(milestones, 'undelivered milestone with sign-off on an ACTIVE project', undeliveredWithSignOff);
    const delivered = await completed(milestone);
    const result = await call(
      tessera,
      REJECT_ACCEPTANCE,
      {
        idempotencyKey: newKey(),
        milestoneId: milestone.id,
        expectedVersion: delivered.aggregateVersion,
        reason: ' Report lacks the test results ',
      },
      { claims: APPROVER },
    );
    const rejected: AcceptedMilestone = {
      ...delivered,
      status: 'REJECTED',
      acceptanceRejectionReason: 'Report lacks the test results',
      aggregateVersion: delivered.aggregateVersion + 1,
    };
    expect(envelope(result)).toEqual(succeeded('rejectMilestoneAcceptance', { milestone: rejected }));
    expect((await eventsOfRequest(tessera, requestIdOf(result))).map((e) => [e.type, e.payload])).toEqual([
      [
        'MilestoneAcceptanceRejected',
        {
          milestoneId: milestone.id,
          projectId: milestone.project.id,
          reason: 'Report lacks the test results',
          recordedBy: APPROVER.sub,
          billingStatus: 'UNAPPROVED',
        },
      ],
    ]);
    const again = await completed({ ...milestone, aggregateVersion: rejected.aggregateVersion }, '2026-11-16');
    expect(again).toEqual({ ...rejected, status: 'COMPLETE', actualDate: '2026-11-16', aggregateVersion: rejected.aggregateVersion + 1 });
    const acceptedAgain = accepted<AcceptedMilestone>(
      await call(tessera, ACCEPT_MILESTONE, acceptance(again), { claims: APPROVER }),
      'milestone',
    );
    expect(acceptedAgain).toEqual({
      ...again,
      status: 'ACCEPTED',
      approvedForBilling: true,
      billingStatus: 'READY_TO_BILL',
      acceptedBy: 'Dana Buyer',
      acceptedOn: '2026-11-20',
      acceptanceReference: 'SIGN-2026-077',
      acceptanceRejectionReason: null,
      aggregateVersion: again.aggregateVersion + 1,
    });
  });
});
