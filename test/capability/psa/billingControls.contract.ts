/**
 * The billing controls through the gateway (docs/capabilities.md#billing-controls), with whole
 * envelopes: a hold on a whole project refuses its next draft (BILLING_ON_HOLD) and holds a milestone
 * the customer accepts meanwhile (ON_HOLD, not READY_TO_BILL: systems/psa/ports/holdOnApproval.ts);
 * a hold on one source keeps it off the draft; discarding a draft releases its claims (a second
 * discard is ALREADY_IN_STATE); a source write-off is approved by someone other than its requester
 * (SEGREGATION_OF_DUTIES), and the source is WRITTEN_OFF afterwards. One suite for each store engine:
 * billingControls.sqlite.test.ts, billingControls.postgres.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, refusedAnswer } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { APPROVE_WRITE_OFF, DISCARD_DRAFT, PLACE_HOLD, RELEASE_HOLD, REQUEST_WRITE_OFF } from './billingControlKit.ts';
import { ACCEPT_MILESTONE, LIFECYCLE_MILESTONE_FIELDS, type AcceptedMilestone } from './lifecycleKit.ts';
import { APPROVER, GENERATE_DRAFT, READER, call, draftSeededWork, envelope, pick, refused } from './psaKit.ts';

let tessera: TestTessera;
interface Owned extends AcceptedMilestone {
  readonly project: {
    id: string;
    status: string;
    contract: { id: string } | null;
    legalEntity: { id: string };
    customer: { id: string } | null;
  };
}
/** The seeded COMPLETE milestone awaiting the customer's sign-off on an ACTIVE project. */
let milestone: Owned;

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown as string;

function ok(field: string, entities: Record<string, unknown>, warnings: unknown[] = []) {
  return { status: 200, body: { data: { [field]: { ...entities, userErrors: [], warnings, replayed: false } } } };
}

async function billingStatusOf(milestoneId: string): Promise<string> {
  const body = await tessera.query(`query ($id: ID!) { project(id: $id) { milestones { id billingStatus } } }`, {
    id: milestone.project.id,
  });
  const all = (body.data as { project: { milestones: { id: string; billingStatus: string }[] } }).project.milestones;
  return all.find((m) => m.id === milestoneId)!.billingStatus;
}

const hold = (id: string, version: number, status: string, reason: string, source: { sourceType: string; sourceId: string } | null) => ({
  id,
  project: { id: milestone.project.id },
  sourceType: source?.sourceType ?? null,
  sourceId: source?.sourceId ?? null,
  status,
  reason,
  heldAt: TIMESTAMP,
  releasedAt: status === 'RELEASED' ? TIMESTAMP : null,
  aggregateVersion: version,
});

const generateInput = () => ({ idempotencyKey: newKey(), projectId: milestone.project.id, cutoffDate: '2026-11-30' });
let draft: { id: string; aggregateVersion: number };

