/**
 * Billing controls on SQL (docs/capabilities.md#billing-controls): holds, write-offs of unbilled
 * sources and discarded drafts, read within the caller's record scope and written inside the
 * capability's transaction. Every step that puts a project's sources on or off hold, or returns
 * them from a draft, runs under the project's billing lock (`serializeOn`), so a hold placed while
 * time is approved or a draft discarded never leaves a source of a held project ready to bill. A
 * source moves only from the state its step expects (a conditional UPDATE whose row count is
 * checked), so a draft generation and a hold racing for one source cannot both take it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { restrictingRules, type RecordScope } from '../../../../policies/recordScope.ts';
import { serializeOn } from '../../../kernel/capability/engine.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import { inScope, noKeys } from '../../../kernel/sqlPage.ts';
import type {
  BillableSourceFacts,
  BillingControlReads,
  BillingControlWrites,
  BillingHold,
  SourceRef,
  SourceWriteOff,
  WriteOffReason,
} from '../../ports/billingControls.ts';
import type { BillableSourceType, BillingDraftItem, TaxTreatment } from '../../ports/types.ts';
import type { BillingHoldRow, ReleasedDraftItemRow, SourceWriteOffRow } from './billingControlTables.ts';
import type { BillingDraftItemRow, PsaTables } from './tables.ts';

/** Where each kind of billable source is kept, and the column of its approved billable value. */
const SOURCE_TABLES = {
  TIME_SPLIT: { table: 'time_entries', value: 'billable_e4' },
  MILESTONE: { table: 'milestones', value: 'amount_e4' },
  EXPENSE: { table: 'expenses', value: 'billable_e4' },
} as const satisfies Record<BillableSourceType, { table: keyof PsaTables; value: string }>;
type SourceTable = (typeof SOURCE_TABLES)[BillableSourceType]['table'];
const SOURCE_TYPES = Object.keys(SOURCE_TABLES) as BillableSourceType[];

const SCOPED = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

/** The lock every hold, release, discard and newly-ready step of one project takes. */
export const billingLock = (projectId: string) => `psa.billing:${projectId}`;

export const toBillingHold = (row: BillingHoldRow): BillingHold => ({
  id: row.id,
  projectId: row.project_id,
  sourceType: row.source_type as BillableSourceType | null,
  sourceId: row.source_id,
  status: row.status as BillingHold['status'],
  reason: row.reason,
  heldBy: row.held_by,
  heldAt: row.held_at,
  releasedBy: row.released_by,
  releasedAt: row.released_at,
  aggregateVersion: row.aggregate_version,
});

export const billingHoldRow = (hold: BillingHold): BillingHoldRow => ({
  id: hold.id,
  project_id: hold.projectId,
  source_type: hold.sourceType,
  source_id: hold.sourceId,
  status: hold.status,
  reason: hold.reason,
  held_by: hold.heldBy,
  held_at: hold.heldAt,
  released_by: hold.releasedBy,
  released_at: hold.releasedAt,
  aggregate_version: hold.aggregateVersion,
});

export const toSourceWriteOff = (row: SourceWriteOffRow): SourceWriteOff => ({
  id: row.id,
  projectId: row.project_id,
  sourceType: row.source_type as BillableSourceType,
  sourceId: row.source_id,
  amountE4: row.amount_e4,
  currency: row.currency,
  reasonCode: row.reason_code as WriteOffReason,
  reasonText: row.reason_text,
  status: row.status as SourceWriteOff['status'],
  requestedBy: row.requested_by,
  requestedAt: row.requested_at,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  decisionNote: row.decision_note,
  aggregateVersion: row.aggregate_version,
});

export const sourceWriteOffRow = (w: SourceWriteOff): SourceWriteOffRow => ({
  id: w.id,
  project_id: w.projectId,
  source_type: w.sourceType,
  source_id: w.sourceId,
  amount_e4: w.amountE4,
  currency: w.currency,
  reason_code: w.reasonCode,
  reason_text: w.reasonText,
  status: w.status,
  requested_by: w.requestedBy,
  requested_at: w.requestedAt,
  decided_by: w.decidedBy,
  decided_at: w.decidedAt,
  decision_note: w.decisionNote,
  aggregate_version: w.aggregateVersion,
});

