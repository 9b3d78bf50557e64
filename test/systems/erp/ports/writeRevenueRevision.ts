/**
 * reviseRevenueAllocation through the write port (docs/capabilities.md#contract-amendments, docs/invariants.md#inv-12),
 * the same on every adapter: each schedule takes its new allocation and status at its next version,
 * answered in the order given; a revision from a stale version (a recognition run moved it) is
 * VERSION_CONFLICT and writes nothing, not even the schedules before it.
 */
import { expect, it } from 'vitest';
import { scopeAllowing } from '../../../../policies/recordScope.ts';
import type { RevenueSchedule } from '../../../../systems/erp/ports/types.ts';
import type { ErpUnderTest } from './erpFixture.ts';
import { withPorts } from './withPorts.ts';

const ALL = scopeAllowing({ legalEntity: null, account: null });

export function revenueRevisionTests(erp: () => ErpUnderTest): void {
  /** The last two seeded live schedules of contracts (the other cases do not touch them); the write does not ask whose they are. */
  const liveSchedules = async (): Promise<RevenueSchedule[]> => {
    const ids = erp()
      .data.erp.revenue_schedules.filter((row) => row.contract_id !== null && row.status !== 'SUPERSEDED' && row.status !== 'CANCELLED')
      .map((row) => row.id)
      .slice(-2);
    const live = await erp().system.reads(ALL).revenueSchedulesByIds(ids);
    expect(live).toHaveLength(2);
    return live;
  };

  it('revises the allocation of a contract amendment: exact schedules at their next version; a stale one writes nothing', async () => {
    const [first, second] = await liveSchedules();
    const read = async () => erp().system.reads(ALL).revenueSchedulesByIds([first!.id, second!.id]);
    const before = await read();
    // The refusal leaves the call (a local adapter's transaction rolls back).
    const stale = await withPorts(erp().system, ALL, (ports) =>
      ports.write.reviseRevenueAllocation([
        { schedule: first!, allocatedE4: first!.allocatedE4 + 10_000, status: first!.status },
        { schedule: { ...second!, aggregateVersion: second!.aggregateVersion - 1 }, allocatedE4: 1, status: 'PLANNED' },
      ]),
    ).then(
      () => null,
      (error: { rejection?: { code: string } }) => error.rejection?.code,
    );
    expect(stale).toBe('VERSION_CONFLICT');
    expect(await read()).toEqual(before);

    const revisions = [
      { schedule: second!, allocatedE4: second!.recognizedE4 + 123_400, status: second!.recognizedE4 > 0 ? 'IN_PROGRESS' : 'PLANNED' },
      { schedule: first!, allocatedE4: first!.recognizedE4, status: first!.recognizedE4 > 0 ? 'COMPLETED' : 'PLANNED' },
    ];
    const expected = revisions.map(({ schedule, allocatedE4, status }) => ({
      ...schedule,
      allocatedE4,
      status,
      aggregateVersion: schedule.aggregateVersion + 1,
    }));
    expect(await withPorts(erp().system, ALL, (ports) => ports.write.reviseRevenueAllocation(revisions))).toEqual(expected);
    expect(await read()).toEqual([expected[1], expected[0]].sort((a, b) => (a!.id < b!.id ? -1 : 1)));
    // Back to the seeded allocation, so the other cases see the seed.
    await withPorts(erp().system, ALL, (ports) =>
      ports.write.reviseRevenueAllocation(
        before.map((schedule) => ({
          schedule: expected.find((e) => e.id === schedule.id)!,
          allocatedE4: schedule.allocatedE4,
          status: schedule.status,
        })),
      ),
    );
  });
}
