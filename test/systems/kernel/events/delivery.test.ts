import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../../../core/metrics.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { applyIfNewer, appliedVersion } from '../../../../systems/kernel/events/aggregateVersions.ts';
import { retryCeiling, retryDelay } from '../../../../systems/kernel/events/backoff.ts';
import { createDelivery } from '../../../../systems/kernel/events/delivery.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import { inboxEntry } from '../../../../systems/kernel/events/inbox.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventConsumer } from '../../../../systems/kernel/events/transport.ts';
import { tempSqliteStore, type TempStore } from '../../../harness/tempDatabase.ts';
import { effectsOf, openConsumerStore, type ConsumerStoreTables } from './consumerStore.ts';
import { envelope } from './events.ts';

const T0 = new Date('2025-01-01T00:00:10.000Z');
const POLICY = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };

let temp: TempStore;
let db: Kysely<ConsumerStoreTables>;
beforeEach(async () => {
  temp = tempSqliteStore();
  db = await openConsumerStore(temp.store);
});
afterEach(async () => {
  await closeDatabase(db as Kysely<unknown>);
  await temp.remove();
});

/** A consumer that writes one effects row per event, then throws while `failing` says so. */
function writer(name: string, failing: (attempt: number) => boolean = () => false) {
  const calls: number[] = [];
  const consumer: EventConsumer<ConsumerStoreTables> = {
    name,
    types: 'all',
    async handle(event, { trx, attempt }) {
      calls.push(attempt);
      await trx
        .insertInto('contract_effects')
        .values({
          id: `${name}:${event.eventId}`,
          consumer: name,
          event_id: event.eventId,
          aggregate_id: event.aggregateId,
          version: event.aggregateVersion,
        })
        .execute();
      if (failing(attempt)) throw new TypeError(`attempt ${attempt} failed`);
    },
  };
  return { consumer: consumer as EventConsumer, calls };
}

const deliveryOf = (options: { random?: () => number; metrics?: Metrics } = {}) =>
  createDelivery({
    db: db as unknown as Kysely<EventTables>,
    clock: () => T0,
    retry: POLICY,
    transport: 'in-process',
    random: () => 0.5,
    ...options,
  });

describe('delivery', () => {
  it('handles an event once: a second delivery of the same event id is a duplicate and the handler does not run', async () => {
    const { consumer, calls } = writer('c1');
    const event = envelope('OpportunityWon', 'opp-1', 1);
    const delivery = deliveryOf();
    expect(await delivery.deliver(consumer, event, 1)).toEqual({ kind: 'handled', duplicate: false });
    expect(await delivery.deliver(consumer, event, 1)).toEqual({ kind: 'handled', duplicate: true });
    expect(calls).toEqual([1]);
    expect((await effectsOf(db, 'c1')).map((row) => row.event_id)).toEqual([event.eventId]);
    expect(await inboxEntry(db as unknown as Kysely<EventTables>, 'c1', event.eventId)).toEqual({
      consumer: 'c1',
      event_id: event.eventId,
      event_type: 'OpportunityWon',
      aggregate_type: 'Opportunity',
      aggregate_id: 'opp-1',
      aggregate_version: 1,
      handled_at: T0.toISOString(),
    });
  });

  it('a handler that throws leaves no writes and no inbox row, and is retried after a jittered backoff', async () => {
    const { consumer } = writer('c1', () => true);
    const event = envelope('OpportunityWon', 'opp-1', 1);
    const delivery = deliveryOf({ random: () => 0.25 });
    expect(await delivery.deliver(consumer, event, 1)).toEqual({ kind: 'retry', delayMs: 250, error: 'TypeError: attempt 1 failed' });
    expect(await delivery.deliver(consumer, event, 2)).toEqual({ kind: 'retry', delayMs: 500, error: 'TypeError: attempt 2 failed' });
    expect(await effectsOf(db, 'c1')).toEqual([]);
    expect(await inboxEntry(db as unknown as Kysely<EventTables>, 'c1', event.eventId)).toBeUndefined();
  });

  it('the last allowed failure is a dead letter with the error, the attempts and the first and last failure', async () => {
    const { consumer } = writer('c1', () => true);
    const event = envelope('OpportunityWon', 'opp-1', 4);
    const first = new Date('2025-01-01T00:00:01.000Z');
    const outcome = await deliveryOf().deliver(consumer, event, 3, first);
    expect(outcome.kind).toBe('dead-lettered');
    const rows = await db.selectFrom('dead_letters').selectAll().execute();
    expect(rows).toEqual([
      {
        id: outcome.kind === 'dead-lettered' ? outcome.deadLetterId : '',
        consumer: 'c1',
        event_id: event.eventId,
        event_type: 'OpportunityWon',
        aggregate_type: 'Opportunity',
        aggregate_id: 'opp-1',
        aggregate_version: 4,
        envelope_json: JSON.stringify(event),
        error: 'TypeError: attempt 3 failed',
        attempts: 3,
        first_failed_at: first.toISOString(),
        last_failed_at: T0.toISOString(),
        status: 'OPEN',
        replay_count: 0,
        resolved_at: null,
        resolved_by: null,
        discard_reason: null,
        transport: 'in-process',
      },
    ]);
    expect(await effectsOf(db, 'c1')).toEqual([]);
    // The same delivery dead-lettered again (a crash before the transport let go) stays one dead letter.
    await deliveryOf().deliver(consumer, event, 3, first);
    expect(await db.selectFrom('dead_letters').select('id').execute()).toHaveLength(1);
  });

  it('counts outcomes, retries and lag', async () => {
    const metrics = new Metrics();
    const ok = writer('ok');
    const bad = writer('bad', () => true);
    const delivery = deliveryOf({ metrics });
    const event = envelope('OpportunityWon', 'opp-1', 1, { occurredAt: '2025-01-01T00:00:08.000Z' });
    await delivery.deliver(ok.consumer, event, 1);
    await delivery.deliver(ok.consumer, event, 1);
    await delivery.deliver(bad.consumer, event, 1);
    await delivery.deliver(bad.consumer, event, 3);
    const text = await metrics.render();
    expect(text).toContain('tessera_event_deliveries_total{consumer="ok",outcome="handled"} 1\n');
    expect(text).toContain('tessera_event_deliveries_total{consumer="ok",outcome="duplicate"} 1\n');
    expect(text).toContain('tessera_event_deliveries_total{consumer="bad",outcome="retry"} 1\n');
    expect(text).toContain('tessera_event_deliveries_total{consumer="bad",outcome="dead_lettered"} 1\n');
    expect(text).toContain('tessera_event_retries_total{consumer="bad"} 1\n');
    expect(text).toContain('tessera_event_lag_seconds_bucket{le="1",consumer="ok"} 0\n');
    expect(text).toContain('tessera_event_lag_seconds_bucket{le="2.5",consumer="ok"} 1\n');
    expect(text).toContain('tessera_event_lag_seconds_sum{consumer="ok"} 2\n');
    expect(text).toContain('tessera_event_lag_seconds_count{consumer="ok"} 1\n');
  });
});