export const releasedItemRow = (item: BillingDraftItem, releasedAt: string): ReleasedDraftItemRow => ({
  id: item.id,
  draft_id: item.draftId,
  source_type: item.sourceType,
  source_id: item.sourceId,
  description: item.description,
  quantity_e2: item.quantityE2,
  unit_price_e4: item.unitPriceE4,
  amount_e4: item.amountE4,
  tax_treatment: item.taxTreatment,
  released_at: releasedAt,
});

const toReleasedItem = (row: ReleasedDraftItemRow): BillingDraftItem => ({
  id: row.id,
  draftId: row.draft_id,
  sourceType: row.source_type as BillableSourceType,
  sourceId: row.source_id,
  description: row.description,
  quantityE2: row.quantity_e2,
  unitPriceE4: row.unit_price_e4,
  amountE4: row.amount_e4,
  taxTreatment: row.tax_treatment as TaxTreatment,
});

export function createSqlBillingControlReads(db: Kysely<PsaTables>, scope: RecordScope): BillingControlReads {
  const restricted = restrictingRules(scope, SCOPED).length > 0;
  const projects = () => inScope(db.selectFrom('projects'), scope, SCOPED);
  const drafts = () => inScope(db.selectFrom('billing_drafts'), scope, SCOPED);
  const ofVisibleProject = (column: string) => sql<boolean>`${sql.ref(column)} in (${projects().select('id')})`;
  const ofVisibleDraft = (column: string) => sql<boolean>`${sql.ref(column)} in (${drafts().select('id')})`;
  const holds = () => db.selectFrom('billing_holds').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));
  const writeOffs = () => db.selectFrom('source_write_offs').$if(restricted, (q) => q.where(ofVisibleProject('project_id')));

  return {
    async billableSourcesByRefs(refs) {
      const facts: BillableSourceFacts[] = [];
      for (const sourceType of SOURCE_TYPES) {
        const ids = refs.filter((ref) => ref.sourceType === sourceType).map((ref) => ref.sourceId);
        if (noKeys(ids)) continue;
        const { table, value } = SOURCE_TABLES[sourceType];
        const rows = await (db as unknown as Kysely<SourceTables>)
          .selectFrom(`${table} as s` as 'source as s')
          .innerJoin('projects as p', 'p.id', 's.project_id')
          .select(['s.id', 's.project_id', 's.billing_status', sql<number>`${sql.ref(`s.${value}`)}`.as('amount'), 'p.currency'])
          .where('s.id', 'in', ids)
          .$if(restricted, (q) => q.where(ofVisibleProject('s.project_id')))
          .orderBy('s.id')
          .execute();
        for (const row of rows)
          facts.push({
            sourceType,
            sourceId: row.id,
            projectId: row.project_id,
            billingStatus: row.billing_status,
            amountE4: Number(row.amount),
            currency: row.currency,
          });
      }
      return facts;
    },
    billingHoldsByIds: async (ids) =>
      noKeys(ids) ? [] : (await holds().selectAll().where('id', 'in', ids).orderBy('id').execute()).map(toBillingHold),
    billingHoldsByProjectIds: async (ids, activeOnly) =>
      noKeys(ids)
        ? []
        : (
            await holds()
              .selectAll()
              .where('project_id', 'in', ids)
              .$if(activeOnly, (q) => q.where('status', '=', 'ACTIVE'))
              .orderBy('held_at')
              .orderBy('id')
              .execute()
          ).map(toBillingHold),
    sourceWriteOffsByIds: async (ids) =>
      noKeys(ids) ? [] : (await writeOffs().selectAll().where('id', 'in', ids).orderBy('id').execute()).map(toSourceWriteOff),
    sourceWriteOffsByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await writeOffs().selectAll().where('project_id', 'in', ids).orderBy('requested_at').orderBy('id').execute()).map(
            toSourceWriteOff,
          ),
    releasedDraftItemsByDraftIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await db
              .selectFrom('released_draft_items')
              .selectAll()
              .where('draft_id', 'in', ids)
              .$if(restricted, (q) => q.where(ofVisibleDraft('draft_id')))
              .orderBy('id')
              .execute()
          ).map(toReleasedItem),
  };
}

