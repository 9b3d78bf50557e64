/**
 * Change capture by polling (docs/connectors.md#change-capture): a vendor that cannot push its
 * changes to us is asked, every interval, for the records modified since the high-water mark
 * (minus an overlap, because the vendor's stamp is committed out of order across transactions).
 * Each change is compared with what was last seen of its record (`connector_seen`); a record whose
 * fingerprint did not move is skipped, so the overlap and Tessera's own writes (whose events the
 * capability already put in the outbox) give no second event. What is new becomes canonical domain
 * events, written to the ledger's outbox in the same local transaction as the new mark and
 * fingerprints, and the relay publishes them like any capability's (docs/events.md#relay). A record
 * the vendor created without a Tessera id is adopted (adoption.ts): given its id, written back, and
 * announced as a capability creating it would have, once, whoever polls.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { insertOutboxEvents } from '../capability/records.ts';
import type { CapabilityTables } from '../capability/tables.ts';
import type { DomainEventDraft } from '../capability/types.ts';
import { adoptionKey } from './adoption.ts';
import type { ChangeCaptureTables } from './changeCaptureTables.ts';

export type ChangeLedger = Kysely<CapabilityTables & ChangeCaptureTables>;

/** One record as the vendor reports it changed. */
export interface Change {
  /** The record's id in the stream (the canonical id). */
  readonly key: string;
  /** The vendor's modification stamp (ISO UTC): the high-water mark moves to the newest. */
  readonly stamp: string;
  /** What about the record matters for events; an unchanged fingerprint is no change. */
  readonly fingerprint: string;
  /**
   * The vendor's id of a record Tessera has not adopted (it holds no Tessera id, or the one a poll
   * began to give it): adopted (`ChangeStream.adopt`) unless the ledger maps it already.
   */
  readonly adopt?: string;
}

/** A record adopted: its canonical id (the stream's key from now on), its fingerprint as adopted, the events of its creation. */
export interface Adopted {
  readonly key: string;
  readonly fingerprint: string;
  readonly events: DomainEventDraft[];
}

export interface ChangeStream<C extends Change> {
  /** `salesforce:Opportunity`: the key of its mark and of its seen records. */
  readonly name: string;
  /** Changes stamped after `since` (ISO UTC), oldest first; throws a ConnectorFailure when the vendor fails. */
  changesSince(since: string, signal?: AbortSignal): Promise<C[]>;
  /**
   * The events of one change (none is fine), given the fingerprint last seen (null: never seen).
   * May write to the vendor first (e.g. to move the record's version); a change it returns null
   * for is not marked seen, so the next poll tries it again.
   */
  eventsOf(change: C, previous: string | null, signal?: AbortSignal): Promise<DomainEventDraft[] | null>;
  /**
   * Adopts the record of a change with `adopt`: writes its canonical id back to the vendor (the same
   * for every poller: adoptedId), idempotently, and answers the events a capability creating it would
   * have written. Null when there is nothing to adopt (deleted or merged at the vendor meanwhile, or
   * given another Tessera id); throws a ConnectorFailure when the vendor fails.
   */
  adopt?(change: C, signal?: AbortSignal): Promise<Adopted | null>;
}

