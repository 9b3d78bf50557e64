/**
 * The dead-letter queue as the integration system's operations read and change it
 * (docs/events.md#dead-letters), over the kernel's dead-letter store (systems/kernel/events/deadLetters.ts).
 * Dead letters are operational records, not business records: `ops:read` sees all of them.
 */
import type { Kysely } from 'kysely';
import {
  countDeadLetters,
  getDeadLetter,
  listDeadLetters,
  markDiscarded,
  markReplayed,
  type DeadLetterFilter,
} from '../../kernel/events/deadLetters.ts';
import type { DeadLetterRow, EventTables } from '../../kernel/events/tables.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';

export interface DeadLetterReads {
  byIds(ids: readonly string[]): Promise<DeadLetterRow[]>;
  /** Oldest last failure first; `page.afterId` is the last dead letter of the previous page. */
  page(filter: DeadLetterFilter, page: PageRequest): Promise<Page<DeadLetterRow>>;
  /** The first `limit` matching, oldest last failure first. */
  first(filter: DeadLetterFilter, limit: number): Promise<DeadLetterRow[]>;
}

export interface DeadLetterWrites {
  /** OPEN → REPLAYED; false when it was not OPEN. */
  markReplayed(id: string, by: string, at: Date): Promise<boolean>;
  /** OPEN → DISCARDED; false when it was not OPEN. */
  markDiscarded(id: string, by: string, reason: string, at: Date): Promise<boolean>;
}

export function createDeadLetterReads(db: Kysely<EventTables>): DeadLetterReads {
  return {
    byIds: async (ids) => (ids.length === 0 ? [] : db.selectFrom('dead_letters').selectAll().where('id', 'in', ids).execute()),
    async page(filter, page) {
      const after = page.afterId === null ? undefined : await getDeadLetter(db, page.afterId);
      const [rows, total] = await Promise.all([
        page.first === 0 ? [] : listDeadLetters(db, filter, { limit: page.first + 1, ...(after ? { after } : {}) }),
        countDeadLetters(db, filter),
      ]);
      return { rows, total };
    },
    first: (filter, limit) => listDeadLetters(db, filter, { limit }),
  };
}

export function createDeadLetterWrites(trx: Kysely<EventTables>): DeadLetterWrites {
  return {
    markReplayed: (id, by, at) => markReplayed(trx, id, by, at),
    markDiscarded: (id, by, reason, at) => markDiscarded(trx, id, by, reason, at),
  };
}
