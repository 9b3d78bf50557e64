/** The dead-letter area's fields (docs/events.md#dead-letters): the queue, one letter, and the DeadLetter type. */
import { deadLetterEnvelope } from '../../kernel/events/deadLetters.ts';
import type { DeadLetterRow } from '../../kernel/events/tables.ts';
import { connectionOf, type PageArgs } from '../../kernel/pagination.ts';
import type { IntegrationContext } from '../context.ts';
import { deadLetterFilter, type DeadLetterFilterInput } from './capabilities.ts';

export const deadLetterQueryResolvers = {
  deadLetters: (_: unknown, args: PageArgs & { filter?: DeadLetterFilterInput | null }, ctx: IntegrationContext) =>
    connectionOf(args, (page) => ctx.read.deadLetters.page(deadLetterFilter(args.filter), page)),
  deadLetter: async (_: unknown, args: { id: string }, ctx: IntegrationContext) => (await ctx.read.deadLetters.byIds([args.id]))[0] ?? null,
};

export const deadLetterTypeResolvers = {
  DeadLetter: {
    envelope: (row: DeadLetterRow) => {
      const envelope = deadLetterEnvelope(row);
      return { ...envelope, payload: envelope.payload === null ? null : JSON.stringify(envelope.payload) };
    },
    firstFailedAt: (row: DeadLetterRow) => row.first_failed_at,
    lastFailedAt: (row: DeadLetterRow) => row.last_failed_at,
    replayCount: (row: DeadLetterRow) => row.replay_count,
    resolvedAt: (row: DeadLetterRow) => row.resolved_at,
    resolvedBy: (row: DeadLetterRow) => row.resolved_by,
    discardReason: (row: DeadLetterRow) => row.discard_reason,
  },
};
