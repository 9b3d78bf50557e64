/** The typed rejections of the write-port contract (writePort.contract.ts): each writes nothing. */
import { expect, it } from 'vitest';
import { CapabilityRejected } from '../../../../systems/kernel/capability/rejection.ts';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { Assignment, BillingDraft, ResourceRequest } from '../../../../systems/psa/ports/types.ts';
import { withPorts } from './openPsa.ts';
import type { WriteHarness } from './writeHarness.ts';
import { ALICE, ENTRIES, scenario } from './writeFixture.ts';

export function typedRejectionTests(h: WriteHarness): void {
  it('refuses a second hard booking beyond the resource capacity (OVERBOOKED), and a stale week submission (VERSION_CONFLICT)', async () => {
    const s = scenario(h.data, 2);
    const { project, resourceRequest } = await h.staffed(s, 'capacity');
    const { assignment } = await h.ok<{ assignment: Assignment }>(
      h
        .runner()
        .run(
          'confirmAssignment',
          { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
          { principal: ALICE, key: 'capacity-confirm-1', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
        ),
    );
    const { resourceRequest: second } = await h.ok<{ resourceRequest: ResourceRequest }>(
      h.runner().run(
        'createResourceRequest',
        {
          projectId: project.id,
          roleId: s.resource.primaryRoleId,
          startDate: s.week,
          endDate: addDays(s.week, 4),
          hours: '10.00',
        },
        { principal: ALICE, key: 'capacity-request-2' },
      ),
    );
    const overbooked = await h
      .runner()
      .run(
        'confirmAssignment',
        { resourceRequestId: second.id, resourceId: s.resource.id, expectedVersion: 1 },
        { principal: ALICE, key: 'capacity-confirm-2', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
      );
    expect(overbooked).toEqual({
      result: {
        ok: false,
        error: {
          code: 'OVERBOOKED',
          message: `Resource ${s.resource.id} would be booked 10.00 hours on ${s.week} (at most 8.80). Set allowOverbook to book anyway.`,
          field: 'resourceId',
        },
      },
      replayed: false,
    });
    expect(await h.read().assignmentsByProjectIds([project.id])).toEqual([assignment]);

    await h.ok(
      h
        .runner()
        .run(
          'submitTimecard',
          { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s) },
          { principal: ALICE, key: 'capacity-submit-1' },
        ),
    );
    const stale = await h
      .runner()
      .run(
        'submitTimecard',
        { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s), expectedVersion: 7 },
        { principal: ALICE, key: 'capacity-submit-2' },
      );
    expect(stale.result).toEqual({
      ok: false,
      error: {
        code: 'VERSION_CONFLICT',
        message: 'Timecard is at version 1, not 7: it changed since you read it. Read it again, then decide.',
        field: 'expectedVersion',
      },
    });
  });

  it("refuses a submission past the day's 24 hours under the write port's check (TIME_DAILY_LIMIT_EXCEEDED), writing nothing", async () => {
    // The week of T0 (2031-06-02): not in the future for the default window (docs/invariants.md#time-controls).
    const s = scenario(h.data, 13);
    const { resourceRequest } = await h.staffed(s, 'day-limit');
    const { assignment } = await h.ok<{ assignment: Assignment }>(
      h
        .runner()
        .run(
          'confirmAssignment',
          { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
          { principal: ALICE, key: 'day-limit-confirm', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
        ),
    );
    const entries = [
      { date: s.week, hours: '12.00' },
      { date: s.week, hours: '12.01', hourClass: 'CREDITED' },
    ];
    const over = await h
      .runner()
      .run('submitTimecard', { assignmentId: assignment.id, weekStart: s.week, entries }, { principal: ALICE, key: 'day-limit-submit' });
    expect(over.result).toEqual({
      ok: false,
      error: {
        code: 'TIME_DAILY_LIMIT_EXCEEDED',
        message: `24.01 hours on ${s.week} across the person's timecards: a day has 24.00.`,
        field: 'entries.1.hours',
      },
    });
    expect(await h.read().timecardOfWeek(s.resource.id, assignment.projectId, s.week)).toBeNull();
    expect(await h.read().resourceHoursByDate(s.resource.id, s.week, addDays(s.week, 6), 'prj_none')).toEqual([]);
  });

  it('the versioned write refuses a record that moved since it was read (VERSION_CONFLICT), writing nothing', async () => {
    const s = scenario(h.data, 3);
    const { active } = await h.staffed(s, 'stale');
    const outcome = await withPorts(h.psa().system, (ports) => ports.write.activateProject({ ...active, aggregateVersion: 1 })).catch(
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(CapabilityRejected);
    expect((outcome as CapabilityRejected).rejection).toEqual({
      code: 'VERSION_CONFLICT',
      message: `Project ${JSON.stringify(active.id)} changed while this call ran. Read it again, then decide.`,
      field: 'expectedVersion',
    });
    expect(await h.read().projectsByIds([active.id])).toEqual([active]);
  });

  it('the billing claim refuses a source another draft holds (SOURCE_ALREADY_BILLED), writing nothing', async () => {
    const claimed = h.data.items[0]!;
    const project = h.data.projects.find((p) => p.id === h.data.drafts.find((d) => d.id === claimed.draftId)!.projectId)!;
    const draft: BillingDraft = {
      id: 'bd_port_claim',
      projectId: project.id,
      contractId: project.contractId,
      legalEntityId: project.legalEntityId,
      accountId: project.accountId!,
      cutoffDate: '2031-12-31',
      status: 'IN_REVIEW',
      summaryE4: claimed.amountE4,
      currency: project.currency,
      invoiceId: null,
      invoiceNumber: null,
      aggregateVersion: 1,
    };
    const item = { ...claimed, id: 'bdi_port_claim_000000', draftId: draft.id };
    const outcome = await withPorts(h.psa().system, (ports) => ports.write.generateBillingDraft(draft, [item])).catch(
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(CapabilityRejected);
    expect((outcome as CapabilityRejected).rejection).toEqual({
      code: 'SOURCE_ALREADY_BILLED',
      message: 'A source of this draft was claimed by another draft meanwhile; nothing was drafted.',
      field: 'projectId',
    });
    expect(await h.read().billingDraftsByIds([draft.id])).toEqual([]);
    expect(await h.read().billingDraftItemsByDraftIds([claimed.draftId])).toContainEqual(claimed);
  });
}
