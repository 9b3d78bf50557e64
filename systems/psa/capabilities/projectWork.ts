/**
 * What stops a project from closing or from being cancelled (docs/invariants.md#inv-22), decided
 * from the tallies the system of record counts (`ProjectWork`): each reason names the kind of work,
 * how many and what value, so the refusal says what to do before trying again.
 */
import { formatHours, money } from '../../kernel/decimal.ts';
import type { ProjectWork, SourceTally } from '../ports/lifecyclePorts.ts';

/** Billing states of approved work not billed yet (docs/state-machines.md#billing-status). */
export const UNBILLED_STATES: readonly string[] = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT'];
/** Source kinds whose unapproved sources are told by their own record: the week's timecard, the milestone's delivery. */
const APPROVED_ELSEWHERE: readonly string[] = ['TIME_SPLIT', 'MILESTONE'];
/** Milestone delivery states before any delivery (cancelling leaves them as they are). */
const UNDELIVERED: readonly string[] = ['PLANNED', 'IN_PROGRESS'];

const KIND_NAMES: Readonly<Record<string, string>> = { TIME_SPLIT: 'time entries', MILESTONE: 'milestones', EXPENSE: 'expenses' };

const kindName = (sourceType: string) => KIND_NAMES[sourceType] ?? `${sourceType} sources`;
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const value = (amountE4: number, currency: string) => `${money(amountE4, currency).amount} ${currency}`;
const sum = <T>(items: readonly T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

/** Per status, in the tallies' order: `2 SUBMITTED, 1 REJECTED`. */
function byStatus<T extends { count: number }>(items: readonly T[], status: (item: T) => string): string {
  return items.map((item) => `${item.count} ${status(item)}`).join(', ');
}

/** Sources of each kind in `states`, one phrase per kind: `time entries: 3 READY_TO_BILL (1350.00 USD), 1 ON_DRAFT (450.00 USD)`. */
function sourcePhrases(sources: readonly SourceTally[], keep: (source: SourceTally) => boolean, currency: string): string[] {
  const kinds = new Map<string, SourceTally[]>();
  for (const source of sources.filter(keep)) kinds.set(source.sourceType, [...(kinds.get(source.sourceType) ?? []), source]);
  return [...kinds].map(
    ([kind, tallies]) =>
      `${kindName(kind)}: ${tallies.map((t) => `${t.count} ${t.billingStatus} (${value(t.amountE4, currency)})`).join(', ')}`,
  );
}

/**
 * The work that keeps a project open, empty when it may close: timecards not approved, milestones
 * not delivered or awaiting the customer's acceptance, and every billable source approved but not
 * billed (ready, on a billing hold, on a draft) or, for kinds approved one by one, not approved.
 */
export function openWork(work: ProjectWork, currency: string): string[] {
  const reasons: string[] = [];
  const timecards = work.timecards.filter((t) => t.status !== 'APPROVED');
  if (timecards.length > 0) {
    const count = sum(timecards, (t) => t.count);
    reasons.push(
      `${plural(count, 'timecard')} not approved (${byStatus(timecards, (t) => t.status)}; ${formatHours(sum(timecards, (t) => t.hoursE2))} hours)`,
    );
  }
  const unapproved = work.milestones.filter((m) => m.billingStatus === 'UNAPPROVED');
  const undelivered = unapproved.filter((m) => m.status !== 'COMPLETE');
  if (undelivered.length > 0) {
    reasons.push(
      `${plural(
        sum(undelivered, (m) => m.count),
        'milestone',
      )} not delivered (${byStatus(undelivered, (m) => m.status)}; ${value(
        sum(undelivered, (m) => m.amountE4),
        currency,
      )})`,
    );
  }
  const awaiting = unapproved.filter((m) => m.status === 'COMPLETE');
  if (awaiting.length > 0) {
    reasons.push(
      `${plural(
        sum(awaiting, (m) => m.count),
        'milestone',
      )} awaiting the customer's acceptance (${value(
        sum(awaiting, (m) => m.amountE4),
        currency,
      )})`,
    );
  }
  reasons.push(
    ...sourcePhrases(
      work.sources,
      (s) => UNBILLED_STATES.includes(s.billingStatus) || (s.billingStatus === 'UNAPPROVED' && !APPROVED_ELSEWHERE.includes(s.sourceType)),
      currency,
    ),
  );
  return reasons;
}

/**
 * The work recorded on a project, empty when it may be cancelled: any timecard, any milestone
 * delivered or in billing, any other billable source (time, expenses, ...) and any billing draft.
 */
export function recordedWork(work: ProjectWork): string[] {
  const reasons: string[] = [];
  const timecards = sum(work.timecards, (t) => t.count);
  if (timecards > 0) reasons.push(plural(timecards, 'timecard'));
  const delivered = sum(
    work.milestones.filter((m) => !UNDELIVERED.includes(m.status) || m.billingStatus !== 'UNAPPROVED'),
    (m) => m.count,
  );
  if (delivered > 0) reasons.push(`${plural(delivered, 'milestone')} delivered`);
  const kinds = new Map<string, number>();
  for (const source of work.sources.filter((s) => s.sourceType !== 'MILESTONE'))
    kinds.set(source.sourceType, (kinds.get(source.sourceType) ?? 0) + source.count);
  for (const [kind, count] of kinds) reasons.push(`${count} ${kindName(kind)}`);
  const drafts = sum(work.drafts, (d) => d.count);
  if (drafts > 0) reasons.push(plural(drafts, 'billing draft'));
  return reasons;
}

/** The value of a project's sources in a billing state (every kind), e4 in the project's currency. */
export function valueIn(work: ProjectWork, billingStatus: string): number {
  return sum(
    work.sources.filter((s) => s.billingStatus === billingStatus),
    (s) => s.amountE4,
  );
}
