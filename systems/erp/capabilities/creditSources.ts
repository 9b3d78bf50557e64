/**
 * What the PSA billed on each line of an invoice (docs/capabilities.md#creditinvoicelines): the
 * invoice's billing draft, read through the PSA subgraph as the caller. The draft's items (with
 * those a credit has reopened since, which left the live items) in item order are the lines'
 * sources: releaseInvoice posts item n as line n, an ERP that consolidates (the demo data) posts
 * each line from a run of consecutive items; creditLines.ts cuts the items into one run a line.
 */
import type { ErpContext } from '../context.ts';
import { parseScaled } from '../../kernel/decimal.ts';

/** Item kinds that bill a PSA source with a billing state (FEE and ADJUSTMENT items bill none: credited in the ERP only). */
export const SOURCE_ITEM_TYPES: ReadonlySet<string> = new Set(['TIME_SPLIT', 'MILESTONE', 'EXPENSE']);

export interface LineSource {
  readonly sourceType: string;
  readonly sourceId: string;
  readonly amountE4: number;
}

export interface DraftSources {
  readonly draftId: string;
  readonly status: string;
  readonly invoiceId: string | null;
  /** In item order: line n billed the n-th run of consecutive items (item n when each line bills one). */
  readonly items: readonly LineSource[];
}

const PSA_DRAFT_SOURCES = `query ErpReadsDraftSources($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on BillingDraft {
      id status invoice { id }
      items { id sourceType sourceId amount { amount } }
      sourceCredits { itemId sourceType sourceId action amount { amount } }
    }
  }
}`;

interface Row {
  id: string;
  status: string;
  invoice: { id: string } | null;
  items: { id: string; sourceType: string; sourceId: string; amount: { amount: string } }[];
  sourceCredits: { itemId: string; sourceType: string; sourceId: string; action: string; amount: { amount: string } }[];
}

export async function psaDraftSources(ctx: ErpContext, draftId: string): Promise<DraftSources | null> {
  const data = await ctx.peers.read<{ _entities: (Row | null)[] }>('psa', PSA_DRAFT_SOURCES, {
    representations: [{ __typename: 'BillingDraft', id: draftId }],
  });
  const row = data._entities[0];
  if (!row) return null;
  const items = new Map<string, LineSource>();
  for (const item of row.items)
    items.set(item.id, { sourceType: item.sourceType, sourceId: item.sourceId, amountE4: parseScaled(item.amount.amount) });
  for (const credit of row.sourceCredits) {
    if (credit.action === 'REOPEN' && !items.has(credit.itemId))
      items.set(credit.itemId, { sourceType: credit.sourceType, sourceId: credit.sourceId, amountE4: parseScaled(credit.amount.amount) });
  }
  const ordered = [...items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, source]) => source);
  return { draftId: row.id, status: row.status, invoiceId: row.invoice?.id ?? null, items: ordered };
}