export interface PollOptions {
  /** How far back before the mark each poll reads again. @default 60000 */
  readonly overlapMs?: number;
  /** @default the system clock */
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface PollResult {
  readonly stream: string;
  readonly changes: number;
  readonly events: number;
  /** The high-water mark after the poll. */
  readonly mark: string;
}

/**
 * One poll of `stream`. The first poll of a stream starts from now: what the vendor held before
 * is the baseline, not news. Returns what it saw and wrote.
 */
export async function pollOnce<C extends Change>(
  ledger: ChangeLedger,
  stream: ChangeStream<C>,
  options: PollOptions = {},
): Promise<PollResult> {
  const now = options.now ?? (() => new Date());
  const overlapMs = options.overlapMs ?? 60_000;
  const startedAt = now().toISOString();
  const row = await ledger.selectFrom('connector_watermarks').selectAll().where('stream', '=', stream.name).executeTakeFirst();
  if (!row) {
    await ledger.insertInto('connector_watermarks').values({ stream: stream.name, mark: startedAt, polled_at: startedAt }).execute();
    return { stream: stream.name, changes: 0, events: 0, mark: startedAt };
  }
  const since = new Date(Date.parse(row.mark) - overlapMs).toISOString();
  const changes = await stream.changesSince(since, options.signal);
  const seen = new Map<string, string>();
  const keys = changes.flatMap((change) => [
    `${stream.name}|${change.key}`,
    ...(change.adopt === undefined ? [] : [adoptionKey(stream.name, change.adopt)]),
  ]);
  for (let start = 0; start < keys.length; start += 200) {
    const rows = await ledger
      .selectFrom('connector_seen')
      .select(['id', 'fingerprint'])
      .where('id', 'in', keys.slice(start, start + 200))
      .execute();
    for (const { id, fingerprint } of rows) seen.set(id, fingerprint);
  }
  const events: DomainEventDraft[] = [];
  const marked: { id: string; fingerprint: string }[] = [];
  const adoptions: {
    mapping: { id: string; fingerprint: string };
    seen: { id: string; fingerprint: string };
    events: DomainEventDraft[];
  }[] = [];
  let mark = row.mark;
  for (const change of changes) {
    if (change.adopt !== undefined && stream.adopt && !seen.has(adoptionKey(stream.name, change.adopt))) {
      const adopted = await stream.adopt(change, options.signal);
      if (adopted !== null) {
        const mapping = { id: adoptionKey(stream.name, change.adopt), fingerprint: adopted.key };
        adoptions.push({
          mapping,
          seen: { id: `${stream.name}|${adopted.key}`, fingerprint: adopted.fingerprint },
          events: adopted.events,
        });
        seen.set(mapping.id, mapping.fingerprint);
      }
      if (change.stamp > mark) mark = change.stamp;
      continue;
    }
    const id = `${stream.name}|${change.key}`;
    const previous = seen.get(id) ?? null;
    if (previous !== change.fingerprint) {
      const drafts = await stream.eventsOf(change, previous, options.signal);
      if (drafts === null) break; // retried from here on the next poll: the mark stays before it
      events.push(...drafts);
      marked.push({ id, fingerprint: change.fingerprint });
      seen.set(id, change.fingerprint);
    }
    if (change.stamp > mark) mark = change.stamp;
  }
  await ledger.transaction().execute(async (trx) => {
    for (const adoption of adoptions) {
      // One mapping per vendor record: a poller that finds it taken lost a race and announces nothing.
      const inserted = await trx
        .insertInto('connector_seen')
        .values({ ...adoption.mapping, seen_at: startedAt })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      events.push(...adoption.events);
      marked.push(adoption.seen);
    }
    for (const entry of marked) {
      await trx
        .insertInto('connector_seen')
        .values({ ...entry, seen_at: startedAt })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ fingerprint: entry.fingerprint, seen_at: startedAt }))
        .execute();
    }
    const correlationId = `poll:${randomUUID()}`;
    await insertOutboxEvents(trx as unknown as Kysely<CapabilityTables>, events, { requestId: correlationId }, now());
    await trx.updateTable('connector_watermarks').set({ mark, polled_at: startedAt }).where('stream', '=', stream.name).execute();
  });
  return { stream: stream.name, changes: changes.length, events: events.length, mark };
}

export interface PollerOptions extends Omit<PollOptions, 'signal'> {
  readonly intervalMs: number;
  /** Called after a poll wrote events: the relay's `wake`. */
  readonly onEvents?: () => void;
  /** A poll that failed (the vendor down, the budget spent): logged; the next interval tries again. */
  readonly onError: (stream: string, error: unknown) => void;
}

export interface Poller {
  /** Polls `names` (default: every stream) now, after the round in flight; rejects when a stream's poll failed. */
  wake(names?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Polls every stream every `intervalMs` until stopped (or woken: a webhook); a poll in flight is called off by `stop`. */
export function startPoller(ledger: ChangeLedger, streams: readonly ChangeStream<Change>[], options: PollerOptions): Poller {
  const controller = new AbortController();
  let running: Promise<void> = Promise.resolve();
  /** Polls `polled` once; a failed stream is reported and, when `failures` is given, collected. */
  const round = async (polled: readonly ChangeStream<Change>[] = streams, failures?: unknown[]) => {
    let wrote = false;
    for (const stream of polled) {
      if (controller.signal.aborted) return;
      try {
        wrote = (await pollOnce(ledger, stream, { ...options, signal: controller.signal })).events > 0 || wrote;
      } catch (error) {
        if (!controller.signal.aborted) options.onError(stream.name, error);
        failures?.push(error);
      }
    }
    if (wrote) options.onEvents?.();
  };
  const timer = setInterval(() => {
    running = running.then(() => round());
  }, options.intervalMs);
  timer.unref();
  running = round();
  return {
    wake(names) {
      // After the round in flight (never two polls of one stream at once), so a change made before the wake is seen.
      const failures: unknown[] = [];
      const polled = names ? streams.filter((stream) => names.includes(stream.name)) : streams;
      const woken = running.then(() => round(polled, failures));
      running = woken;
      return woken.then(() => {
        if (failures.length > 0) throw failures[0];
      });
    },
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
