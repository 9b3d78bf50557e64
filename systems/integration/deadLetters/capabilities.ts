/**
 * The dead-letter operations (docs/events.md#dead-letters), capabilities of the integration system:
 * idempotent by key and audited like every other.
 *
 * A replay puts the event in front of its consumer again through the running transport
 * (`EventTransport.redeliver`) in `prepare`, before the capability's transaction (a transaction is
 * never held across the transport, whose in-process queue is in this same store), then the effect
 * marks the letter REPLAYED. The replay id is one per letter, so a call retried after a crash
 * between the two, or two calls replaying the same letter, deliver it once.
 */
import { rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { deadLetterEnvelope, type DeadLetterFilter } from '../../kernel/events/deadLetters.ts';
import type { DeadLetterRow } from '../../kernel/events/tables.ts';
import type { IntegrationContext } from '../context.ts';
import type { IntegrationPorts } from '../ports/ports.ts';
import { redeliveryFor, replayIdOf } from './redelivery.ts';

type Handler<Input, Result extends Record<string, unknown>, Facts = undefined> = CapabilityHandler<
  IntegrationPorts,
  IntegrationContext,
  Input,
  Result,
  Facts
>;

/** The most dead letters one replayDeadLetters call replays. */
export const MAX_REPLAY_BATCH = 100;

export interface DeadLetterFilterInput {
  readonly consumer?: string | null;
  readonly eventType?: string | null;
  readonly status?: 'OPEN' | 'REPLAYED' | 'DISCARDED' | null;
  readonly aggregateId?: string | null;
  readonly from?: string | null;
  readonly to?: string | null;
}

export function deadLetterFilter(input: DeadLetterFilterInput | null | undefined): DeadLetterFilter {
  return {
    ...(input?.consumer ? { consumer: input.consumer } : {}),
    ...(input?.eventType ? { eventType: input.eventType } : {}),
    ...(input?.status ? { status: input.status } : {}),
    ...(input?.aggregateId ? { aggregateId: input.aggregateId } : {}),
    ...(input?.from ? { failedFrom: new Date(input.from) } : {}),
    ...(input?.to ? { failedBefore: new Date(input.to) } : {}),
  };
}

async function redeliver(ctx: IntegrationContext, letters: readonly DeadLetterRow[]): Promise<void> {
  if (letters.length === 0) return;
  const transport = redeliveryFor(ctx.ledger);
  for (const letter of letters) await transport.redeliver(letter.consumer, deadLetterEnvelope(letter), replayIdOf(letter.id));
}

function letterOrReject(row: DeadLetterRow | undefined, id: string): DeadLetterRow {
  if (!row) throw rejected('NOT_FOUND', `Dead letter ${JSON.stringify(id)} was not found.`, 'deadLetterId');
  return row;
}

const replayDeadLetter: Handler<{ deadLetterId: string }, { deadLetter: DeadLetterRow }> = {
  async prepare({ input, ctx }) {
    const [letter] = await ctx.read.deadLetters.byIds([input.deadLetterId]);
    if (letter?.status === 'OPEN') await redeliver(ctx, [letter]);
  },
  async effect({ input, ports, principal, now }) {
    const letter = letterOrReject((await ports.read.deadLetters.byIds([input.deadLetterId]))[0], input.deadLetterId);
    if (letter.status === 'DISCARDED') {
      throw rejected('INVALID_STATE_TRANSITION', `Dead letter ${letter.id} was discarded: it is not replayed.`, 'deadLetterId');
    }
    if (letter.status === 'REPLAYED' || !(await ports.write.deadLetters.markReplayed(letter.id, principal.sub, now))) {
      const [current] = await ports.read.deadLetters.byIds([letter.id]);
      return {
        deadLetter: current!,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Dead letter ${letter.id} was already replayed.` }],
      };
    }
    const [replayed] = await ports.read.deadLetters.byIds([letter.id]);
    return { deadLetter: replayed! };
  },
};

interface ReplayBatchInput {
  readonly filter?: DeadLetterFilterInput | null;
  readonly limit?: number | null;
}

function batchLimit(limit: number | null | undefined): number {
  const value = limit ?? MAX_REPLAY_BATCH;
  if (!Number.isInteger(value) || value < 1 || value > MAX_REPLAY_BATCH) {
    throw rejected('PRECONDITION_FAILED', `limit must be between 1 and ${MAX_REPLAY_BATCH}; got ${value}.`, 'limit');
  }
  return value;
}

const replayDeadLetters: Handler<ReplayBatchInput, { count: number; deadLetterIds: string[] }, { readonly ids: readonly string[] }> = {
  async prepare({ input, ctx }) {
    const letters = await ctx.read.deadLetters.first({ ...deadLetterFilter(input.filter), status: 'OPEN' }, batchLimit(input.limit));
    await redeliver(ctx, letters);
    return { ids: letters.map((letter) => letter.id) };
  },
  async effect({ facts, ports, principal, now }) {
    const deadLetterIds: string[] = [];
    for (const id of facts.ids) if (await ports.write.deadLetters.markReplayed(id, principal.sub, now)) deadLetterIds.push(id);
    return { count: deadLetterIds.length, deadLetterIds };
  },
};

const discardDeadLetter: Handler<{ deadLetterId: string; reason: string }, { deadLetter: DeadLetterRow }> = {
  async effect({ input, ports, principal, now }) {
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Discarding a dead letter needs a reason.', 'reason');
    const letter = letterOrReject((await ports.read.deadLetters.byIds([input.deadLetterId]))[0], input.deadLetterId);
    if (letter.status === 'REPLAYED') {
      throw rejected('INVALID_STATE_TRANSITION', `Dead letter ${letter.id} was replayed: it can no longer be discarded.`, 'deadLetterId');
    }
    if (letter.status === 'DISCARDED' || !(await ports.write.deadLetters.markDiscarded(letter.id, principal.sub, reason, now))) {
      const [current] = await ports.read.deadLetters.byIds([letter.id]);
      return { deadLetter: current!, warnings: [{ code: 'ALREADY_IN_STATE', message: `Dead letter ${letter.id} was already discarded.` }] };
    }
    const [discarded] = await ports.read.deadLetters.byIds([letter.id]);
    return { deadLetter: discarded! };
  },
};

export const deadLetterCapabilities = { replayDeadLetter, replayDeadLetters, discardDeadLetter };
