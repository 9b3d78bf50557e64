/**
 * Real dead letters for the dead-letter operations (docs/events.md#dead-letters): consumers that fail
 * on the process engine's in-process transport, over the integration system's own store (the store
 * the operations read), with a retry policy of two attempts and a clock the test moves. The engine
 * attaches its transport for replays; a bench puts a recorder of every redelivery the operations ask
 * for in front of it, and can take it away (no transport: DOWNSTREAM_UNAVAILABLE).
 */
import type { Kysely } from 'kysely';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { attachRedelivery } from '../../../systems/integration/deadLetters/redelivery.ts';
import type { CapabilityTables } from '../../../systems/kernel/capability/tables.ts';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import type { EventTables } from '../../../systems/kernel/events/tables.ts';
import type { EventConsumer, EventTransport, RetryPolicy } from '../../../systems/kernel/events/transport.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';

/** Two attempts; the retry after the first waits half the ceiling (random 0.5): 500 ms. */
export const RETRY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 };
/** How long after the first failed attempt the second (the last) is made. */
export const SECOND_ATTEMPT_AFTER_MS = 60_000;

export type StoreTables = EventTables & CapabilityTables;

/** The clock of the transport, the deliveries and the capabilities (the Tessera's `now`). */
export class TestClock {
  constructor(private instant: Date) {}
  readonly now = (): Date => this.instant;
  set(iso: string): void {
    this.instant = new Date(iso);
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

/** A consumer that throws while `failing`; records every event it handled (committed) once fixed. */
export class FlakyConsumer implements EventConsumer {
  failing = true;
  readonly handled: string[] = [];
  constructor(
    readonly name: string,
    readonly types: readonly string[],
  ) {}
  async handle(event: EventEnvelope): Promise<void> {
    if (this.failing) throw new Error(`${this.name}: the ledger refused ${event.type} ${event.aggregateId}`);
    this.handled.push(event.eventId);
  }
}

export function ops(sub: string, scope = 'ops:read ops:write audit:read'): PrincipalClaims {
  return { sub, scope, legal_entities: '*' };
}

let sequence = 0;

/** An envelope as a system's relay would publish it; ids unique per call. */
export function envelope(type: string, aggregateType: string, aggregateId: string, version = 1): EventEnvelope {
  sequence += 1;
  return {
    eventId: `evt-${process.pid}-${sequence}`,
    type,
    source: 'erp',
    aggregateType,
    aggregateId,
    aggregateVersion: version,
    occurredAt: '2026-05-01T08:00:00.000Z',
    correlationId: `corr-${sequence}`,
    causationId: `cause-${sequence}`,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    legalEntityId: 'le_US01',
    payload: { invoiceNumber: `INV-${sequence}`, total: { amount: '1200.00', currency: 'USD' } },
  };
}

export interface Bench {
  readonly db: Kysely<StoreTables>;
  readonly transport: EventTransport;
  /** Every redelivery the operations asked the attached transport for: [consumer, eventId, replayId]. */
  readonly redeliveries: [string, string, string][];
  /**
   * Publishes `event`, lets its first attempt fail now and its last one SECOND_ATTEMPT_AFTER_MS
   * later (the clock is left there); answers the dead letter's id (none: the query throws).
   */
  deadLetter(event: EventEnvelope, consumer: FlakyConsumer): Promise<string>;
  /** The recorder in front of the engine's transport. */
  attach(): void;
  /** No transport attached at all. */
  detach(): void;
  /** The engine's transport attached again, as the engine left it. */
  close(): Promise<void>;
}

/** Tessera with no demo data, its process engine delivering by `clock` with RETRY and the jitter at 0.5. */
export function startOpsTessera(clock: TestClock): Promise<TestTessera> {
  return startTestTessera({ scale: 'none', now: clock.now, processEngine: { deliveryRetry: RETRY, random: () => 0.5 } });
}

/** `consumers` on the engine's transport, and a recorder of redeliveries attached in front of it. */
export async function openBench(tessera: TestTessera, clock: TestClock, consumers: readonly FlakyConsumer[]): Promise<Bench> {
  const engine = tessera.tessera.engine;
  if (!engine) throw new Error('the integration system runs no process engine here');
  const db = tessera.tessera.systems.integration!.db as unknown as Kysely<StoreTables>;
  const transport = engine.transport;
  await transport.start(consumers);
  const redeliveries: [string, string, string][] = [];
  const recorder = {
    redeliver: async (consumer: string, event: EventEnvelope, replayId: string) => {
      redeliveries.push([consumer, event.eventId, replayId]);
      await transport.redeliver(consumer, event, replayId);
    },
  };
  let detach: (() => void) | null = null;
  const bench: Bench = {
    db,
    transport,
    redeliveries,
    async deadLetter(event, consumer) {
      // Other consumers of the engine (webhooks: every type) take the event too, and handle it.
      await transport.publish([event]);
      await transport.drain();
      clock.advance(SECOND_ATTEMPT_AFTER_MS);
      await transport.drain();
      const row = await db
        .selectFrom('dead_letters')
        .select('id')
        .where('event_id', '=', event.eventId)
        .where('consumer', '=', consumer.name)
        .executeTakeFirstOrThrow();
      return row.id;
    },
    attach() {
      detach?.();
      detach = attachRedelivery(db, recorder);
    },
    detach() {
      detach?.();
      detach = null;
    },
    async close() {
      bench.detach();
      // The engine's own attachment back (the consumers stay: the transport has no way to drop one).
      attachRedelivery(db, transport);
    },
  };
  bench.attach();
  return bench;
}
