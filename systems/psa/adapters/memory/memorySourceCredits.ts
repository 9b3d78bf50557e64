/**
 * Credits of billed sources on the in-memory remote PSA (docs/capabilities.md#creditinvoicelines):
 * the reads answer what the SQL adapter answers (a credit visible through its draft, oldest first);
 * the write checks every source is still BILLED before the first change (a vendor has no
 * transaction), then moves each once per call (a resumed call finds its own moves done).
 */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import type { SourceCredit, SourceCreditReads, SourceCreditWrites } from '../../ports/sourceCredits.ts';
import type { BillableSourceType, BillingDraft, Expense, Milestone, TimeEntry } from '../../ports/types.ts';
import { OBJECT, type PsaRecords } from './objects.ts';

const SOURCE_OBJECTS = {
  TIME_SPLIT: OBJECT.entry,
  MILESTONE: OBJECT.milestone,
  EXPENSE: OBJECT.expense,
} as const satisfies Record<BillableSourceType, keyof PsaRecords>;
type Source = TimeEntry | Milestone | Expense;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function createMemorySourceCreditReads(
  all: <K extends keyof PsaRecords>(type: K) => Promise<PsaRecords[K][]>,
  visibleDrafts: () => Promise<BillingDraft[]>,
): SourceCreditReads {
  return {
    async sourceCreditsByDraftIds(ids) {
      const visible = new Set((await visibleDrafts()).map((d) => d.id));
      return (await all(OBJECT.sourceCredit))
        .filter((c) => ids.includes(c.draftId) && visible.has(c.draftId))
        .sort((a, b) => compare(a.creditedAt, b.creditedAt) || compare(a.id, b.id));
    },
  };
}

export function createMemorySourceCreditWrites(writes: CallWrites): SourceCreditWrites {
  const callKey = writes.callKey;
  const live = <K extends keyof PsaRecords>(type: K, where: (record: PsaRecords[K]) => boolean) =>
    writes.find<PsaRecords[K]>(type, where).then((found) => found.filter((record) => record.fields.removedBy === null));
  const target = (credit: SourceCredit) => (credit.action === 'CREDIT' ? 'CREDITED' : 'READY_TO_BILL');
  const alreadyCredited = (draft: BillingDraft) =>
    rejected(
      'ALREADY_CREDITED',
      `A source of billing draft ${draft.id} is no longer BILLED (credited meanwhile); nothing was credited.`,
      'sources',
    );

  return {
    async recordSourceCredits(draft, credits) {
      const sources = [];
      for (const credit of credits) {
        const type = SOURCE_OBJECTS[credit.sourceType];
        const [source] = await live(type, (record) => record.id === credit.sourceId);
        const mine = source?.fields.changedBy === callKey && source.fields.record.billingStatus === target(credit);
        if (!source || (!mine && source.fields.record.billingStatus !== 'BILLED')) throw alreadyCredited(draft);
        sources.push({ credit, type, source });
      }
      for (const { credit, type, source } of sources) {
        await writes.change<Source>(
          type,
          source,
          (current) => ({ ...current, billingStatus: target(credit) }),
          () => alreadyCredited(draft),
        );
        if (credit.action === 'REOPEN') {
          const [item] = await live(OBJECT.item, (record) => record.id === credit.itemId);
          if (item) {
            await writes.create(OBJECT.releasedItem, `released:${credit.itemId}`, item.fields.record);
            await writes.remove(OBJECT.item, item);
          }
        }
      }
      const recorded: SourceCredit[] = [];
      for (const credit of credits)
        recorded.push(await writes.create(OBJECT.sourceCredit, `credit:${credit.sourceType}:${credit.sourceId}`, credit));
      return recorded;
    },
  };
}
