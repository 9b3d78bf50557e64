import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { Metrics } from '../../../../core/metrics.ts';
import {
  deadLetterEnvelope,
  exportDeadLetterDepth,
  getDeadLetter,
  listDeadLetters,
  markDiscarded,
  markReplayed,
  openDeadLetterCounts,
  recordDeadLetter,
} from '../../../../systems/kernel/events/deadLetters.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import { tempSqliteStore, type TempStore } from '../../../harness/tempDatabase.ts';
import { openConsumerStore } from './consumerStore.ts';
import { envelope } from './events.ts';

let temp: TempStore;
let db: Kysely<EventTables>;
beforeEach(async () => {
  temp = tempSqliteStore();
  db = (await openConsumerStore(temp.store)) as unknown as Kysely<EventTables>;
});
afterEach(async () => {
  await closeDatabase(db as Kysely<unknown>);
  await temp.remove();
});

const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, second));

async function fail(consumer: string, type: string, second: number) {
  const event = envelope(type, `opp-${second}`, 1);
  const id = await recordDeadLetter(db, {
    consumer,
    event,
    error: `boom ${second}`,
    attempts: 8,
    firstFailedAt: at(0),
    lastFailedAt: at(second),
    transport: 'nats',
  });
  return { id, event };
}

describe('dead-letter store', () => {
  it('lists by filter in last-failure order, pages after a row, and keeps the envelope', async () => {
    const a = await fail('sagas', 'OpportunityWon', 3);
    const b = await fail('webhooks', 'OpportunityWon', 1);
    const c = await fail('sagas', 'ContractSigned', 2);
    expect((await listDeadLetters(db, {})).map((row) => row.id)).toEqual([b.id, c.id, a.id]);
    expect((await listDeadLetters(db, { consumer: 'sagas' })).map((row) => row.id)).toEqual([c.id, a.id]);
    expect((await listDeadLetters(db, { eventType: 'OpportunityWon', status: 'OPEN' })).map((row) => row.id)).toEqual([b.id, a.id]);
    expect((await listDeadLetters(db, { failedFrom: at(2), failedBefore: at(3) })).map((row) => row.id)).toEqual([c.id]);
    expect((await listDeadLetters(db, { aggregateId: 'opp-3' })).map((row) => row.id)).toEqual([a.id]);
    const first = await listDeadLetters(db, {}, { limit: 2 });
    expect((await listDeadLetters(db, {}, { limit: 2, after: first[1]! })).map((row) => row.id)).toEqual([a.id]);
    expect(deadLetterEnvelope((await getDeadLetter(db, a.id))!)).toEqual(a.event);
  });

  it('resolves an OPEN dead letter once: replayed or discarded, never both, never twice', async () => {
    const a = await fail('sagas', 'OpportunityWon', 1);
    const b = await fail('sagas', 'OpportunityWon', 2);
    expect(Object.fromEntries(await openDeadLetterCounts(db))).toEqual({ sagas: 2 });
    const metrics = new Metrics();
    await exportDeadLetterDepth(db, metrics, ['webhooks']);
    expect(await metrics.render()).toContain('tessera_dead_letters{consumer="sagas"} 2\ntessera_dead_letters{consumer="webhooks"} 0\n');
    expect(await markReplayed(db, a.id, 'ops-1', at(10))).toBe(true);
    expect(await markReplayed(db, a.id, 'ops-1', at(11))).toBe(false);
    expect(await markDiscarded(db, a.id, 'ops-1', 'late', at(12))).toBe(false);
    expect(await markDiscarded(db, b.id, 'ops-2', 'duplicate test data', at(13))).toBe(true);
    const [replayed, discarded] = [await getDeadLetter(db, a.id), await getDeadLetter(db, b.id)];
    expect(replayed).toMatchObject({ status: 'REPLAYED', replay_count: 1, resolved_by: 'ops-1', resolved_at: at(10).toISOString() });
    expect(discarded).toMatchObject({ status: 'DISCARDED', replay_count: 0, resolved_by: 'ops-2', discard_reason: 'duplicate test data' });
    expect(Object.fromEntries(await openDeadLetterCounts(db))).toEqual({});
    await exportDeadLetterDepth(db, metrics, ['webhooks']);
    expect(await metrics.render()).toContain('# TYPE tessera_dead_letters gauge\ntessera_dead_letters{consumer="webhooks"} 0\n');
    // A replay that fails again is a new dead letter: the replayed one stays as it was.
    const again = await recordDeadLetter(db, {
      consumer: 'sagas',
      event: a.event,
      error: 'still',
      attempts: 8,
      firstFailedAt: at(20),
      lastFailedAt: at(21),
      transport: 'nats',
    });
    expect(again).not.toBe(a.id);
    expect((await listDeadLetters(db, { status: 'OPEN' })).map((row) => row.id)).toEqual([again]);
  });
});
