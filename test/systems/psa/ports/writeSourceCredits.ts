/**
 * The source-credit part of the write-port contract (writePort.contract.ts): the same answers on
 * every adapter when an ERP credit memo credits one billed source (CREDITED, its claim kept) and
 * reopens another (READY_TO_BILL, its claim freed and claimed again by the next draft), and the
 * same refusal for a source credited twice (docs/capabilities.md#recordsourcescredited-system-step).
 */
import { expect, it } from 'vitest';
import type { SourceCredit } from '../../../../systems/psa/ports/sourceCredits.ts';
import type { Assignment, BillingDraft, Timecard, TimeEntry } from '../../../../systems/psa/ports/types.ts';
import { ALICE, APPROVER, ENTRIES, facts, scenario } from './writeFixture.ts';
import type { WriteHarness } from './writeHarness.ts';

export function sourceCreditTests(h: WriteHarness): void {
  it('credits one billed source and reopens another: statuses, claims and credits alike', async () => {
    const s = scenario(h.data, 12);
    const { project, resourceRequest } = await h.staffed(s, 'scr');
    const run = (capability: string, input: Record<string, unknown>, k: string, extra: Record<string, unknown> = {}) =>
      h.runner().run(capability as 'recordSourcesCredited', input as never, { principal: ALICE, key: `scr-${k}`, ...extra });
    const { assignment } = await h.ok<{ assignment: Assignment }>(
      run('confirmAssignment', { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 }, 'confirm', {
        facts: { rateCard: s.rateCard, intercompanyEnabled: null },
      }),
    );
    const { timecard } = await h.ok<{ timecard: Timecard }>(
      run('submitTimecard', { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s) }, 'submit'),
    );
    await h.ok(
      run('approveTimecard', { timecardId: timecard.id, expectedVersion: 1 }, 'approve', {
        principal: APPROVER,
        facts: { rateCard: s.rateCard },
      }),
    );
    const entries = async () =>
      (await h.read().timeEntriesByTimecardIds([timecard.id])).map((e: TimeEntry) => [e.hoursE2, e.billingStatus]);
    const [first, second] = await h.read().timeEntriesByTimecardIds([timecard.id]);
    const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
      run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft', { facts: facts.billable(s) }),
    );
    await h.ok(
      run('recordBillingDraftInvoiced', { billingDraftId: billingDraft.id, invoiceId: 'inv_scr', invoiceNumber: 'INV-SCR' }, 'invoiced'),
    );
    const items = await h.read().billingDraftItemsByDraftIds([billingDraft.id]);
    expect(items.map((i) => i.sourceId)).toEqual([first!.id, second!.id]);

    const input = {
      billingDraftId: billingDraft.id,
      invoiceId: 'inv_scr',
      creditMemoId: 'inv_scr_cm',
      sources: [
        { sourceType: 'TIME_SPLIT', sourceId: first!.id, action: 'CREDIT' },
        { sourceType: 'TIME_SPLIT', sourceId: second!.id, action: 'REOPEN' },
      ],
    };
    const { billingDraft: answered } = await h.ok<{ billingDraft: BillingDraft }>(run('recordSourcesCredited', input, 'credit'));
    expect(answered).toEqual({ ...billingDraft, status: 'INVOICED', invoiceId: 'inv_scr', invoiceNumber: 'INV-SCR', aggregateVersion: 2 });
    expect(await entries()).toEqual([
      [800, 'CREDITED'],
      [750, 'READY_TO_BILL'],
    ]);
    expect((await h.read().billingDraftItemsByDraftIds([billingDraft.id])).map((i) => i.sourceId)).toEqual([first!.id]);
    expect(await h.read().releasedDraftItemsByDraftIds([billingDraft.id])).toEqual([items[1]]);
    const credits = await h.read().sourceCreditsByDraftIds([billingDraft.id]);
    const credit = (item: (typeof items)[number], action: string): SourceCredit => ({
      id: expect.any(String) as unknown as string,
      projectId: project.id,
      draftId: billingDraft.id,
      itemId: item.id,
      sourceType: 'TIME_SPLIT',
      sourceId: item.sourceId,
      amountE4: item.amountE4,
      currency: 'USD',
      action: action as SourceCredit['action'],
      invoiceId: 'inv_scr',
      creditMemoId: 'inv_scr_cm',
      creditedAt: credits[0]!.creditedAt,
    });
    expect([...credits].sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1))).toEqual(
      [credit(items[0]!, 'CREDIT'), credit(items[1]!, 'REOPEN')].sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1)),
    );
    expect((await h.eventsOf([billingDraft.id])).filter((e) => e.type === 'BillingSourcesCredited')).toEqual([
      {
        type: 'BillingSourcesCredited',
        aggregate: `BillingDraft:${billingDraft.id}:2`,
        legalEntityId: 'le_US01',
        payload: {
          billingDraftId: billingDraft.id,
          projectId: project.id,
          invoiceId: 'inv_scr',
          creditMemoId: 'inv_scr_cm',
          creditedSources: 1,
          reopenedSources: 1,
          creditedAmount: { amount: '1200.00', currency: 'USD' },
          reopenedAmount: { amount: '1125.00', currency: 'USD' },
        },
      },
    ]);

    // The reopened source is claimed again by the next draft; the credited one never again.
    const { billingDraft: next } = await h.ok<{ billingDraft: BillingDraft }>(
      run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft-2', { facts: facts.billable(s) }),
    );
    expect((await h.read().billingDraftItemsByDraftIds([next.id])).map((i) => i.sourceId)).toEqual([second!.id]);

    const twice = await run(
      'recordSourcesCredited',
      { ...input, creditMemoId: 'inv_scr_cm2', sources: [input.sources[0]] },
      'credit-again',
    );
    expect(twice.result).toMatchObject({ ok: false, error: { code: 'ALREADY_CREDITED', field: 'sources' } });
    const notOnDraft = await run(
      'recordSourcesCredited',
      { ...input, creditMemoId: 'inv_scr_cm3', sources: [input.sources[1]] },
      'credit-reopened',
    );
    expect(notOnDraft.result).toMatchObject({ ok: false, error: { code: 'ALREADY_CREDITED', field: 'sources' } });
    const otherInvoice = await run('recordSourcesCredited', { ...input, invoiceId: 'inv_other' }, 'credit-other');
    expect(otherInvoice.result).toMatchObject({ ok: false, error: { code: 'INVALID_STATE_TRANSITION', field: 'billingDraftId' } });
  });
}
