import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryCeiling } from '../../../../systems/kernel/events/backoff.ts';
import type { EventConsumer, EventTransport } from '../../../../systems/kernel/events/transport.ts';
import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import type { ConsumerStoreTables } from './consumerStore.ts';
import { envelope } from './events.ts';
import { inProcessFixture } from './inProcessFixture.ts';
import { transportContract, type ContractFixture } from './transport.contract.ts';

const make = inProcessFixture(async () => tempSqliteStore());
transportContract('in-process on SQLite', make);

describe('in-process transport', () => {
  const retry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };
  let fixture: ContractFixture;
  let transport: EventTransport;
  beforeEach(async () => {
    fixture = await make({ retry, random: () => 0.5 });
    transport = fixture.transport;
  });
  afterEach(() => fixture.close());

  it('holds back later versions of an aggregate while an earlier one waits for its retry; other aggregates go on', async () => {
    const seen: string[] = [];
    let failV1 = true;
    const consumer: EventConsumer = {
      name: 'strict',
      types: 'all',
      async handle(event) {
        seen.push(`${event.aggregateId}@${event.aggregateVersion}`);
        if (event.aggregateId === 'opp-1' && event.aggregateVersion === 1 && failV1) throw new Error('not yet');
      },
    };
    await transport.start([consumer]);
    await transport.publish([envelope('U', 'opp-1', 1), envelope('U', 'opp-1', 2), envelope('U', 'opp-2', 1), envelope('U', 'opp-1', 3)]);
    await transport.drain();
    expect(seen).toEqual(['opp-1@1', 'opp-2@1']);
    const queued = await (fixture.db as Kysely<ConsumerStoreTables>)
      .selectFrom('event_queue')
      .select(['aggregate_version', 'attempts', 'last_error', 'next_attempt_at', 'first_failed_at'])
      .orderBy('aggregate_version')
      .execute();
    expect(queued).toEqual([
      {
        aggregate_version: 1,
        attempts: 1,
        last_error: 'not yet',
        next_attempt_at: '2025-03-01T09:00:00.500Z',
        first_failed_at: '2025-03-01T09:00:00.000Z',
      },
      { aggregate_version: 2, attempts: 0, last_error: null, next_attempt_at: '2025-03-01T09:00:00.000Z', first_failed_at: null },
      { aggregate_version: 3, attempts: 0, last_error: null, next_attempt_at: '2025-03-01T09:00:00.000Z', first_failed_at: null },
    ]);
    failV1 = false;
    await fixture.advance(Math.floor(0.5 * retryCeiling(retry, 1)));
    await transport.drain();
    expect(seen).toEqual(['opp-1@1', 'opp-2@1', 'opp-1@1', 'opp-1@2', 'opp-1@3']);
    expect(await fixture.db.selectFrom('event_queue').selectAll().execute()).toEqual([]);
  });

  it('delivers on its own once started: publish wakes the dispatcher', async () => {
    let handled!: (eventId: string) => void;
    const delivered = new Promise<string>((resolve) => (handled = resolve));
    await transport.start([{ name: 'live', types: 'all', handle: async (event) => handled(event.eventId) }]);
    const event = envelope('OpportunityWon', 'opp-1', 1);
    await transport.publish([event]);
    expect(await delivered).toBe(event.eventId);
  });

  it('refuses to publish before it knows a consumer, to redeliver without a replay id, and two consumers of one name', async () => {
    await expect(transport.publish([envelope('U', 'opp-1', 1)])).rejects.toThrow('has no consumers yet');
    await expect(transport.redeliver('x', envelope('U', 'opp-1', 1), '')).rejects.toThrow('needs a replay id');
    const handle = async () => {};
    await transport.start([{ name: 'twin', types: 'all', handle }]);
    await expect(transport.start([{ name: 'twin', types: 'all', handle }])).rejects.toThrow('Two event consumers are named twin.');
  });

  it('queues nothing for an event no consumer wants', async () => {
    await transport.start([{ name: 'picky', types: ['ContractSigned'], handle: async () => {} }]);
    await transport.publish([envelope('OpportunityWon', 'opp-1', 1)]);
    expect(await fixture.db.selectFrom('event_queue').selectAll().execute()).toEqual([]);
    expect(await transport.drain()).toBe(0);
  });
});
