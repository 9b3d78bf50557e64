/**
 * Credits of billed sources on SQL (docs/capabilities.md#creditinvoicelines), inside the capability's
 * transaction. A source moves only from BILLED (a conditional UPDATE whose row count is checked),
 * so two credits of one source racing each other cannot both take it: the second finds it moved and
 * writes nothing (ALREADY_CREDITED). A REOPEN's item leaves billing_draft_items (whose unique
 * (source_type, source_id) is the live claim, docs/invariants.md#inv-2) for released_draft_items.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { restrictingRules, type RecordScope } from '../../../../policies/recordScope.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import { inScope, noKeys } from '../../../kernel/sqlPage.ts';
import type { SourceCredit, SourceCreditAction, SourceCreditReads, SourceCreditWrites } from '../../ports/sourceCredits.ts';
import type { BillableSourceType } from '../../ports/types.ts';
import type { SourceCreditRow } from './sourceCreditTables.ts';
import { releaseDraftItems } from './billingControls.ts';
import type { PsaTables } from './tables.ts';

/** Where each kind of billable source is kept. */
const SOURCE_TABLE = {
  TIME_SPLIT: 'time_entries',
  MILESTONE: 'milestones',
  EXPENSE: 'expenses',
} as const satisfies Record<BillableSourceType, keyof PsaTables>;

const SCOPED = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

export const toSourceCredit = (row: SourceCreditRow): SourceCredit => ({
  id: row.id,
  projectId: row.project_id,
  draftId: row.draft_id,
  itemId: row.item_id,
  sourceType: row.source_type as BillableSourceType,
  sourceId: row.source_id,
  amountE4: Number(row.amount_e4),
  currency: row.currency,
  action: row.action as SourceCreditAction,
  invoiceId: row.invoice_id,
  creditMemoId: row.credit_memo_id,
  creditedAt: row.credited_at,
});

export const sourceCreditRow = (credit: SourceCredit): SourceCreditRow => ({
  id: credit.id,
  project_id: credit.projectId,
  draft_id: credit.draftId,
  item_id: credit.itemId,
  source_type: credit.sourceType,
  source_id: credit.sourceId,
  amount_e4: credit.amountE4,
  currency: credit.currency,
  action: credit.action,
  invoice_id: credit.invoiceId,
  credit_memo_id: credit.creditMemoId,
  credited_at: credit.creditedAt,
});

export function createSqlSourceCreditReads(db: Kysely<PsaTables>, scope: RecordScope): SourceCreditReads {
  const restricted = restrictingRules(scope, SCOPED).length > 0;
  const drafts = () => inScope(db.selectFrom('billing_drafts'), scope, SCOPED);
  return {
    sourceCreditsByDraftIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await db
              .selectFrom('source_credits')
              .selectAll()
              .where('draft_id', 'in', ids)
              .$if(restricted, (q) => q.where(sql<boolean>`${sql.ref('draft_id')} in (${drafts().select('id')})`))
              .orderBy('credited_at')
              .orderBy('id')
              .execute()
          ).map(toSourceCredit),
  };
}

/** The columns every source table shares. */
interface SourceTables {
  source: { id: string; billing_status: string };
}

export function createSqlSourceCreditWrites(trx: Transaction<PsaTables>): SourceCreditWrites {
  const sources = trx as unknown as Kysely<SourceTables>;
  return {
    async recordSourceCredits(draft, credits) {
      for (const action of ['CREDIT', 'REOPEN'] as const) {
        for (const sourceType of Object.keys(SOURCE_TABLE) as BillableSourceType[]) {
          const ids = credits.filter((c) => c.action === action && c.sourceType === sourceType).map((c) => c.sourceId);
          if (ids.length === 0) continue;
          const result = await sources
            .updateTable(SOURCE_TABLE[sourceType] as 'source')
            .set({ billing_status: action === 'CREDIT' ? 'CREDITED' : 'READY_TO_BILL' })
            .where('id', 'in', ids)
            .where('billing_status', '=', 'BILLED')
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) !== ids.length)
            throw rejected(
              'ALREADY_CREDITED',
              `A source of billing draft ${draft.id} is no longer BILLED (credited meanwhile); nothing was credited.`,
              'sources',
            );
        }
      }
      const reopened = credits.filter((c) => c.action === 'REOPEN').map((c) => c.itemId);
      if (reopened.length > 0) {
        const items = await trx.selectFrom('billing_draft_items').selectAll().where('id', 'in', reopened).execute();
        await releaseDraftItems(trx, items, credits[0]!.creditedAt);
      }
      await trx.insertInto('source_credits').values(credits.map(sourceCreditRow)).execute();
      return [...credits];
    },
  };
}
