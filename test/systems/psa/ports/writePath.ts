/** The capability path of the write-port contract: contract to invoiced draft, and a replay (writePort.contract.ts). */
import { expect, it } from 'vitest';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { Assignment, BillingDraft, ResourceRequest, Timecard } from '../../../../systems/psa/ports/types.ts';
import type { WriteHarness } from './writeHarness.ts';
import {
  ALICE,
  APPROVER,
  ENTRIES,
  expectedAssignment,
  expectedEntries,
  expectedProject,
  expectedTimecard,
  facts,
  RATE_E4,
  scenario,
  T0,
} from './writeFixture.ts';

export function capabilityPathTests(h: WriteHarness): void {
  it('creates, staffs, times and bills a project up to its invoice: same records and events', async () => {
    const s = scenario(h.data, 0);
    const { project, active, resourceRequest } = await h.staffed(s, 'path');
    expect(project).toEqual(expectedProject(s, project.id));
    expect(active).toEqual({ ...expectedProject(s, project.id), status: 'ACTIVE', aggregateVersion: 2 });
    const [line] = await h.read().contractLinesByContractIds([s.contract.id]);
    expect(line).toEqual({
      id: line!.id,
      contractId: s.contract.id,
      billingMethod: 'TIME_AND_MATERIALS',
      amountE4: null,
      notToExceedE4: 1_000_000_000,
      currency: 'USD',
      rateCardId: 'rc_port',
      markupPercentE4: null,
      contractVersion: 1,
    });
    expect(resourceRequest).toEqual({
      id: resourceRequest.id,
      projectId: project.id,
      roleId: s.resource.primaryRoleId,
      startDate: s.week,
      endDate: addDays(s.week, 4),
      hoursE2: 4000,
      status: 'OPEN',
      assignmentId: null,
      aggregateVersion: 1,
    });

    const confirmed = await h.ok<{ assignment: Assignment; resourceRequest: ResourceRequest }>(
      h
        .runner()
        .run(
          'confirmAssignment',
          { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
          { principal: ALICE, key: 'path-confirm', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
        ),
    );
    const assignmentId = confirmed.assignment.id;
    expect(confirmed).toEqual({
      assignment: expectedAssignment(s, { id: assignmentId, projectId: project.id }),
      resourceRequest: { ...resourceRequest, status: 'FILLED', assignmentId, aggregateVersion: 2 },
    });

    const { timecard } = await h.ok<{ timecard: Timecard }>(
      h.runner().run('submitTimecard', { assignmentId, weekStart: s.week, entries: ENTRIES(s) }, { principal: ALICE, key: 'path-submit' }),
    );
    const ids = { id: timecard.id, projectId: project.id, assignmentId };
    expect(timecard).toEqual(expectedTimecard(s, ids, new Date(T0.getTime() + 5_000).toISOString()));
    expect(await h.read().timeEntriesByTimecardIds([timecard.id])).toEqual(expectedEntries(s, ids));

    const approved = await h.ok<{ timecard: Timecard }>(
      h
        .runner()
        .run(
          'approveTimecard',
          { timecardId: timecard.id, expectedVersion: 1 },
          { principal: APPROVER, key: 'path-approve', facts: { rateCard: s.rateCard } },
        ),
    );
    expect(approved.timecard).toEqual({
      ...expectedTimecard(s, ids, timecard.submittedAt!),
      status: 'APPROVED',
      approvedAt: new Date(T0.getTime() + 6_000).toISOString(),
      decidedBy: 'psa-approver',
      totalBillableE4: 23_250_000,
      aggregateVersion: 2,
    });
    const priced = expectedEntries(s, ids).map((entry) => ({
      ...entry,
      billRateE4: RATE_E4,
      billableE4: entry.hoursE2 * 15_000,
      billingStatus: 'READY_TO_BILL',
      costRateE4: s.resource.costRateE4,
      costCurrency: s.resource.costCurrency,
    }));
    expect(await h.read().timeEntriesByTimecardIds([timecard.id])).toEqual(priced);

    const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
      h
        .runner()
        .run(
          'generateBillingDraft',
          { projectId: project.id, cutoffDate: '2031-12-31' },
          { principal: ALICE, key: 'path-draft', facts: facts.billable(s) },
        ),
    );
    const draft: BillingDraft = {
      id: billingDraft.id,
      projectId: project.id,
      contractId: s.contract.id,
      legalEntityId: 'le_US01',
      accountId: s.contract.accountId,
      cutoffDate: '2031-12-31',
      status: 'IN_REVIEW',
      summaryE4: 23_250_000,
      currency: 'USD',
      invoiceId: null,
      invoiceNumber: null,
      aggregateVersion: 1,
    };
    expect(billingDraft).toEqual(draft);
    expect(await h.read().billingDraftItemsByDraftIds([draft.id])).toEqual(
      priced.map((entry, index) => ({
        id: `bdi_${draft.id.slice(3)}_00000${index}`,
        draftId: draft.id,
        sourceType: 'TIME_SPLIT',
        sourceId: entry.id,
        description: `${entry.date} ${s.roleName}`,
        quantityE2: entry.hoursE2,
        unitPriceE4: RATE_E4,
        amountE4: entry.billableE4,
        taxTreatment: 'STANDARD',
      })),
    );
    expect((await h.read().timeEntriesByTimecardIds([timecard.id])).map((e) => e.billingStatus)).toEqual(['ON_DRAFT', 'ON_DRAFT']);

    const invoiced = await h.ok<{ billingDraft: BillingDraft }>(
      h
        .runner()
        .run(
          'recordBillingDraftInvoiced',
          { billingDraftId: draft.id, invoiceId: 'inv_port_0', invoiceNumber: ' INV-PORT-0 ' },
          { principal: ALICE, key: 'path-invoiced' },
        ),
    );
    expect(invoiced.billingDraft).toEqual({
      ...draft,
      status: 'INVOICED',
      invoiceId: 'inv_port_0',
      invoiceNumber: 'INV-PORT-0',
      aggregateVersion: 2,
    });
    expect((await h.read().timeEntriesByTimecardIds([timecard.id])).map((e) => e.billingStatus)).toEqual(['BILLED', 'BILLED']);
    expect((await h.read().projectTimeTotals([project.id])).get(project.id)).toEqual({ approvedHoursE2: 1550, unbilledWipE4: 0 });

    const events = await h.eventsOf([project.id, resourceRequest.id, assignmentId, timecard.id, draft.id]);
    expect(events.map((e) => [e.type, e.aggregate, e.legalEntityId])).toEqual([
      ['ProjectCreated', `Project:${project.id}:1`, 'le_US01'],
      ['ProjectActivated', `Project:${project.id}:2`, 'le_US01'],
      ['ResourceRequestCreated', `ResourceRequest:${resourceRequest.id}:1`, 'le_US01'],
      ['StaffingNeeded', `ResourceRequest:${resourceRequest.id}:1`, 'le_US01'],
      ['AssignmentConfirmed', `Assignment:${assignmentId}:1`, 'le_US01'],
      ['TimecardSubmitted', `Timecard:${timecard.id}:1`, 'le_US01'],
      ['TimecardApproved', `Timecard:${timecard.id}:2`, 'le_US01'],
      ['BillingDraftGenerated', `BillingDraft:${draft.id}:1`, 'le_US01'],
      ['BillingDraftInvoiced', `BillingDraft:${draft.id}:2`, 'le_US01'],
    ]);
    expect(events[0]!.payload).toEqual({
      projectId: project.id,
      code: 'PORT-0',
      status: 'PLANNED',
      contractId: s.contract.id,
      customerId: s.contract.accountId,
      billingMethod: 'TIME_AND_MATERIALS',
      contractLineId: line!.id,
      contractLineIds: [line!.id],
      contractLineCreated: true,
      milestoneIds: [],
      milestoneTotal: { amount: '0.00', currency: 'USD' },
    });
    expect(events[7]!.payload).toEqual({
      billingDraftId: draft.id,
      projectId: project.id,
      contractId: s.contract.id,
      customerId: s.contract.accountId,
      status: 'IN_REVIEW',
      cutoffDate: '2031-12-31',
      summaryAmount: { amount: '2325.00', currency: 'USD' },
      timeEntryCount: 2,
      milestoneCount: 0,
      expenseCount: 0,
    });
    expect(events[8]!.payload).toEqual({
      billingDraftId: draft.id,
      projectId: project.id,
      invoiceId: 'inv_port_0',
      invoiceNumber: 'INV-PORT-0',
      status: 'INVOICED',
      summaryAmount: { amount: '2325.00', currency: 'USD' },
      billedTimeEntries: 2,
      billedMilestones: 0,
      billedExpenses: 0,
    });
  });

  it('a replay with the same key answers the stored result, replayed', async () => {
    const s = scenario(h.data, 1);
    const { project } = await h.staffed(s, 'replay');
    const again = await h.runner().run(
      'createProjectFromContract',
      {
        contractId: s.contract.id,
        name: `Port contract ${s.n}`,
        code: `PORT-${s.n}`,
        rateCardId: 'rc_port',
      },
      { principal: ALICE, key: 'replay-create', facts: { contract: s.contract, rateCard: s.rateCard } },
    );
    expect(again).toEqual({ result: { ok: true, value: { project } }, replayed: true });
    expect((await h.read().projectsByContractIds([s.contract.id])).map((p) => p.id)).toEqual([project.id]);
  });
}
