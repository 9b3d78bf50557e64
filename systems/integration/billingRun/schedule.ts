/**
 * The month-end billing run's schedule (docs/processes.md#billing-run-schedule): a monthly
 * trigger, `<day of month> <HH:MM>` in UTC (default `1 02:00`: the first of the month at two in the
 * morning), or `off`. When it is due, every ACTIVE legal entity gets a run with the cut-off and the
 * invoice date on the last day of the month before, started through `startBillingRun` as
 * `system:integration` under the key `schedule:billing-run:<legal entity>:<cut-off>`: the same
 * key for every tick of the month, so ticking again (or on two replicas) starts nothing twice.
 */
import type { Peers } from '../../kernel/capability/peers.ts';

export interface BillingRunSchedule {
  readonly dayOfMonth: number;
  readonly hour: number;
  readonly minute: number;
}

export const DEFAULT_BILLING_RUN_SCHEDULE = '1 02:00';

/** `<day 1-28> <HH:MM>` or `off` (null). Throws RangeError on anything else. */
export function parseBillingRunSchedule(text: string): BillingRunSchedule | null {
  const value = text.trim();
  if (value === 'off') return null;
  const match = /^(\d{1,2}) (\d{2}):(\d{2})$/.exec(value);
  const [day, hour, minute] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || day < 1 || day > 28 || hour > 23 || minute > 59) {
    throw new RangeError(`A billing run schedule is "<day 1-28> <HH:MM>" (UTC) or "off", not ${JSON.stringify(text)}.`);
  }
  return { dayOfMonth: day, hour, minute };
}

/** The cut-off (last day of the previous month) of the run due at `now`, or null before this month's trigger time. */
export function dueCutoff(schedule: BillingRunSchedule, now: Date): string | null {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const trigger = Date.UTC(year, month, schedule.dayOfMonth, schedule.hour, schedule.minute);
  if (now.getTime() < trigger) return null;
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

export const scheduleKey = (legalEntityId: string, cutoff: string): string => `schedule:billing-run:${legalEntityId}:${cutoff}`;

const LEGAL_ENTITIES = 'query BillingRunLegalEntities { legalEntities { id status } }';
const START = `mutation ScheduledBillingRun($input: StartBillingRunInput!) {
  startBillingRun(input: $input) { billingRun { id } userErrors { code message } replayed }
}`;

export interface ScheduledStart {
  readonly legalEntityId: string;
  readonly cutoff: string;
  readonly runId: string | null;
  readonly refusal: string | null;
  readonly replayed: boolean;
}

/**
 * One tick of the schedule: when a run is due, starts it for every active legal entity (peers
 * signed as `system:integration`). Answers what it started (or found started); [] when nothing is due.
 */
export async function tickBillingRunSchedule(peers: Peers, schedule: BillingRunSchedule | null, now: Date): Promise<ScheduledStart[]> {
  const cutoff = schedule ? dueCutoff(schedule, now) : null;
  if (cutoff === null) return [];
  const { legalEntities } = await peers.read<{ legalEntities: { id: string; status: string }[] }>('erp', LEGAL_ENTITIES);
  const started: ScheduledStart[] = [];
  for (const entity of legalEntities.filter((candidate) => candidate.status === 'ACTIVE')) {
    const data = await peers.step<{
      startBillingRun: { billingRun: { id: string } | null; userErrors: { code: string; message: string }[]; replayed: boolean };
    }>('integration', START, { input: { idempotencyKey: scheduleKey(entity.id, cutoff), legalEntityId: entity.id, cutoff } });
    const answer = data.startBillingRun;
    started.push({
      legalEntityId: entity.id,
      cutoff,
      runId: answer.billingRun?.id ?? null,
      refusal: answer.userErrors[0]?.code ?? null,
      replayed: answer.replayed,
    });
  }
  return started;
}
