/** Revenue allocation revised by a contract amendment, on SQL (docs/invariants.md#inv-12): versioned, in the capability's transaction. */
import type { Transaction } from 'kysely';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import type { RevenueRevisionWrites } from '../../ports/revenueRevisionWrites.ts';
import { revenueScheduleOf } from './rows.ts';
import type { ErpTables } from './tables.ts';

export function sqlRevenueRevisionWrites(trx: Transaction<ErpTables>): RevenueRevisionWrites {
  return {
    async reviseRevenueAllocation(revisions) {
      for (const { schedule, allocatedE4, status } of revisions) {
        await updateAggregate(trx, 'revenue_schedules', 'RevenueSchedule', schedule, { allocated_e4: allocatedE4, status });
      }
      if (revisions.length === 0) return [];
      const rows = await trx
        .selectFrom('revenue_schedules')
        .selectAll()
        .where(
          'id',
          'in',
          revisions.map((revision) => revision.schedule.id),
        )
        .execute();
      const byId = new Map(rows.map((row) => [row.id, revenueScheduleOf(row)]));
      return revisions.map((revision) => byId.get(revision.schedule.id)!);
    },
  };
}
