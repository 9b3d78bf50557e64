/**
 * The contract every event transport keeps (docs/events.md#transports), run on each:
 * in-process on SQLite and PostgreSQL, NATS JetStream. A transport gives a fixture: the transport
 * (not started), the consumers' store (`openConsumerStore`: the kernel's event tables and
 * `contract_effects`), a clock the delivery reads that `advance` moves, and `restart`.
 *
 * The suite builds the `Delivery` options from what it passes to the factory: the retry policy and
 * the jitter (`random`). With `random` fixed at 0.5 the n-th retry waits exactly
 * floor(0.5 * min(max, base * 2^(n-1))) ms of the fixture's clock.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyIfNewer } from '../../../../systems/kernel/events/aggregateVersions.ts';
import { retryCeiling } from '../../../../systems/kernel/events/backoff.ts';
import { deadLetterEnvelope } from '../../../../systems/kernel/events/deadLetters.ts';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventConsumer, EventTransport, RetryPolicy } from '../../../../systems/kernel/events/transport.ts';
import { effectsOf, type ConsumerStoreTables } from './consumerStore.ts';
import { envelope } from './events.ts';

export interface ContractOptions {
  /** The retry policy the fixture's `Delivery` must use. */
  readonly retry: RetryPolicy;
  /** The jitter the fixture's `Delivery` must use. */
  readonly random: () => number;
}

export interface ContractFixture {
  /** Not started yet: the tests start it with their consumers. */
  readonly transport: EventTransport;
  /** The consumers' store (openConsumerStore), the one the fixture's `Delivery` writes to. */
  readonly db: Kysely<ConsumerStoreTables>;
  /** Moves the clock of the fixture's `Delivery` (and transport) forward by `ms`; resolves once retries due by then can be delivered. */
  advance(ms: number): Promise<void>;
  /** Closes the current transport (not the store) and opens a new one on the same store (and stream): not started. */
  restart(): Promise<EventTransport>;
  /** Closes the transport and removes the store (and stream). */
  close(): Promise<void>;
}

export type MakeContractFixture = (options: ContractOptions) => Promise<ContractFixture>;

const RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 };
/** The n-th retry's delay with the jitter fixed at 0.5. */
const delayAfter = (attempt: number) => Math.floor(0.5 * retryCeiling(RETRY, attempt));

interface Call {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly attempt: number;
  readonly at: number;
}

/**
 * A consumer that writes one `contract_effects` row per event in the handler's transaction, then
 * throws while `fail` says so (so a failed attempt's write must be rolled back).
 */
function recorder(
  name: string,
  types: readonly string[] | 'all' = 'all',
  fail: (event: EventEnvelope, attempt: number) => boolean = () => false,
) {
  const calls: Call[] = [];
  const consumer: EventConsumer<ConsumerStoreTables> = {
    name,
    types,
    async handle(event, { trx, attempt, now }) {
      calls.push({ eventId: event.eventId, aggregateId: event.aggregateId, version: event.aggregateVersion, attempt, at: now.getTime() });
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
      if (fail(event, attempt)) throw new Error(`${name} refused ${event.type} v${event.aggregateVersion} (attempt ${attempt})`);
    },
  };
  return { consumer: consumer as EventConsumer, calls };
}

