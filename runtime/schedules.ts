/**
 * The process engine's schedules (docs/processes.md#schedules): the month-end billing run and the
 * daily reconciliation. Each tick asks what is due at `now` and starts it through the integration
 * system's own capabilities, signed as `system:integration` (so it is idempotent and audited),
 * under a deterministic key: `schedule:billing-run:<legal entity>:<cut-off>` (schedule.ts) and
 * `schedule:reconciliation:<date>`. Ticking again the same day, after a restart or on a second
 * replica replays the stored answer and starts nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { dueDay, type DailySchedule, type MonthlySchedule } from '../core/config/schedules.ts';
import type { Logger } from '../core/logger.ts';
import type { PeerTransport } from '../systems/kernel/capability/peers.ts';
import { tickBillingRunSchedule, type ScheduledStart } from '../systems/integration/billingRun/schedule.ts';
import { integrationSystemPeers } from '../systems/integration/systemPeers.ts';

export interface ScheduledReconciliation {
  readonly date: string;
  readonly runId: string | null;
  readonly refusal: string | null;
  readonly replayed: boolean;
}

/** What one tick started (or found started under its key): nothing is due when empty and null. */
export interface ScheduleTick {
  readonly billingRuns: readonly ScheduledStart[];
  readonly reconciliation: ScheduledReconciliation | null;
}

export interface SchedulesOptions {
  readonly billingRun: MonthlySchedule | null;
  readonly reconciliation: DailySchedule | null;
  readonly peers: PeerTransport;
  readonly clock: () => Date;
  readonly logger: Logger;
}

export interface Schedules {
  tick(now: Date): Promise<ScheduleTick>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export const reconciliationKey = (date: string): string => `schedule:reconciliation:${date}`;

const RUN_RECONCILIATION = `mutation ScheduledReconciliation($input: RunReconciliationInput!) {
  runReconciliation(input: $input) { run { id } userErrors { code message } replayed }
}`;

interface RunReconciliationAnswer {
  runReconciliation: { run: { id: string } | null; userErrors: { code: string; message: string }[]; replayed: boolean };
}

export function createSchedules(options: SchedulesOptions): Schedules {
  const peers = integrationSystemPeers(options.peers, () => `schedule:${randomUUID()}`);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  async function reconcileDue(now: Date): Promise<ScheduledReconciliation | null> {
    const date = options.reconciliation ? dueDay(options.reconciliation, now) : null;
    if (date === null) return null;
    // Every legal entity, all time: the run the operators read each morning (docs/reconciliation.md).
    const data = await peers.step<RunReconciliationAnswer>('integration', RUN_RECONCILIATION, {
      input: { idempotencyKey: reconciliationKey(date) },
    });
    const answer = data.runReconciliation;
    return { date, runId: answer.run?.id ?? null, refusal: answer.userErrors[0]?.code ?? null, replayed: answer.replayed };
  }

  /** Both schedules, the second even when the first fails; a failure is thrown after both were tried. */
  async function tick(now: Date): Promise<ScheduleTick> {
    const billing = await tickBillingRunSchedule(peers, options.billingRun, now).then(ok, failed<ScheduledStart[]>);
    const reconciliation = await reconcileDue(now).then(ok, failed<ScheduledReconciliation | null>);
    const errors = [billing, reconciliation].filter((outcome) => !outcome.ok).map((outcome) => outcome.error);
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'the schedules failed');
    return { billingRuns: billing.value ?? [], reconciliation: reconciliation.value ?? null };
  }

  const once = () => {
    running ??= tick(options.clock())
      .then((outcome) => {
        const fresh = outcome.billingRuns.filter((start) => !start.replayed).length;
        if (fresh > 0 || (outcome.reconciliation && !outcome.reconciliation.replayed)) {
          options.logger.info({ billingRuns: outcome.billingRuns, reconciliation: outcome.reconciliation }, 'schedules: started');
        }
      })
      .catch((error: unknown) => options.logger.error({ err: error }, 'schedules: a tick failed; the next one tries again'))
      .finally(() => (running = null));
    return running;
  };

  return {
    tick,
    start(intervalMs) {
      if (timer || (!options.billingRun && !options.reconciliation)) return;
      timer = setInterval(() => void once(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

type Outcome<T> = { ok: true; value: T; error?: undefined } | { ok: false; value?: undefined; error: unknown };
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const failed = <T>(error: unknown): Outcome<T> => ({ ok: false, error });
