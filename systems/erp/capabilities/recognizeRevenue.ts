/**
 * recognizeRevenueForPeriod (docs/state-machines.md#revenue-schedule, docs/capabilities.md#billing-to-cash): the revenue run of one open period of a legal
 * entity. For every schedule of the entity's projects that is PLANNED or IN_PROGRESS and measured
 * by what was invoiced (AS_INVOICED, MILESTONE_OUTPUT), the cumulative revenue is the project's
 * net invoiced subtotal (invoices less credit memos, voids excluded) dated up to the period end,
 * capped at the allocated amount (INV-12); the period's line is that cumulative less what was
 * recognized before (negative: a reversal). One line per schedule and period (UNIQUE): running
 * the period again finds the line and changes nothing. A schedule with a line in a later period
 * is left alone (periods are recognized in order).
 */
import { seesAccount } from '../../../policies/recordScope.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import type { ErpContext } from '../resolvers.ts';
import type { AccountingPeriodRow, ErpTables, RevenueScheduleLineRow, RevenueScheduleRow } from '../tables.ts';
import { INVOICE_MEASURED_METHODS, RECOGNIZABLE } from '../machines.ts';
import { legalEntityFor } from './records.ts';
import { isUniqueViolation } from '../../kernel/capability/engine.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';

type Result = { period: AccountingPeriodRow; lines: RevenueScheduleLineRow[]; revenueSchedules: RevenueScheduleRow[] };

export const recognizeRevenueForPeriod: CapabilityHandler<ErpTables, ErpContext, { legalEntityId: string; periodId: string }, Result> = {
  async effect({ input, trx, emit, ctx, now }) {
    const legalEntity = await legalEntityFor(trx, ctx.scope, input.legalEntityId);
    const period = await trx
      .selectFrom('accounting_periods')
      .selectAll()
      .where('id', '=', input.periodId)
      .where('legal_entity_id', '=', legalEntity.id)
      .executeTakeFirst();
    if (!period) throw notFoundRejection('AccountingPeriod', input.periodId, 'periodId');
    if (period.status !== 'OPEN') throw rejected('PERIOD_CLOSED', `Period ${period.name} of ${legalEntity.code} is ${period.status}.`, 'periodId');

    const candidates = (await trx
      .selectFrom('revenue_schedules as rs')
      .innerJoin('erp_projects as p', 'p.project_id', 'rs.project_id')
      .selectAll('rs')
      .select('p.account_id as account_id')
      .where('p.legal_entity_id', '=', legalEntity.id)
      .where('rs.status', 'in', [...RECOGNIZABLE])
      .where('rs.method', 'in', INVOICE_MEASURED_METHODS)
      .orderBy('rs.id')
      .execute()).filter((row) => seesAccount(ctx.scope, row.account_id));
    if (candidates.length === 0) return { period, lines: [], revenueSchedules: [] };

    const ids = candidates.map((row) => row.id);
    // Schedules that already have this period's line, or a later one.
    const done = new Set((await trx
      .selectFrom('revenue_schedule_lines as l')
      .innerJoin('accounting_periods as ap', 'ap.id', 'l.period_id')
      .select('l.schedule_id')
      .where('l.schedule_id', 'in', ids)
      .where('ap.end_date', '>=', period.end_date)
      .execute()).map((row) => row.schedule_id));
    const open = candidates.filter((row) => !done.has(row.id));
    if (open.length === 0) return { period, lines: [], revenueSchedules: [] };

    const invoiced = await trx
      .selectFrom('invoices')
      .select((eb) => ['project_id', 'currency', eb.fn.sum<number | string>('subtotal_e4').as('net')])
      .where('project_id', 'in', [...new Set(open.map((row) => row.project_id))])
      .where('status', '!=', 'VOIDED')
      .where('invoice_date', '<=', period.end_date)
      .groupBy(['project_id', 'currency'])
      .execute();
    const netOf = (schedule: RevenueScheduleRow) =>
      Number(invoiced.find((row) => row.project_id === schedule.project_id && row.currency === schedule.currency)?.net ?? 0);

    const postedAt = now.toISOString();
    const lines: RevenueScheduleLineRow[] = [];
    const moved: RevenueScheduleRow[] = [];
    for (const { account_id: _account, ...schedule } of open) {
      const cumulative = Math.min(schedule.allocated_e4, Math.max(0, netOf(schedule)));
      const amount = cumulative - schedule.recognized_e4;
      if (amount === 0) continue;
      lines.push({
        id: newId('rsl'), schedule_id: schedule.id, period_id: period.id, amount_e4: amount, recognized_cum_e4: cumulative, status: 'POSTED', posted_at: postedAt,
      });
      const status = cumulative === schedule.allocated_e4 ? 'COMPLETED' : 'IN_PROGRESS';
      const version = await updateAggregate(trx, 'revenue_schedules', 'RevenueSchedule', schedule, { recognized_e4: cumulative, status }, conflict);
      moved.push({ ...schedule, recognized_e4: cumulative, status, aggregate_version: version });
    }
    if (lines.length === 0) return { period, lines: [], revenueSchedules: [] };
    try {
      await trx.insertInto('revenue_schedule_lines').values(lines).execute();
    } catch (error) {
      if (isUniqueViolation(error, 'revenue_schedule_lines', ['schedule_id', 'period_id'])) throw conflict();
      throw error;
    }

    const [storedLines, storedSchedules] = await Promise.all([
      trx.selectFrom('revenue_schedule_lines').selectAll().where('id', 'in', lines.map((line) => line.id)).execute(),
      trx.selectFrom('revenue_schedules').selectAll().where('id', 'in', moved.map((row) => row.id)).orderBy('id').execute(),
    ]);
    for (const schedule of storedSchedules) {
      const line = storedLines.find((candidate) => candidate.schedule_id === schedule.id)!;
      emit({
        type: 'RevenueRecognized', aggregateType: 'RevenueSchedule', aggregateId: schedule.id, aggregateVersion: schedule.aggregate_version,
        legalEntityId: legalEntity.id,
        payload: {
          scheduleId: schedule.id, projectId: schedule.project_id, periodId: period.id, periodName: period.name, lineId: line.id,
          amount: money(line.amount_e4, schedule.currency), recognizedToDate: money(schedule.recognized_e4, schedule.currency),
          allocated: money(schedule.allocated_e4, schedule.currency), status: schedule.status,
        },
      });
    }
    const order = new Map(storedSchedules.map((schedule, index) => [schedule.id, index]));
    return { period, lines: storedLines.sort((a, b) => order.get(a.schedule_id)! - order.get(b.schedule_id)!), revenueSchedules: storedSchedules };
  },
};

function conflict() {
  return rejected('VERSION_CONFLICT', 'Another recognition run for this period committed first. Run it again: it picks up what is left.', 'periodId');
}