/** The suite on the store `makeStore` gives (a fresh one, seeded with the demo data `s`). */
export function billingControlsSuite(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`billing controls through the gateway on ${engine}`, () => {
    let temp: TempStore | undefined;
    beforeAll(async () => {
      temp = await makeStore();
      tessera = await startTestTessera({ scale: 's', store: temp });
      const body = await tessera.query(
        `{ projects(first: 200) { nodes { id status contract { id } legalEntity { id } customer { id } milestones { ${LIFECYCLE_MILESTONE_FIELDS} } } } }`,
      );
      type Node = Owned['project'] & { milestones: AcceptedMilestone[] };
      const milestones = (body.data as { projects: { nodes: Node[] } }).projects.nodes.flatMap(({ milestones: own, ...project }) =>
        own.map((m) => ({ ...m, project })),
      );
      milestone = pick(
        milestones,
        'COMPLETE milestone awaiting sign-off on an ACTIVE project',
        (m) => m.project.status === 'ACTIVE' && m.status === 'COMPLETE' && m.requiresCustomerSignOff && m.billingStatus === 'UNAPPROVED',
      );
      // What else is ready on the project goes on a draft of its own first: the milestone is then all there is to bill.
      await draftSeededWork(tessera, milestone.project.id, '2026-11-30');
    });
    afterAll(async () => {
      await tessera?.stop();
      await temp?.remove();
    });

    it('a project hold refuses the draft and holds the milestone the customer accepts meanwhile', async () => {
      const placed = await call<{ billingHold: { id: string } }>(tessera, PLACE_HOLD, {
        idempotencyKey: newKey(),
        projectId: milestone.project.id,
        reason: 'Customer dispute over scope.',
      });
      const holdId = placed.payload!.billingHold.id;
      expect(envelope(placed)).toEqual(
        ok('placeBillingHold', { billingHold: hold(holdId, 1, 'ACTIVE', 'Customer dispute over scope.', null) }),
      );

      const acceptedMilestone = await call(tessera, ACCEPT_MILESTONE, {
        idempotencyKey: newKey(),
        milestoneId: milestone.id,
        expectedVersion: milestone.aggregateVersion,
        acceptedBy: 'Dana Buyer',
        acceptedOn: '2026-11-20',
        acceptanceReference: 'SIGN-2026-101',
      });
      const { project: _project, ...before } = milestone;
      expect(envelope(acceptedMilestone)).toEqual(
        ok('acceptMilestone', {
          milestone: {
            ...before,
            status: 'ACCEPTED',
            approvedForBilling: true,
            billingStatus: 'ON_HOLD',
            aggregateVersion: milestone.aggregateVersion + 1,
            acceptedBy: 'Dana Buyer',
            acceptedOn: '2026-11-20',
            acceptanceReference: 'SIGN-2026-101',
          },
        }),
      );
      expect(await billingStatusOf(milestone.id)).toBe('ON_HOLD');

      expect(envelope(await call(tessera, GENERATE_DRAFT, generateInput()))).toEqual(
        refused('generateBillingDraft', {
          code: 'BILLING_ON_HOLD',
          message: `Project ${milestone.project.id} is on billing hold (${holdId}): Customer dispute over scope.`,
          field: 'projectId',
        }),
      );

      const released = await call(tessera, RELEASE_HOLD, { idempotencyKey: newKey(), billingHoldId: holdId, expectedVersion: 1 });
      expect(envelope(released)).toEqual(
        ok('releaseBillingHold', { billingHold: hold(holdId, 2, 'RELEASED', 'Customer dispute over scope.', null) }),
      );
      expect(await billingStatusOf(milestone.id)).toBe('READY_TO_BILL');
    });

    it('a hold on one source keeps it off the draft until released', async () => {
      const source = { sourceType: 'MILESTONE', sourceId: milestone.id };
      const placed = await call<{ billingHold: { id: string } }>(tessera, PLACE_HOLD, {
        idempotencyKey: newKey(),
        projectId: milestone.project.id,
        ...source,
        reason: 'Waiting for the PO.',
      });
      const holdId = placed.payload!.billingHold.id;
      expect(envelope(placed)).toEqual(ok('placeBillingHold', { billingHold: hold(holdId, 1, 'ACTIVE', 'Waiting for the PO.', source) }));
      expect(await billingStatusOf(milestone.id)).toBe('ON_HOLD');

      expect(envelope(await call(tessera, GENERATE_DRAFT, generateInput()))).toEqual(
        refused('generateBillingDraft', {
          code: 'NOTHING_TO_BILL',
          message: `Project ${milestone.project.id} has nothing ready to bill up to 2026-11-30.`,
          field: 'cutoffDate',
        }),
      );

      const released = await call(tessera, RELEASE_HOLD, { idempotencyKey: newKey(), billingHoldId: holdId, expectedVersion: 1 });
      expect(envelope(released)).toEqual(
        ok('releaseBillingHold', { billingHold: hold(holdId, 2, 'RELEASED', 'Waiting for the PO.', source) }),
      );
      expect(await billingStatusOf(milestone.id)).toBe('READY_TO_BILL');

      const generated = await call<{ billingDraft: { id: string; aggregateVersion: number } }>(tessera, GENERATE_DRAFT, generateInput());
      draft = generated.payload!.billingDraft;
      const money = milestone.amount;
      expect(envelope(generated)).toEqual(
        ok('generateBillingDraft', {
          billingDraft: {
            id: draft.id,
            project: { id: milestone.project.id },
            contract: milestone.project.contract,
            legalEntity: milestone.project.legalEntity,
            customer: milestone.project.customer,
            cutoffDate: '2026-11-30',
            status: 'IN_REVIEW',
            summaryAmount: money,
            items: [
              {
                sourceType: 'MILESTONE',
                sourceId: milestone.id,
                description: milestone.name,
                quantity: '1.00',
                unitPrice: money,
                amount: money,
              },
            ],
            invoice: null,
            invoiceNumber: null,
            aggregateVersion: 1,
          },
        }),
      );
      expect(await billingStatusOf(milestone.id)).toBe('ON_DRAFT');
    });

    it('discarding the draft releases its claims; a second discard is ALREADY_IN_STATE', async () => {
      const money = milestone.amount;
      const discarded = {
        id: draft.id,
        status: 'DISCARDED',
        summaryAmount: money,
        items: [],
        releasedItems: [{ sourceType: 'MILESTONE', sourceId: milestone.id, amount: money }],
        aggregateVersion: 2,
      };
      const first = await call(tessera, DISCARD_DRAFT, {
        idempotencyKey: newKey(),
        billingDraftId: draft.id,
        expectedVersion: 1,
        reason: 'Wrong cutoff.',
      });
      expect(envelope(first)).toEqual(ok('discardBillingDraft', { billingDraft: discarded }));
      expect(await billingStatusOf(milestone.id)).toBe('READY_TO_BILL');

      const second = await call(tessera, DISCARD_DRAFT, {
        idempotencyKey: newKey(),
        billingDraftId: draft.id,
        expectedVersion: 2,
        reason: 'Again.',
      });
      expect(envelope(second)).toEqual(
        ok('discardBillingDraft', { billingDraft: discarded }, [
          { code: 'ALREADY_IN_STATE', message: 'BillingDraft already is DISCARDED; nothing changed.', field: null },
        ]),
      );
    });

    it('a source write-off is approved by another person than its requester, and the source is WRITTEN_OFF', async () => {
      const requested = await call<{ sourceWriteOff: { id: string } }>(tessera, REQUEST_WRITE_OFF, {
        idempotencyKey: newKey(),
        sourceType: 'MILESTONE',
        sourceId: milestone.id,
        reasonCode: 'GOODWILL',
        reasonText: 'Late delivery.',
      });
      const id = requested.payload!.sourceWriteOff.id;
      const writeOff = (status: string, version: number) => ({
        id,
        project: { id: milestone.project.id },
        sourceType: 'MILESTONE',
        sourceId: milestone.id,
        amount: milestone.amount,
        reasonCode: 'GOODWILL',
        reasonText: 'Late delivery.',
        status,
        requestedAt: TIMESTAMP,
        decidedAt: status === 'REQUESTED' ? null : TIMESTAMP,
        decisionNote: null,
        aggregateVersion: version,
      });
      expect(envelope(requested)).toEqual(ok('requestSourceWriteOff', { sourceWriteOff: writeOff('REQUESTED', 1) }));

      const own = await call(tessera, APPROVE_WRITE_OFF, { idempotencyKey: newKey(), writeOffId: id, expectedVersion: 1 });
      expect(envelope(own)).toEqual(
        refusedAnswer('approveSourceWriteOff', ['sourceWriteOff'], {
          code: 'SEGREGATION_OF_DUTIES',
          message: 'You requested this write-off: another person must approve it.',
          field: 'writeOffId',
        }),
      );
      expect(await billingStatusOf(milestone.id)).toBe('READY_TO_BILL');

      const approved = await call(
        tessera,
        APPROVE_WRITE_OFF,
        { idempotencyKey: newKey(), writeOffId: id, expectedVersion: 1 },
        { claims: APPROVER },
      );
      expect(envelope(approved)).toEqual(ok('approveSourceWriteOff', { sourceWriteOff: writeOff('APPROVED', 2) }));
      expect(await billingStatusOf(milestone.id)).toBe('WRITTEN_OFF');
    });

    it('answers a caller without psa:write with a GraphQL error at the field path', async () => {
      const result = await call(
        tessera,
        PLACE_HOLD,
        { idempotencyKey: newKey(), projectId: milestone.project.id, reason: 'Not allowed.' },
        { claims: READER },
      );
      expect(result.body.data).toBeNull();
      expect(result.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['placeBillingHold'], 'FORBIDDEN']]);
    });
  });
}
