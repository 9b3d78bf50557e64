/** Revenue allocation revised by a contract amendment, over the in-memory vendor (docs/invariants.md#inv-12): versioned, once per call. */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import type { RevenueRevisionWrites } from '../../ports/revenueRevisionWrites.ts';
import type { RevenueSchedule } from '../../ports/types.ts';

export function memoryRevenueRevisionWrites(writes: CallWrites, scheduleType: string): RevenueRevisionWrites {
  return {
    async reviseRevenueAllocation(revisions) {
      const conflict = (id: string) =>
        rejected('VERSION_CONFLICT', `RevenueSchedule ${JSON.stringify(id)} changed while this call ran.`, 'expectedVersion');
      // Every schedule is checked before any is written: a stale one leaves the vendor as it was (no transaction there).
      const found = [];
      for (const { schedule } of revisions) {
        const [current] = await writes.find<RevenueSchedule>(scheduleType, (record) => record.id === schedule.id);
        if (!current || (current.fields.record.aggregateVersion !== schedule.aggregateVersion && !writes.wroteLast(current)))
          throw conflict(schedule.id);
        found.push(current);
      }
      const revised: RevenueSchedule[] = [];
      for (const [index, { schedule, allocatedE4, status }] of revisions.entries()) {
        const current = found[index]!;
        const conflict = () =>
          rejected('VERSION_CONFLICT', `RevenueSchedule ${JSON.stringify(schedule.id)} changed while this call ran.`, 'expectedVersion');
        revised.push(
          await writes.transition<RevenueSchedule>(
            scheduleType,
            current,
            schedule.aggregateVersion,
            (record) => ({ ...record, allocatedE4, status }),
            conflict,
          ),
        );
      }
      return revised;
    },
  };
}
