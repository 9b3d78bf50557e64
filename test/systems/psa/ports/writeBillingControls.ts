/**
 * The billing-control part of the write-port contract (writePort.contract.ts): the same answers on
 * every adapter for a source hold and its release, a write-off requested and approved by another
 * person, a draft discarded (its claims released and claimed again), a project hold that holds
 * what is ready, refuses drafting and holds what a discarded draft returns.
 */
import { expect, it } from 'vitest';
import type { BillingHold, SourceWriteOff } from '../../../../systems/psa/ports/billingControls.ts';
import type { Assignment, BillingDraft, Timecard, TimeEntry } from '../../../../systems/psa/ports/types.ts';
import { ALICE, APPROVER, ENTRIES, facts, type Scenario } from './writeFixture.ts';
import { scenario } from './writeFixture.ts';
import type { WriteHarness } from './writeHarness.ts';

export function billingControlTests(h: WriteHarness): void {
  const approvedWeek = (s: Scenario, key: string, before?: (projectId: string) => Promise<void>) => approvedWeekOf(h, s, key, before);
  const statuses = (entries: readonly TimeEntry[]) => entries.map((e) => [e.hoursE2, e.billingStatus]);

  it('holds a source out of a draft, writes it off once another person approves, discards the draft and claims again', async () => {
    const s = scenario(h.data, 6);
    const { project, run, entries, first, second } = await approvedWeek(s, 'ctl');
    expect(statuses(await entries())).toEqual([
      [800, 'READY_TO_BILL'],
      [750, 'READY_TO_BILL'],
    ]);
    const source = { sourceType: 'TIME_SPLIT', sourceId: first.id };

    const { billingHold } = await h.ok<{ billingHold: BillingHold }>(
      run('placeBillingHold', { projectId: project.id, ...source, reason: ' Customer query ' }, 'hold'),
    );
    expect(billingHold).toEqual({
      id: billingHold.id,
      projectId: project.id,
      ...source,
      status: 'ACTIVE',
      reason: 'Customer query',
      heldBy: 'alice',
      heldAt: billingHold.heldAt,
      releasedBy: null,
      releasedAt: null,
      aggregateVersion: 1,
    });
    expect(await h.read().billingHoldsByProjectIds([project.id], true)).toEqual([billingHold]);
    const again = await run('placeBillingHold', { projectId: project.id, ...source, reason: 'Twice' }, 'hold-2');
    expect(again.result).toMatchObject({ ok: true, value: { billingHold, warnings: [{ code: 'ALREADY_IN_STATE' }] } });

    const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
      run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft', { facts: facts.billable(s) }),
    );
    expect(billingDraft.summaryE4).toBe(11_250_000);
    expect((await h.read().billingDraftItemsByDraftIds([billingDraft.id])).map((i) => i.sourceId)).toEqual([second.id]);
    expect(statuses(await entries())).toEqual([
      [800, 'ON_HOLD'],
      [750, 'ON_DRAFT'],
    ]);

    const heldWriteOff = await run(
      'requestSourceWriteOff',
      { ...source, reasonCode: 'GOODWILL', reasonText: 'Onboarding hours' },
      'wo-held',
    );
    expect(heldWriteOff.result).toMatchObject({ ok: false, error: { code: 'INVALID_STATE_TRANSITION', field: 'sourceId' } });
    const { billingHold: released } = await h.ok<{ billingHold: BillingHold }>(
      run('releaseBillingHold', { billingHoldId: billingHold.id, expectedVersion: 1 }, 'release'),
    );
    expect(released).toMatchObject({ status: 'RELEASED', releasedBy: 'alice', aggregateVersion: 2 });
    expect(await h.read().billingHoldsByProjectIds([project.id], true)).toEqual([]);

    const { sourceWriteOff } = await h.ok<{ sourceWriteOff: SourceWriteOff }>(
      run('requestSourceWriteOff', { ...source, reasonCode: 'GOODWILL', reasonText: ' Onboarding hours ' }, 'wo'),
    );
    expect(sourceWriteOff).toEqual({
      id: sourceWriteOff.id,
      projectId: project.id,
      ...source,
      amountE4: 12_000_000,
      currency: 'USD',
      reasonCode: 'GOODWILL',
      reasonText: 'Onboarding hours',
      status: 'REQUESTED',
      requestedBy: 'alice',
      requestedAt: sourceWriteOff.requestedAt,
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      aggregateVersion: 1,
    });
    const own = await run('approveSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 1 }, 'wo-own');
    expect(own.result).toMatchObject({ ok: false, error: { code: 'SEGREGATION_OF_DUTIES', field: 'writeOffId' } });
    const { sourceWriteOff: approved } = await h.ok<{ sourceWriteOff: SourceWriteOff }>(
      run('approveSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 1 }, 'wo-approve', { principal: APPROVER }),
    );
    expect(approved).toEqual({
      ...sourceWriteOff,
      status: 'APPROVED',
      decidedBy: 'psa-approver',
      decidedAt: approved.decidedAt,
      aggregateVersion: 2,
    });
    expect(await h.read().sourceWriteOffsByProjectIds([project.id])).toEqual([approved]);

    const discarded = await h.ok<{ billingDraft: BillingDraft }>(
      run('discardBillingDraft', { billingDraftId: billingDraft.id, expectedVersion: 1, reason: 'Wrong cut-off' }, 'discard'),
    );
    expect(discarded.billingDraft).toEqual({ ...billingDraft, status: 'DISCARDED', aggregateVersion: 2 });
    expect(await h.read().billingDraftItemsByDraftIds([billingDraft.id])).toEqual([]);
    expect((await h.read().releasedDraftItemsByDraftIds([billingDraft.id])).map((i) => [i.sourceType, i.sourceId, i.amountE4])).toEqual([
      ['TIME_SPLIT', second.id, 11_250_000],
    ]);
    expect(statuses(await entries())).toEqual([
      [800, 'WRITTEN_OFF'],
      [750, 'READY_TO_BILL'],
    ]);
    const discardTwice = await run(
      'discardBillingDraft',
      { billingDraftId: billingDraft.id, expectedVersion: 2, reason: 'x' },
      'discard-2',
    );
    expect(discardTwice.result).toMatchObject({ ok: true, value: { warnings: [{ code: 'ALREADY_IN_STATE' }] } });

    // The released claim is claimed again by the next draft, which is invoiced and then never discarded.
    const { billingDraft: next } = await h.ok<{ billingDraft: BillingDraft }>(
      run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft-2', { facts: facts.billable(s) }),
    );
    expect((await h.read().billingDraftItemsByDraftIds([next.id])).map((i) => i.sourceId)).toEqual([second.id]);
    await h.ok(run('recordBillingDraftInvoiced', { billingDraftId: next.id, invoiceId: 'inv_ctl', invoiceNumber: 'INV-CTL' }, 'inv'));
    const late = await run('discardBillingDraft', { billingDraftId: next.id, expectedVersion: 2, reason: 'Too late' }, 'discard-3');
    expect(late.result).toMatchObject({ ok: false, error: { code: 'INVALID_STATE_TRANSITION' } });

    const events = await h.eventsOf([billingHold.id, sourceWriteOff.id, billingDraft.id]);
    expect(events.map((e) => [e.type, e.aggregate])).toEqual([
      ['BillingHoldPlaced', `BillingHold:${billingHold.id}:1`],
      ['BillingDraftGenerated', `BillingDraft:${billingDraft.id}:1`],
      ['BillingHoldReleased', `BillingHold:${billingHold.id}:2`],
      ['SourceWriteOffRequested', `SourceWriteOff:${sourceWriteOff.id}:1`],
      ['SourceWrittenOff', `SourceWriteOff:${sourceWriteOff.id}:2`],
      ['BillingDraftDiscarded', `BillingDraft:${billingDraft.id}:2`],
    ]);
    expect(events.find((e) => e.type === 'SourceWrittenOff')?.payload).toEqual({
      writeOffId: sourceWriteOff.id,
      projectId: project.id,
      ...source,
      amount: { amount: '1200.00', currency: 'USD' },
      reasonCode: 'GOODWILL',
      reasonText: 'Onboarding hours',
      status: 'APPROVED',
      requestedBy: 'alice',
      approvedBy: 'psa-approver',
    });
  });

  it('a project hold holds what is approved under it, refuses drafting, and takes back what a discarded draft returns', async () => {
    const s = scenario(h.data, 7);
    let hold: BillingHold | undefined;
    const { project, run, entries } = await approvedWeek(s, 'pho', async (projectId) => {
      ({ billingHold: hold } = await h.ok<{ billingHold: BillingHold }>(
        h.runner().run('placeBillingHold', { projectId, reason: 'Contract dispute' }, { principal: ALICE, key: 'pho-hold' }),
      ));
    });
    expect(hold).toMatchObject({ sourceType: null, sourceId: null, status: 'ACTIVE' });
    // Approved while the project is held: held as they arrive.
    expect(statuses(await entries())).toEqual([
      [800, 'ON_HOLD'],
      [750, 'ON_HOLD'],
    ]);
    const refused = await run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft-held', {
      facts: facts.billable(s),
    });
    expect(refused.result).toMatchObject({ ok: false, error: { code: 'BILLING_ON_HOLD', field: 'projectId' } });
    const { billingHold: released } = await h.ok<{ billingHold: BillingHold }>(
      run('releaseBillingHold', { billingHoldId: hold!.id, expectedVersion: 1 }, 'release'),
    );
    expect(released.status).toBe('RELEASED');
    const stale = await run('releaseBillingHold', { billingHoldId: hold!.id, expectedVersion: 1 }, 'release-stale');
    expect(stale.result).toMatchObject({ ok: false, error: { code: 'VERSION_CONFLICT' } });
    expect(statuses(await entries())).toEqual([
      [800, 'READY_TO_BILL'],
      [750, 'READY_TO_BILL'],
    ]);
    const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
      run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft', { facts: facts.billable(s) }),
    );
    const { billingHold: second } = await h.ok<{ billingHold: BillingHold }>(
      run('placeBillingHold', { projectId: project.id, reason: 'Again' }, 'hold-2'),
    );
    expect(statuses(await entries())).toEqual([
      [800, 'ON_DRAFT'],
      [750, 'ON_DRAFT'],
    ]);
    await h.ok(run('discardBillingDraft', { billingDraftId: billingDraft.id, expectedVersion: 1, reason: 'Held' }, 'discard'));
    expect(statuses(await entries())).toEqual([
      [800, 'ON_HOLD'],
      [750, 'ON_HOLD'],
    ]);
    await h.ok(run('releaseBillingHold', { billingHoldId: second.id, expectedVersion: 1 }, 'release-2'));
    expect(statuses(await entries())).toEqual([
      [800, 'READY_TO_BILL'],
      [750, 'READY_TO_BILL'],
    ]);
  });

  it('refuses each guard with its code: blank reasons, half a source, a missing source, a second pending write-off, a rejection', async () => {
    const s = scenario(h.data, 8);
    const { project, run, first } = await approvedWeek(s, 'grd');
    const source = { sourceType: 'TIME_SPLIT', sourceId: first.id };
    const codeOf = async (capability: string, input: Record<string, unknown>, key: string, extra: Record<string, unknown> = {}) => {
      const { result } = await run(capability, input, key, extra);
      return result.ok ? 'OK' : `${result.error.code}:${result.error.field}`;
    };
    expect(await codeOf('placeBillingHold', { projectId: project.id, ...source, reason: '  ' }, 'h1')).toBe('PRECONDITION_FAILED:reason');
    expect(await codeOf('placeBillingHold', { projectId: project.id, sourceId: first.id, reason: 'x' }, 'h2')).toBe(
      'PRECONDITION_FAILED:sourceId',
    );
    expect(
      await codeOf('placeBillingHold', { projectId: project.id, sourceType: 'MILESTONE', sourceId: first.id, reason: 'x' }, 'h3'),
    ).toBe('NOT_FOUND:sourceId');
    expect(await codeOf('placeBillingHold', { projectId: 'prj_missing', reason: 'x' }, 'h4')).toBe('NOT_FOUND:projectId');
    expect(await codeOf('releaseBillingHold', { billingHoldId: 'bh_missing', expectedVersion: 1 }, 'r1')).toBe('NOT_FOUND:billingHoldId');
    expect(await codeOf('requestSourceWriteOff', { ...source, reasonCode: 'OTHER', reasonText: ' ' }, 'w1')).toBe(
      'PRECONDITION_FAILED:reasonText',
    );
    expect(await codeOf('requestSourceWriteOff', { ...source, sourceId: 'te_missing', reasonCode: 'OTHER', reasonText: 'x' }, 'w2')).toBe(
      'NOT_FOUND:sourceId',
    );
    const { sourceWriteOff } = await h.ok<{ sourceWriteOff: SourceWriteOff }>(
      run('requestSourceWriteOff', { ...source, reasonCode: 'DISPUTE', reasonText: 'Disputed' }, 'w3'),
    );
    expect(await codeOf('requestSourceWriteOff', { ...source, reasonCode: 'DISPUTE', reasonText: 'Again' }, 'w4')).toBe(
      'PRECONDITION_FAILED:sourceId',
    );
    expect(await codeOf('rejectSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 1, reason: ' ' }, 'w5')).toBe(
      'PRECONDITION_FAILED:reason',
    );
    expect(
      await codeOf('approveSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 2 }, 'w6', { principal: APPROVER }),
    ).toBe('VERSION_CONFLICT:expectedVersion');
    const { sourceWriteOff: rejectedOff } = await h.ok<{ sourceWriteOff: SourceWriteOff }>(
      run('rejectSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 1, reason: ' Billable after all ' }, 'w7'),
    );
    expect(rejectedOff).toMatchObject({ status: 'REJECTED', decidedBy: 'alice', decisionNote: 'Billable after all', aggregateVersion: 2 });
    expect(
      await codeOf('approveSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 2 }, 'w8', { principal: APPROVER }),
    ).toBe('INVALID_STATE_TRANSITION:undefined');
    expect(await codeOf('discardBillingDraft', { billingDraftId: 'bd_missing', expectedVersion: 1, reason: 'x' }, 'd1')).toBe(
      'NOT_FOUND:billingDraftId',
    );
  });
}

/** A project with one approved timecard: two entries READY_TO_BILL (8.00 h and 7.50 h at 150.00). */
export async function approvedWeekOf(h: WriteHarness, s: Scenario, key: string, before?: (projectId: string) => Promise<void>) {
  const { project, resourceRequest } = await h.staffed(s, key);
  const run = (capability: string, input: Record<string, unknown>, k: string, extra: Record<string, unknown> = {}) =>
    h.runner().run(capability as 'placeBillingHold', input as never, { principal: ALICE, key: `${key}-${k}`, ...extra });
  const { assignment } = await h.ok<{ assignment: Assignment }>(
    run('confirmAssignment', { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 }, 'confirm', {
      facts: { rateCard: s.rateCard, intercompanyEnabled: null },
    }),
  );
  const { timecard } = await h.ok<{ timecard: Timecard }>(
    run('submitTimecard', { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s) }, 'submit'),
  );
  if (before) await before(project.id);
  await h.ok(
    run('approveTimecard', { timecardId: timecard.id, expectedVersion: 1 }, 'approve', {
      principal: APPROVER,
      facts: { rateCard: s.rateCard },
    }),
  );
  const entries = async () => h.read().timeEntriesByTimecardIds([timecard.id]);
  return { project, run, entries, first: (await entries())[0]!, second: (await entries())[1]! };
}