/** The columns every source table shares (the statements below are the same for each kind). */
interface SourceTables {
  source: { id: string; project_id: string; billing_status: string };
  projects: PsaTables['projects'];
}

/** `db` is the system's database (it names the engine); `trx` the capability's transaction on it. */
export function createSqlBillingControlWrites(db: Kysely<PsaTables>, trx: Transaction<PsaTables>): BillingControlWrites {
  const sources = trx as unknown as Kysely<SourceTables>;
  const tableOf = (sourceType: BillableSourceType): 'source' => SOURCE_TABLES[sourceType].table as SourceTable as 'source';

  /** Moves the listed sources `from` → `to`; answers how many moved. */
  const move = async (refs: readonly SourceRef[], from: string, to: string): Promise<number> => {
    let moved = 0;
    for (const sourceType of SOURCE_TYPES) {
      const ids = refs.filter((ref) => ref.sourceType === sourceType).map((ref) => ref.sourceId);
      if (ids.length === 0) continue;
      const result = await sources
        .updateTable(tableOf(sourceType))
        .set({ billing_status: to })
        .where('id', 'in', ids)
        .where('billing_status', '=', from)
        .executeTakeFirst();
      moved += Number(result.numUpdatedRows);
    }
    return moved;
  };
  /** Moves every source of the project `from` → `to`, except `keep`; answers how many moved. */
  const moveProject = async (projectId: string, from: string, to: string, keep: readonly SourceRef[] = []): Promise<number> => {
    let moved = 0;
    for (const sourceType of SOURCE_TYPES) {
      const kept = keep.filter((ref) => ref.sourceType === sourceType).map((ref) => ref.sourceId);
      const result = await sources
        .updateTable(tableOf(sourceType))
        .set({ billing_status: to })
        .where('project_id', '=', projectId)
        .where('billing_status', '=', from)
        .$if(kept.length > 0, (q) => q.where('id', 'not in', kept))
        .executeTakeFirst();
      moved += Number(result.numUpdatedRows);
    }
    return moved;
  };
  const activeHolds = async (projectId: string) =>
    (await trx.selectFrom('billing_holds').selectAll().where('project_id', '=', projectId).where('status', '=', 'ACTIVE').execute()).map(
      toBillingHold,
    );
  const refOf = (hold: BillingHold): SourceRef | null =>
    hold.sourceType && hold.sourceId ? { sourceType: hold.sourceType, sourceId: hold.sourceId } : null;
  const reloadHold = async (id: string) =>
    toBillingHold(await trx.selectFrom('billing_holds').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

  return {
    async placeBillingHold(hold, check) {
      await serializeOn(db, trx, billingLock(hold.projectId));
      await check();
      await trx.insertInto('billing_holds').values(billingHoldRow(hold)).execute();
      const source = refOf(hold);
      const heldSources = source
        ? await move([source], 'READY_TO_BILL', 'ON_HOLD')
        : await moveProject(hold.projectId, 'READY_TO_BILL', 'ON_HOLD');
      if (source && heldSources !== 1) throw sourceMoved(source, 'held');
      return { billingHold: await reloadHold(hold.id), heldSources };
    },

    async releaseBillingHold(hold, { releasedBy, releasedAt }) {
      await serializeOn(db, trx, billingLock(hold.projectId));
      await updateAggregate(trx, 'billing_holds', 'BillingHold', hold, {
        status: 'RELEASED',
        released_by: releasedBy,
        released_at: releasedAt,
      });
      const others = await activeHolds(hold.projectId);
      const source = refOf(hold);
      let releasedSources = 0;
      if (others.some((other) => refOf(other) === null))
        releasedSources = 0; // the project stays held
      else if (source) releasedSources = await move([source], 'ON_HOLD', 'READY_TO_BILL');
      else
        releasedSources = await moveProject(
          hold.projectId,
          'ON_HOLD',
          'READY_TO_BILL',
          others.flatMap((other) => refOf(other) ?? []),
        );
      return { billingHold: await reloadHold(hold.id), releasedSources };
    },

    async holdNewlyReadySources(projectId) {
      await serializeOn(db, trx, billingLock(projectId));
      if (!(await activeHolds(projectId)).some((hold) => refOf(hold) === null)) return 0;
      return moveProject(projectId, 'READY_TO_BILL', 'ON_HOLD');
    },

    async discardBillingDraft(draft, discardedAt) {
      await serializeOn(db, trx, billingLock(draft.projectId));
      // The versioned update first: a concurrent invoicing (or discard) of the draft loses here, or wins before it.
      await updateAggregate(trx, 'billing_drafts', 'BillingDraft', draft, { status: 'DISCARDED' });
      const items = await trx.selectFrom('billing_draft_items').selectAll().where('draft_id', '=', draft.id).orderBy('id').execute();
      await releaseDraftItems(trx, items, discardedAt);
      const refs = items.map((item) => ({ sourceType: item.source_type as BillableSourceType, sourceId: item.source_id }));
      const releasedSources = await move(refs, 'ON_DRAFT', 'READY_TO_BILL');
      if (releasedSources !== refs.length)
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `A source of billing draft ${draft.id} is no longer on it; nothing was discarded.`,
          'billingDraftId',
        );
      if ((await activeHolds(draft.projectId)).some((hold) => refOf(hold) === null)) await move(refs, 'READY_TO_BILL', 'ON_HOLD');
      const row = await trx.selectFrom('billing_drafts').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
      return {
        billingDraft: { ...draft, status: row.status, aggregateVersion: row.aggregate_version },
        releasedSources,
      };
    },

    async requestSourceWriteOff(writeOff) {
      await trx.insertInto('source_write_offs').values(sourceWriteOffRow(writeOff)).execute();
      return writeOff;
    },

    async decideSourceWriteOff(writeOff, decision) {
      await updateAggregate(trx, 'source_write_offs', 'SourceWriteOff', writeOff, {
        status: decision.status,
        decided_by: decision.decidedBy,
        decided_at: decision.decidedAt,
        decision_note: decision.note,
      });
      if (decision.status === 'APPROVED' && (await move([writeOff], 'READY_TO_BILL', 'WRITTEN_OFF')) !== 1)
        throw sourceMoved(writeOff, 'written off');
      return toSourceWriteOff(
        await trx.selectFrom('source_write_offs').selectAll().where('id', '=', writeOff.id).executeTakeFirstOrThrow(),
      );
    },
  };
}

