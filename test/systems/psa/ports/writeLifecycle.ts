/**
 * The project-lifecycle part of the write-port contract (writePort.contract.ts): the same answers
 * on every adapter for the work tallies (`projectWork`), hold and resume, a close refused while
 * work is open and accepted once it is billed, a cancellation withdrawing open staffing, and the
 * customer's acceptance of a milestone.
 */
import { expect, it } from 'vitest';
import type { ProjectWork } from '../../../../systems/psa/ports/lifecyclePorts.ts';
import type { Assignment, BillingDraft, Milestone, Project, ResourceRequest, Timecard } from '../../../../systems/psa/ports/types.ts';
import { withPorts } from './openPsa.ts';
import { ALICE, APPROVER, ENTRIES, facts, scenario } from './writeFixture.ts';
import type { WriteHarness } from './writeHarness.ts';

export function lifecycleTests(h: WriteHarness): void {
  it('holds, resumes, refuses a close while work is open (with the reason), closes once it is billed', async () => {
    const s = scenario(h.data, 10);
    const { project, resourceRequest } = await h.staffed(s, 'life');
    const run = (capability: string, input: Record<string, unknown>, key: string, extra: Record<string, unknown> = {}) =>
      h.runner().run(capability as 'closeProject', input as never, { principal: ALICE, key, ...extra });
    const { assignment } = await h.ok<{ assignment: Assignment }>(
      h
        .runner()
        .run(
          'confirmAssignment',
          { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
          { principal: ALICE, key: 'life-confirm', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
        ),
    );
    const { timecard } = await h.ok<{ timecard: Timecard }>(
      run('submitTimecard', { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s) }, 'life-submit'),
    );
    const submitted: ProjectWork = {
      timecards: [{ status: 'SUBMITTED', count: 1, hoursE2: 1550 }],
      milestones: [],
      sources: [{ sourceType: 'TIME_SPLIT', billingStatus: 'UNAPPROVED', count: 2, amountE4: 0 }],
      drafts: [],
    };
    expect(await h.read().projectWork(project.id)).toEqual(submitted);
    const refusedClose = await run('closeProject', { projectId: project.id, expectedVersion: 2 }, 'life-close-1');
    expect(refusedClose.result).toEqual({
      ok: false,
      error: {
        code: 'PROJECT_HAS_OPEN_WORK',
        message: `Project ${project.id} cannot close: 1 timecard not approved (1 SUBMITTED; 15.50 hours). Approve and bill it (or write it off), then close.`,
        field: 'projectId',
      },
    });
    await h.ok(
      h
        .runner()
        .run(
          'approveTimecard',
          { timecardId: timecard.id, expectedVersion: 1 },
          { principal: APPROVER, key: 'life-approve', facts: { rateCard: s.rateCard } },
        ),
    );
    const { project: held } = await h.ok<{ project: Project }>(
      run('holdProject', { projectId: project.id, expectedVersion: 2, reason: ' Funding ' }, 'life-hold'),
    );
    expect(held).toEqual({ ...project, status: 'ON_HOLD', statusReason: 'Funding', aggregateVersion: 3 });
    expect(await h.read().projectWork(project.id)).toEqual({
      ...submitted,
      timecards: [{ status: 'APPROVED', count: 1, hoursE2: 1550 }],
      sources: [{ sourceType: 'TIME_SPLIT', billingStatus: 'READY_TO_BILL', count: 2, amountE4: 23_250_000 }],
    });
    const closeHeld = await run('closeProject', { projectId: project.id, expectedVersion: 3 }, 'life-close-2');
    expect(closeHeld.result).toMatchObject({ ok: false, error: { code: 'PROJECT_HAS_OPEN_WORK' } });
    const { project: resumed } = await h.ok<{ project: Project }>(
      run('resumeProject', { projectId: project.id, expectedVersion: 3 }, 'life-resume', { facts: facts.activeContract(s) }),
    );
    expect(resumed).toEqual({ ...project, status: 'ACTIVE', aggregateVersion: 4 });
    const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
      run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'life-draft', { facts: facts.billable(s) }),
    );
    await h.ok(
      run('recordBillingDraftInvoiced', { billingDraftId: billingDraft.id, invoiceId: 'inv_life', invoiceNumber: 'INV-LIFE' }, 'life-inv'),
    );
    const { project: closed } = await h.ok<{ project: Project }>(
      run('closeProject', { projectId: project.id, expectedVersion: 4 }, 'life-close-3'),
    );
    expect(closed).toEqual({ ...project, status: 'CLOSED', aggregateVersion: 5 });
    expect(await h.read().projectsByIds([project.id])).toEqual([closed]);
    const events = await h.eventsOf([project.id]);
    expect(
      events.filter((e) => e.type !== 'ProjectCreated' && e.type !== 'ProjectActivated').map((e) => [e.type, e.aggregate, e.payload]),
    ).toEqual([
      [
        'ProjectPutOnHold',
        `Project:${project.id}:3`,
        { projectId: project.id, code: project.code, from: 'ACTIVE', status: 'ON_HOLD', reason: 'Funding' },
      ],
      [
        'ProjectResumed',
        `Project:${project.id}:4`,
        {
          projectId: project.id,
          code: project.code,
          from: 'ON_HOLD',
          status: 'ACTIVE',
          previousReason: 'Funding',
          contractId: s.contract.id,
        },
      ],
      [
        'ProjectClosed',
        `Project:${project.id}:5`,
        {
          projectId: project.id,
          code: project.code,
          from: 'ACTIVE',
          status: 'CLOSED',
          billedValue: { amount: '2325.00', currency: 'USD' },
          writtenOffValue: { amount: '0.00', currency: 'USD' },
        },
      ],
    ]);
    // Work after the close finds it closed.
    const late = await run(
      'submitTimecard',
      { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s), expectedVersion: 2 },
      'life-late',
    );
    expect(late.result).toMatchObject({ ok: false });
  });

  it('cancels a project without work: its open request CANCELLED, its booking CANCELLED; refused once work is recorded', async () => {
    const s = scenario(h.data, 11);
    const { project, active, resourceRequest } = await h.staffed(s, 'cancel');
    const { assignment } = await h.ok<{ assignment: Assignment }>(
      h
        .runner()
        .run(
          'confirmAssignment',
          { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
          { principal: ALICE, key: 'cancel-confirm', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
        ),
    );
    const { resourceRequest: open } = await h.ok<{ resourceRequest: ResourceRequest }>(
      h
        .runner()
        .run(
          'createResourceRequest',
          { projectId: project.id, roleId: s.resource.primaryRoleId, startDate: s.week, endDate: s.week, hours: '4.00' },
          { principal: ALICE, key: 'cancel-request-2' },
        ),
    );
    const { project: cancelled } = await h.ok<{ project: Project }>(
      h
        .runner()
        .run('cancelProject', { projectId: project.id, expectedVersion: 2, reason: 'Lost' }, { principal: ALICE, key: 'cancel-it' }),
    );
    expect(cancelled).toEqual({ ...active, status: 'CANCELLED', statusReason: 'Lost', aggregateVersion: 3 });
    expect((await h.read().assignmentsByIds([assignment.id])).map((a) => [a.status, a.aggregateVersion])).toEqual([['CANCELLED', 2]]);
    expect(
      (await h.read().resourceRequestsByIds([resourceRequest.id, open.id])).map((r) => [r.id, r.status, r.aggregateVersion]).sort(),
    ).toEqual(
      [
        [resourceRequest.id, 'FILLED', 2],
        [open.id, 'CANCELLED', 2],
      ].sort(),
    );
    const [event] = (await h.eventsOf([project.id])).filter((e) => e.type === 'ProjectCancelled');
    expect(event?.payload).toEqual({
      projectId: project.id,
      code: project.code,
      from: 'ACTIVE',
      status: 'CANCELLED',
      reason: 'Lost',
      contractId: s.contract.id,
      cancelledResourceRequests: [open.id],
      cancelledAssignments: [assignment.id],
      completedAssignments: [],
    });
  });

  it("records a customer's acceptance: COMPLETE → ACCEPTED and READY_TO_BILL, with who, when and the reference", async () => {
    const milestone = h.data.milestones.find(
      (m) => m.status === 'COMPLETE' && m.requiresCustomerSignOff && m.billingStatus === 'UNAPPROVED',
    );
    if (!milestone) throw new Error('the data holds no milestone awaiting sign-off');
    const acceptance = {
      acceptedBy: 'Dana Buyer',
      acceptedOn: milestone.actualDate!,
      reference: 'SIGN-1',
      recordedBy: 'alice',
      approveForBilling: true,
    };
    const accepted = await withPorts(h.psa().system, (ports) => ports.write.acceptMilestone(milestone, acceptance));
    const expected: Milestone = {
      ...milestone,
      status: 'ACCEPTED',
      approvedForBilling: true,
      billingStatus: 'READY_TO_BILL',
      acceptedBy: 'Dana Buyer',
      acceptedOn: milestone.actualDate!,
      acceptanceReference: 'SIGN-1',
      acceptanceRecordedBy: 'alice',
      aggregateVersion: milestone.aggregateVersion + 1,
    };
    expect(accepted).toEqual(expected);
    expect(await h.read().milestonesByIds([milestone.id])).toEqual([expected]);
  });
}