export function transportContract(name: string, make: MakeContractFixture): void {
  describe(`event transport contract: ${name}`, () => {
    let fixture: ContractFixture;
    let transport: EventTransport;
    beforeEach(async () => {
      fixture = await make({ retry: RETRY, random: () => 0.5 });
      transport = fixture.transport;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('delivers every event to every consumer that wants its type, once each', async () => {
      const all1 = recorder('all-1');
      const all2 = recorder('all-2');
      const signedOnly = recorder('signed-only', ['ContractSigned']);
      await transport.start([all1.consumer, all2.consumer, signedOnly.consumer]);
      const won = envelope('OpportunityWon', 'opp-1', 3);
      const signed = envelope('ContractSigned', 'ctr-1', 2, { aggregateType: 'Contract' });
      await transport.publish([won, signed]);
      await transport.drain();
      for (const { calls } of [all1, all2]) expect(calls.map((call) => call.eventId).sort()).toEqual([won.eventId, signed.eventId].sort());
      expect(signedOnly.calls.map((call) => call.eventId)).toEqual([signed.eventId]);
      expect((await effectsOf(fixture.db, 'all-1')).map((row) => row.event_id).sort()).toEqual([won.eventId, signed.eventId].sort());
      expect((await effectsOf(fixture.db, 'signed-only')).map((row) => row.event_id)).toEqual([signed.eventId]);
    });

    it("keeps each aggregate's events in version order for every consumer", async () => {
      const a = recorder('ordered-a');
      const b = recorder('ordered-b');
      await transport.start([a.consumer, b.consumer]);
      const batch = [1, 2, 3, 4, 5].flatMap((version) => [
        envelope('OpportunityUpdated', 'opp-1', version),
        ...(version <= 3 ? [envelope('OpportunityUpdated', 'opp-2', version)] : []),
      ]);
      await transport.publish(batch);
      await transport.publish([envelope('OpportunityUpdated', 'opp-1', 6), envelope('OpportunityUpdated', 'opp-1', 7)]);
      await transport.drain();
      for (const { calls } of [a, b]) {
        expect(calls.filter((call) => call.aggregateId === 'opp-1').map((call) => call.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(calls.filter((call) => call.aggregateId === 'opp-2').map((call) => call.version)).toEqual([1, 2, 3]);
      }
    });

    it('an event published three times (a relay that restarted) is handled once', async () => {
      const { consumer, calls } = recorder('dedupe');
      await transport.start([consumer]);
      const event = envelope('OpportunityWon', 'opp-1', 1);
      await transport.publish([event]);
      await transport.publish([event]);
      await transport.drain();
      await transport.publish([event]);
      await transport.drain();
      expect(calls.map((call) => call.eventId)).toEqual([event.eventId]);
      expect(await effectsOf(fixture.db, 'dedupe')).toHaveLength(1);
    });

    it('tolerates an older version arriving after a newer one (applyIfNewer)', async () => {
      const applied: number[] = [];
      const projection: EventConsumer<EventTables> = {
        name: 'projection',
        types: 'all',
        async handle(event, { trx }) {
          await applyIfNewer(trx, 'projection', event, async () => {
            applied.push(event.aggregateVersion);
          });
        },
      };
      await transport.start([projection as EventConsumer]);
      await transport.publish([envelope('OpportunityUpdated', 'opp-1', 2)]);
      await transport.drain();
      await transport.publish([envelope('OpportunityUpdated', 'opp-1', 1)]);
      await transport.drain();
      expect(applied).toEqual([2]);
      const row = await fixture.db.selectFrom('event_aggregate_versions').selectAll().execute();
      expect(row).toEqual([{ consumer: 'projection', aggregate_type: 'Opportunity', aggregate_id: 'opp-1', version: 2 }]);
      // Both were handled (inbox), one was applied.
      expect(
        await fixture.db
          .selectFrom('event_inbox')
          .select('aggregate_version')
          .where('consumer', '=', 'projection')
          .orderBy('aggregate_version')
          .execute(),
      ).toEqual([{ aggregate_version: 1 }, { aggregate_version: 2 }]);
    });

    it('retries a failing delivery with backoff: fails twice, succeeds on the third attempt, leaves one effect', async () => {
      const { consumer, calls } = recorder('flaky', 'all', (_, attempt) => attempt <= 2);
      await transport.start([consumer]);
      const event = envelope('ContractSigned', 'ctr-1', 1, { aggregateType: 'Contract' });
      await transport.publish([event]);
      await transport.drain();
      expect(calls.map((call) => call.attempt)).toEqual([1]);
      // Not due yet: nothing is delivered before the backoff is over.
      await transport.drain();
      expect(calls.map((call) => call.attempt)).toEqual([1]);
      await fixture.advance(delayAfter(1));
      await transport.drain();
      expect(calls.map((call) => call.attempt)).toEqual([1, 2]);
      await fixture.advance(delayAfter(2));
      await transport.drain();
      expect(calls.map((call) => call.attempt)).toEqual([1, 2, 3]);
      expect([calls[1]!.at - calls[0]!.at, calls[2]!.at - calls[1]!.at]).toEqual([delayAfter(1), delayAfter(2)]);
      expect((await effectsOf(fixture.db, 'flaky')).map((row) => row.event_id)).toEqual([event.eventId]);
      expect(await fixture.db.selectFrom('dead_letters').selectAll().execute()).toEqual([]);
    });

    it('dead-letters a poison event with its error, attempts and first and last failure; a replay after the fix is handled once', async () => {
      let fixed = false;
      const { consumer, calls } = recorder('poisoned', 'all', () => !fixed);
      await transport.start([consumer]);
      const poison = envelope('InvoiceReleased', 'inv-1', 1, { aggregateType: 'Invoice' });
      await transport.publish([poison]);
      for (let attempt = 1; attempt <= RETRY.maxAttempts; attempt++) {
        if (attempt > 1) await fixture.advance(delayAfter(attempt - 1));
        await transport.drain();
      }
      expect(calls.map((call) => call.attempt)).toEqual([1, 2, 3, 4]);
      const [letter, ...others] = await fixture.db.selectFrom('dead_letters').selectAll().execute();
      expect(others).toEqual([]);
      expect(letter).toMatchObject({
        consumer: 'poisoned',
        event_id: poison.eventId,
        event_type: 'InvoiceReleased',
        aggregate_type: 'Invoice',
        aggregate_id: 'inv-1',
        aggregate_version: 1,
        error: 'poisoned refused InvoiceReleased v1 (attempt 4)',
        attempts: 4,
        first_failed_at: new Date(calls[0]!.at).toISOString(),
        last_failed_at: new Date(calls[3]!.at).toISOString(),
        status: 'OPEN',
        replay_count: 0,
        transport: transport.kind,
      });
      expect(deadLetterEnvelope(letter!)).toEqual(poison);
      // Nothing more happens to it on its own.
      await fixture.advance(RETRY.maxDelayMs);
      await transport.drain();
      expect(calls).toHaveLength(4);
      expect(await effectsOf(fixture.db, 'poisoned')).toEqual([]);

      fixed = true;
      await transport.redeliver('poisoned', deadLetterEnvelope(letter!), 'replay-1');
      await transport.drain();
      expect(calls.map((call) => call.attempt)).toEqual([1, 2, 3, 4, 1]);
      // The same replay requested again, twice: the event is not handled again.
      await transport.redeliver('poisoned', deadLetterEnvelope(letter!), 'replay-1');
      await transport.redeliver('poisoned', deadLetterEnvelope(letter!), 'replay-1');
      await transport.drain();
      expect(calls).toHaveLength(5);
      expect((await effectsOf(fixture.db, 'poisoned')).map((row) => row.event_id)).toEqual([poison.eventId]);
    });

    it('keeps what it holds across a restart: a retry waiting and an event not yet delivered reach the new transport', async () => {
      const first = recorder('durable', 'all', (_, attempt) => attempt === 1);
      await transport.start([first.consumer]);
      const waiting = envelope('ContractSigned', 'ctr-1', 1, { aggregateType: 'Contract' });
      await transport.publish([waiting]);
      await transport.drain();
      expect(first.calls.map((call) => call.attempt)).toEqual([1]);
      const undelivered = envelope('ContractSigned', 'ctr-2', 1, { aggregateType: 'Contract' });
      await transport.publish([undelivered]);
      const restarted = await fixture.restart();
      const second = recorder('durable');
      await restarted.start([second.consumer]);
      await fixture.advance(delayAfter(1));
      await restarted.drain();
      const byEvent = Object.fromEntries(second.calls.map((call) => [call.eventId, call.attempt]));
      // The undelivered one may have been delivered by the first transport before it stopped.
      expect(byEvent[waiting.eventId]).toBe(2);
      const effects = (await effectsOf(fixture.db, 'durable')).map((row) => row.event_id).sort();
      expect(effects).toEqual([waiting.eventId, undelivered.eventId].sort());
      expect([...first.calls, ...second.calls].filter((call) => call.eventId === undelivered.eventId && call.attempt === 1)).toHaveLength(
        1,
      );
    });
  });
}
