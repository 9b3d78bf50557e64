/** The billing-control reads of the PSA read-port contract (readPort.contract.ts): the same answers on every adapter. */
import { expect, it } from 'vitest';
import { NO_RECORDS, type RecordScope } from '../../../../policies/recordScope.ts';
import type { PsaReadPort } from '../../../../systems/psa/ports/readPort.ts';
import type { PsaData } from './psaData.ts';

export function billingControlReadTests(read: (scope?: RecordScope) => PsaReadPort, data: PsaData): void {
  it('answers billing holds (active only or all, oldest first), write-offs, released items and billable sources of any kind', async () => {
    const { holds, writeOffs, releasedItems } = data.billingControls;
    const [projectHold, releasedHold, otherHold] = holds;
    const projectIds = [projectHold!.projectId, otherHold!.projectId];
    expect(await read().billingHoldsByIds([releasedHold!.id, 'bh_missing'])).toEqual([releasedHold]);
    expect(await read().billingHoldsByProjectIds(projectIds, true)).toEqual([projectHold, otherHold]);
    expect(await read().billingHoldsByProjectIds([projectHold!.projectId], false)).toEqual([projectHold, releasedHold]);
    expect(await read().sourceWriteOffsByIds(writeOffs.map((w) => w.id))).toEqual(writeOffs);
    expect(await read().sourceWriteOffsByProjectIds([writeOffs[1]!.projectId])).toEqual([writeOffs[1]]);
    expect(await read().releasedDraftItemsByDraftIds([releasedItems[0]!.draftId])).toEqual(releasedItems);

    const entry = data.entries.find((e) => e.id === writeOffs[0]!.sourceId)!;
    const milestone = data.milestones[0]!;
    const currency = (projectId: string) => data.projects.find((p) => p.id === projectId)!.currency;
    expect(
      await read().billableSourcesByRefs([
        { sourceType: 'MILESTONE', sourceId: milestone.id },
        { sourceType: 'TIME_SPLIT', sourceId: entry.id },
        { sourceType: 'TIME_SPLIT', sourceId: 'te_missing' },
      ]),
    ).toEqual([
      {
        sourceType: 'TIME_SPLIT',
        sourceId: entry.id,
        projectId: entry.projectId,
        billingStatus: entry.billingStatus,
        amountE4: entry.billableE4,
        currency: currency(entry.projectId),
      },
      {
        sourceType: 'MILESTONE',
        sourceId: milestone.id,
        projectId: milestone.projectId,
        billingStatus: milestone.billingStatus,
        amountE4: milestone.amountE4,
        currency: currency(milestone.projectId),
      },
    ]);
    expect(await read(NO_RECORDS).billableSourcesByRefs([{ sourceType: 'TIME_SPLIT', sourceId: entry.id }])).toEqual([]);
    expect(await read().sourceCreditsByDraftIds([data.sourceCredits[0]!.draftId, 'bd_missing'])).toEqual(data.sourceCredits);
  });
}

/** The scope probes of the billing-control reads (records that exist). */
export function billingControlProbes(data: PsaData) {
  const { holds, writeOffs, releasedItems } = data.billingControls;
  const projectIds = holds.map((h) => h.projectId);
  return {
    billableSourcesByRefs: (port: PsaReadPort) =>
      port.billableSourcesByRefs(writeOffs.map((w) => ({ sourceType: w.sourceType, sourceId: w.sourceId }))),
    billingHoldsByIds: (port: PsaReadPort) => port.billingHoldsByIds(holds.map((h) => h.id)),
    billingHoldsByProjectIds: (port: PsaReadPort) => port.billingHoldsByProjectIds(projectIds, false),
    sourceWriteOffsByIds: (port: PsaReadPort) => port.sourceWriteOffsByIds(writeOffs.map((w) => w.id)),
    sourceWriteOffsByProjectIds: (port: PsaReadPort) => port.sourceWriteOffsByProjectIds(writeOffs.map((w) => w.projectId)),
    releasedDraftItemsByDraftIds: (port: PsaReadPort) => port.releasedDraftItemsByDraftIds(releasedItems.map((i) => i.draftId)),
    sourceCreditsByDraftIds: (port: PsaReadPort) => port.sourceCreditsByDraftIds(data.sourceCredits.map((c) => c.draftId)),
  };
}
