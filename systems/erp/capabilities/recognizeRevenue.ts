/**
 * recognizeRevenueForPeriod (docs/state-machines.md#revenue-schedule, docs/capabilities.md#billing-to-cash):
 * the revenue run of one open period of a legal
 * entity. For every schedule of the entity's projects that is PLANNED or IN_PROGRESS and measured
 * by what was invoiced (AS_INVOICED, MILESTONE_OUTPUT), the cumulative revenue is the project's
 * net invoiced subtotal (invoices less credit memos, voids excluded) dated up to the period end,
 * capped at the allocated amount (INV-12); the period's line is that cumulative less what was
 * recognized before (negative: a reversal). One line per schedule and period (UNIQUE): running
 * the period again finds the line and changes nothing. A schedule with a line in a later period
 * is left alone (periods are recognized in order).
 */
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import { INVOICE_MEASURED_METHODS, RECOGNIZABLE } from '../machines.ts';
import type { AccountingPeriod, RevenueSchedule, RevenueScheduleLine } from '../ports/types.ts';
import type { RecognizedSchedule } from '../ports/writePort.ts';
import { legalEntityFor, type ErpCapability } from './records.ts';

type Result = { period: AccountingPeriod; lines: RevenueScheduleLine[]; revenueSchedules: RevenueSchedule[] };

export const recognizeRevenueForPeriod: ErpCapability<{ legalEntityId: string; periodId: string }, Result> = {
  async effect({ input, ports: { read, write }, emit, now }) {
    const legalEntity = await legalEntityFor(read, input.legalEntityId);
    const period = (await read.periodsByIds([input.periodId])).find((candidate) => candidate.legalEntityId === legalEntity.id);
    if (!period) throw notFoundRejection('AccountingPeriod', input.periodId, 'periodId');
    if (period.status !== 'OPEN')
      throw rejected('PERIOD_CLOSED', `Period ${period.name} of ${legalEntity.code} is ${period.status}.`, 'periodId');

    // Schedules of the entity's projects the caller may see (through their ERP job), measured by what was invoiced.
    const candidates = (await read.revenueSchedulesByLegalEntityIds([legalEntity.id])).filter(
      (schedule) => RECOGNIZABLE.has(schedule.status) && INVOICE_MEASURED_METHODS.includes(schedule.method),
    );
    if (candidates.length === 0) return { period, lines: [], revenueSchedules: [] };

    // Schedules that already have this period's line, or a later one.
    const posted = await read.revenueScheduleLinesByScheduleIds(candidates.map((schedule) => schedule.id));
    const periodEnds = new Map((await read.periodsByIds([...new Set(posted.map((line) => line.periodId))])).map((p) => [p.id, p.endDate]));
    const done = new Set(posted.filter((line) => (periodEnds.get(line.periodId) ?? '') >= period.endDate).map((line) => line.scheduleId));
    const open = candidates.filter((schedule) => !done.has(schedule.id));
    if (open.length === 0) return { period, lines: [], revenueSchedules: [] };

    const invoiced = await read.billedByProjectIds([...new Set(open.map((schedule) => schedule.projectId))], period.endDate);
    const netOf = (schedule: RevenueSchedule) =>
      invoiced.find((total) => total.key === schedule.projectId && total.currency === schedule.currency)?.amountE4 ?? 0;

    const postedAt = now.toISOString();
    const lines: RevenueScheduleLine[] = [];
    const moved: RecognizedSchedule[] = [];
    for (const schedule of open) {
      const cumulative = Math.min(schedule.allocatedE4, Math.max(0, netOf(schedule)));
      const amount = cumulative - schedule.recognizedE4;
      if (amount === 0) continue;
      lines.push({
        id: newId('rsl'),
        scheduleId: schedule.id,
        periodId: period.id,
        amountE4: amount,
        recognizedCumE4: cumulative,
        status: 'POSTED',
        postedAt,
      });
      moved.push({ schedule, recognizedE4: cumulative, status: cumulative === schedule.allocatedE4 ? 'COMPLETED' : 'IN_PROGRESS' });
    }
    if (lines.length === 0) return { period, lines: [], revenueSchedules: [] };
    const stored = await write.recognizeRevenue(lines, moved);

    for (const schedule of stored.schedules) {
      const line = stored.lines.find((candidate) => candidate.scheduleId === schedule.id)!;
      emit(
        aggregateEvent('RevenueRecognized', 'RevenueSchedule', schedule, legalEntity.id, {
          scheduleId: schedule.id,
          projectId: schedule.projectId,
          periodId: period.id,
          periodName: period.name,
          lineId: line.id,
          amount: money(line.amountE4, schedule.currency),
          recognizedToDate: money(schedule.recognizedE4, schedule.currency),
          allocated: money(schedule.allocatedE4, schedule.currency),
          status: schedule.status,
        }),
      );
    }
    const order = new Map(stored.schedules.map((schedule, index) => [schedule.id, index]));
    return {
      period,
      lines: stored.lines.sort((a, b) => order.get(a.scheduleId)! - order.get(b.scheduleId)!),
      revenueSchedules: stored.schedules,
    };
  },
};