describe('retry backoff', () => {
  it('waits a uniformly random time below min(max, base * 2^(attempt-1)): full jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseDelayMs, extra, attempt, r) => {
          const policy = { maxAttempts: 50, baseDelayMs, maxDelayMs: baseDelayMs + extra };
          const ceiling = Math.min(policy.maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          expect(retryCeiling(policy, attempt)).toBe(ceiling);
          const delay = retryDelay(policy, attempt, () => r);
          expect(delay).toBe(Math.floor(r * ceiling));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });
});

describe('applyIfNewer', () => {
  const apply = async (event: EventEnvelope, applied: number[]) =>
    db.transaction().execute((trx) =>
      applyIfNewer(trx as unknown as Kysely<EventTables>, 'projection', event, async () => {
        applied.push(event.aggregateVersion);
      }),
    );

  it('applies versions in any order only while they are newer than the last applied', async () => {
    const applied: number[] = [];
    expect(await apply(envelope('X', 'opp-1', 2), applied)).toBe(true);
    expect(await apply(envelope('X', 'opp-1', 1), applied)).toBe(false);
    expect(await apply(envelope('X', 'opp-1', 2), applied)).toBe(false);
    expect(await apply(envelope('X', 'opp-1', 3), applied)).toBe(true);
    expect(await apply(envelope('X', 'opp-2', 1), applied)).toBe(true);
    expect(applied).toEqual([2, 3, 1]);
    expect(await appliedVersion(db as unknown as Kysely<EventTables>, 'projection', 'Opportunity', 'opp-1')).toBe(3);
    expect(await appliedVersion(db as unknown as Kysely<EventTables>, 'other', 'Opportunity', 'opp-1')).toBeNull();
  });

  it('keeps the applied version when the apply throws', async () => {
    await apply(envelope('X', 'opp-1', 1), []);
    await expect(
      db.transaction().execute((trx) =>
        applyIfNewer(trx as unknown as Kysely<EventTables>, 'projection', envelope('X', 'opp-1', 5), async () => {
          throw new Error('no');
        }),
      ),
    ).rejects.toThrow('no');
    expect(await appliedVersion(db as unknown as Kysely<EventTables>, 'projection', 'Opportunity', 'opp-1')).toBe(1);
  });
});
