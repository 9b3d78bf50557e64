/**
 * Billing controls on the in-memory remote PSA (docs/capabilities.md#billing-controls): the reads
 * answer what the SQL adapter answers (same orders and scope, a hold or write-off visible through
 * its project, a released item through its draft); the writes create once per call, change from
 * the version the capability read, and move a source only from the state the step expects (a
 * source this call already moved counts as moved: a resumed call). A vendor has no lock: what the
 * SQL adapter serializes on the project is checked against the vendor's records before writing.
 */
import type { CallWrites, Stored } from '../../../kernel/adapters/memory/callHistory.ts';
import { vendorCall } from '../../../kernel/adapters/memory/remoteWrites.ts';
import { VendorVersionMismatch, type VendorRecord } from '../../../kernel/adapters/memory/vendor.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import type {
  BillableSourceFacts,
  BillingControlReads,
  BillingControlWrites,
  BillingHold,
  SourceRef,
} from '../../ports/billingControls.ts';
import type { BillableSourceType, BillingDraft, Expense, Milestone, Project, TimeEntry } from '../../ports/types.ts';
import { OBJECT, type PsaRecords } from './objects.ts';

type SourceObject = 'TimeEntry' | 'Milestone' | 'Expense';
const SOURCE_OBJECTS: Record<BillableSourceType, SourceObject> = {
  TIME_SPLIT: OBJECT.entry,
  MILESTONE: OBJECT.milestone,
  EXPENSE: OBJECT.expense,
};
const SOURCE_TYPES = Object.keys(SOURCE_OBJECTS) as BillableSourceType[];
type Source = TimeEntry | Milestone | Expense;

const valueOf = (sourceType: BillableSourceType, source: Source): number =>
  sourceType === 'MILESTONE' ? (source as Milestone).amountE4 : (source as TimeEntry | Expense).billableE4;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byHeldAt = (a: BillingHold, b: BillingHold) => compare(a.heldAt, b.heldAt) || compare(a.id, b.id);
const refOf = (hold: BillingHold): SourceRef | null =>
  hold.sourceType && hold.sourceId ? { sourceType: hold.sourceType, sourceId: hold.sourceId } : null;

export function createMemoryBillingControlReads(
  all: <K extends keyof PsaRecords>(type: K) => Promise<PsaRecords[K][]>,
  visibleProjects: () => Promise<Project[]>,
  visibleDrafts: () => Promise<BillingDraft[]>,
): BillingControlReads {
  const onVisible = async <K extends 'BillingHold' | 'SourceWriteOff' | SourceObject>(type: K): Promise<PsaRecords[K][]> => {
    const [records, projects] = await Promise.all([all(type), visibleProjects()]);
    const ids = new Set(projects.map((p) => p.id));
    return records.filter((record) => ids.has(record.projectId));
  };
  return {
    async billableSourcesByRefs(refs) {
      const projects = new Map((await visibleProjects()).map((p) => [p.id, p]));
      const facts: BillableSourceFacts[] = [];
      for (const sourceType of SOURCE_TYPES) {
        const ids = new Set(refs.filter((ref) => ref.sourceType === sourceType).map((ref) => ref.sourceId));
        if (ids.size === 0) continue;
        for (const source of (await onVisible(SOURCE_OBJECTS[sourceType])).filter((s) => ids.has(s.id))) {
          facts.push({
            sourceType,
            sourceId: source.id,
            projectId: source.projectId,
            billingStatus: source.billingStatus,
            amountE4: valueOf(sourceType, source),
            currency: projects.get(source.projectId)!.currency,
          });
        }
      }
      return facts;
    },
    billingHoldsByIds: async (ids) => (await onVisible(OBJECT.hold)).filter((h) => ids.includes(h.id)),
    billingHoldsByProjectIds: async (ids, activeOnly) =>
      (await onVisible(OBJECT.hold)).filter((h) => ids.includes(h.projectId) && (!activeOnly || h.status === 'ACTIVE')).sort(byHeldAt),
    sourceWriteOffsByIds: async (ids) => (await onVisible(OBJECT.writeOff)).filter((w) => ids.includes(w.id)),
    sourceWriteOffsByProjectIds: async (ids) =>
      (await onVisible(OBJECT.writeOff))
        .filter((w) => ids.includes(w.projectId))
        .sort((a, b) => compare(a.requestedAt, b.requestedAt) || compare(a.id, b.id)),
    releasedDraftItemsByDraftIds: async (ids) => {
      const visible = new Set((await visibleDrafts()).map((d) => d.id));
      return (await all(OBJECT.releasedItem)).filter((i) => ids.includes(i.draftId) && visible.has(i.draftId));
    },
  };
}