/** Released from its draft batch by batch: the claim is freed, the item kept in released_draft_items (discard, reopening credit). */
const RELEASE_BATCH = 500;

/**
 * Moves `items` off their draft: each is kept as it was in released_draft_items (released at
 * `releasedAt`) and removed from billing_draft_items, whose unique source is the live claim, so the
 * source can be claimed again. Used by a discarded draft and by a credit that reopens its sources.
 */
export async function releaseDraftItems(
  trx: Transaction<PsaTables>,
  items: readonly BillingDraftItemRow[],
  releasedAt: string,
): Promise<void> {
  for (let start = 0; start < items.length; start += RELEASE_BATCH) {
    const batch = items.slice(start, start + RELEASE_BATCH);
    await trx
      .insertInto('released_draft_items')
      .values(
        batch.map((item) => ({
          id: item.id,
          draft_id: item.draft_id,
          source_type: item.source_type,
          source_id: item.source_id,
          description: item.description,
          quantity_e2: item.quantity_e2,
          unit_price_e4: item.unit_price_e4,
          amount_e4: item.amount_e4,
          tax_treatment: item.tax_treatment,
          released_at: releasedAt,
        })),
      )
      .execute();
    await trx
      .deleteFrom('billing_draft_items')
      .where(
        'id',
        'in',
        batch.map((item) => item.id),
      )
      .execute();
  }
}

function sourceMoved(source: SourceRef, what: string) {
  return rejected(
    'INVALID_STATE_TRANSITION',
    `${source.sourceType} ${source.sourceId} is no longer READY_TO_BILL (drafted, held or written off meanwhile): it is not ${what}.`,
    'sourceId',
  );
}