type Change = (
  type: 'BillingDraft',
  ref: { readonly id: string; readonly aggregateVersion: number },
  apply: (current: BillingDraft) => BillingDraft,
) => Promise<BillingDraft>;

export function createMemoryBillingControlWrites(writes: CallWrites, changeDraft: Change): BillingControlWrites {
  const callKey = writes.callKey;
  const live = <K extends keyof PsaRecords>(type: K, where: (record: PsaRecords[K]) => boolean) =>
    writes.find<PsaRecords[K]>(type, where).then((found) => found.filter((record) => record.fields.removedBy === null));

  /**
   * `current` changed to `next` by this call: like CallWrites.change, but also when this call already
   * changed it (an approval's pricing, then its hold): the record before the call is kept.
   */
  const restate = async <T>(type: string, current: VendorRecord<Stored<T>>, next: T, lost: () => Error): Promise<void> => {
    if (current.fields.changedBy !== callKey) {
      await writes.change<T>(type, current, () => next, lost);
      return;
    }
    await vendorCall(writes.system, type, async () => {
      try {
        await writes.vendor.update<Stored<T>>(type, current.id, { record: next }, current.version);
      } catch (error) {
        if (error instanceof VendorVersionMismatch) throw lost();
        throw error;
      }
    });
  };
  /** Moves each listed source `from` → `to` (once per call); answers how many moved. */
  const move = async (refs: readonly SourceRef[], from: string, to: string): Promise<number> => {
    let moved = 0;
    for (const ref of refs) {
      const type = SOURCE_OBJECTS[ref.sourceType];
      const [source] = await live(type, (record) => record.id === ref.sourceId);
      if (!source) continue;
      if (source.fields.changedBy === callKey && source.fields.record.billingStatus === to) moved += 1;
      else if (source.fields.record.billingStatus === from) {
        await restate(type, source, { ...source.fields.record, billingStatus: to }, () => movedMeanwhile(ref));
        moved += 1;
      }
    }
    return moved;
  };
  const projectSources = async (projectId: string, status: string): Promise<SourceRef[]> => {
    const refs: SourceRef[] = [];
    for (const sourceType of SOURCE_TYPES) {
      const found = await live(SOURCE_OBJECTS[sourceType], (record) => record.projectId === projectId);
      for (const { fields } of found) {
        const mine = fields.changedBy === callKey;
        if (fields.record.billingStatus === status || mine) refs.push({ sourceType, sourceId: fields.record.id });
      }
    }
    return refs;
  };
  const activeHolds = async (projectId: string) =>
    (await live(OBJECT.hold, (hold) => hold.projectId === projectId && hold.status === 'ACTIVE')).map((h) => h.fields.record);

  return {
    async placeBillingHold(hold, check) {
      await check();
      const placed = await writes.create(OBJECT.hold, 'hold', hold);
      const source = refOf(placed);
      const heldSources = await move(
        source ? [source] : await projectSources(placed.projectId, 'READY_TO_BILL'),
        'READY_TO_BILL',
        'ON_HOLD',
      );
      if (source && heldSources !== 1) throw movedMeanwhile(source);
      return { billingHold: placed, heldSources };
    },

    async releaseBillingHold(hold, { releasedBy, releasedAt }) {
      const [current] = await live(OBJECT.hold, (record) => record.id === hold.id);
      if (!current) throw conflict(hold.id);
      const billingHold = await writes.transition<BillingHold>(
        OBJECT.hold,
        current,
        hold.aggregateVersion,
        (record) => ({ ...record, status: 'RELEASED', releasedBy, releasedAt }),
        () => conflict(hold.id),
      );
      const others = (await activeHolds(hold.projectId)).filter((other) => other.id !== hold.id);
      if (others.some((other) => refOf(other) === null)) return { billingHold, releasedSources: 0 };
      const source = refOf(hold);
      const kept = new Set(others.flatMap((other) => (other.sourceId ? [`${other.sourceType}:${other.sourceId}`] : [])));
      const refs = source
        ? [source]
        : (await projectSources(hold.projectId, 'ON_HOLD')).filter((ref) => !kept.has(`${ref.sourceType}:${ref.sourceId}`));
      return { billingHold, releasedSources: await move(refs, 'ON_HOLD', 'READY_TO_BILL') };
    },

    async holdNewlyReadySources(projectId) {
      if (!(await activeHolds(projectId)).some((hold) => refOf(hold) === null)) return 0;
      return move(await projectSources(projectId, 'READY_TO_BILL'), 'READY_TO_BILL', 'ON_HOLD');
    },

    async discardBillingDraft(draft, discardedAt) {
      const billingDraft = await changeDraft(OBJECT.draft, draft, (current) => ({ ...current, status: 'DISCARDED' }));
      const items = await live(OBJECT.item, (item) => item.draftId === draft.id);
      const released = await writes.find<PsaRecords['ReleasedDraftItem']>(OBJECT.releasedItem, (item) => item.draftId === draft.id);
      const refs = [...items, ...released].map(({ fields }) => ({
        sourceType: fields.record.sourceType,
        sourceId: fields.record.sourceId,
      }));
      for (const [index, { fields }] of items.entries()) {
        await writes.create(OBJECT.releasedItem, `released:${fields.record.id}:${index}`, fields.record);
      }
      for (const item of items) await writes.remove(OBJECT.item, item);
      // One move per source and call (a resumed call finds it moved): straight to ON_HOLD when the project is held.
      const held = (await activeHolds(draft.projectId)).some((hold) => refOf(hold) === null);
      const releasedSources = await move(refs, 'ON_DRAFT', held ? 'ON_HOLD' : 'READY_TO_BILL');
      if (releasedSources !== refs.length)
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `A source of billing draft ${draft.id} is no longer on it; nothing was discarded.`,
          'billingDraftId',
        );
      void discardedAt;
      return { billingDraft, releasedSources };
    },

    requestSourceWriteOff: (writeOff) => writes.create(OBJECT.writeOff, 'writeOff', writeOff),

    async decideSourceWriteOff(writeOff, decision) {
      const [current] = await live(OBJECT.writeOff, (record) => record.id === writeOff.id);
      if (!current) throw conflict(writeOff.id);
      const mine = current.fields.changedBy === callKey;
      if (!mine && current.fields.record.aggregateVersion !== writeOff.aggregateVersion) throw conflict(writeOff.id);
      if (!mine && decision.status === 'APPROVED' && (await move([writeOff], 'READY_TO_BILL', 'WRITTEN_OFF')) !== 1)
        throw movedMeanwhile(writeOff);
      return writes.transition(
        OBJECT.writeOff,
        current,
        writeOff.aggregateVersion,
        (record) => ({
          ...record,
          status: decision.status,
          decidedBy: decision.decidedBy,
          decidedAt: decision.decidedAt,
          decisionNote: decision.note,
        }),
        () => conflict(writeOff.id),
      );
    },
  };
}

function conflict(id: string) {
  return rejected('VERSION_CONFLICT', `${JSON.stringify(id)} changed while this call ran. Read it again, then decide.`, 'expectedVersion');
}

function movedMeanwhile(source: SourceRef) {
  return rejected(
    'INVALID_STATE_TRANSITION',
    `${source.sourceType} ${source.sourceId} is no longer READY_TO_BILL (drafted, held or written off meanwhile).`,
    'sourceId',
  );
}
