/**
 * The PSA write port over the in-memory vendor, for one attempt of one capability call. Every
 * create carries the call's external key and is looked up by it first (`createOnce`); every change
 * records the call's key and the record before it, so a resumed call whose change already stands
 * gets that record back instead of changing it twice. Records an earlier attempt created keep
 * their ids: what hangs off them (milestones, entries, draft items) is re-keyed to them.
 *
 * A vendor has no transaction and no advisory lock: the unique rules the SQL tables enforce
 * (one timecard per resource, project and week; one claim per billable source) are checked
 * against the vendor's records before the first write.
 */
import { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import type { PsaWritePort } from '../../ports/writePort.ts';
import type { BillingDraftItem, ContractLine, Milestone, TimeEntry } from '../../ports/types.ts';
import { OBJECT, type ObjectType, type PsaRecords } from './objects.ts';
import { createMemoryExpenseWrites } from './memoryExpenses.ts';
import { createMemoryContractLineWrites } from './memoryContractLines.ts';
import { createMemoryBillingControlWrites } from './memoryBillingControls.ts';
import { createMemoryLifecycleWrites } from './memoryLifecycle.ts';
import { createMemorySourceCreditWrites } from './memorySourceCredits.ts';

type Versioned = { readonly id: string; readonly aggregateVersion: number };

/** `id` of a record owned by `from`, re-keyed to the record `to` (ids embed their owner's: `ms_<project>_000`). */
function rebase(id: string, from: string, to: string): string {
  const [own, theirs] = [from.slice(from.indexOf('_') + 1), to.slice(to.indexOf('_') + 1)];
  return own === theirs ? id : id.replace(own, theirs);
}

export function createMemoryPsaWrites(vendor: InMemoryVendor, call: RemoteCall): PsaWritePort {
  const writes = new CallWrites(vendor, 'psa', call);
  const callKey = writes.callKey;
  const find = <K extends ObjectType>(type: K, where: (record: PsaRecords[K]) => boolean) => writes.find<PsaRecords[K]>(type, where);
  const create = <K extends ObjectType>(type: K, operation: string, record: PsaRecords[K]): Promise<PsaRecords[K]> =>
    writes.create(type, operation, record);
  /** Sets fields of a record (no version of its own moves: a billing state, an entry's pricing), once per call. */
  const touch = async <K extends ObjectType>(
    type: K,
    id: string,
    apply: (current: PsaRecords[K]) => PsaRecords[K],
  ): Promise<PsaRecords[K]> => {
    const [current] = await find(type, (record) => (record as { id: string }).id === id);
    if (!current) throw new Error(`${type} ${id} is missing`);
    return writes.change(type, current, apply, () => conflict(type, id));
  };
  /** A versioned transition from the version the capability read (VERSION_CONFLICT otherwise), once per call. */
  const change = async <K extends 'Project' | 'ResourceRequest' | 'Timecard' | 'Milestone' | 'BillingDraft' | 'Expense'>(
    type: K,
    ref: Versioned,
    apply: (current: PsaRecords[K]) => PsaRecords[K],
  ): Promise<PsaRecords[K]> => {
    const [current] = await find(type, (record) => record.id === ref.id);
    if (!current) throw conflict(type, ref.id);
    return writes.transition(type, current, ref.aggregateVersion, apply, () => conflict(type, ref.id));
  };
  const sourceType = (item: BillingDraftItem) =>
    item.sourceType === 'TIME_SPLIT' ? OBJECT.entry : item.sourceType === 'EXPENSE' ? OBJECT.expense : OBJECT.milestone;

  return {
    ...createMemoryExpenseWrites(create, change),
    ...createMemoryContractLineWrites(writes),
    ...createMemoryBillingControlWrites(writes, change),
    ...createMemoryLifecycleWrites(writes, change),
    ...createMemorySourceCreditWrites(writes),
    async createProject(_contractId, plan) {
      const planned = await plan();
      const newLines: ContractLine[] = [];
      // The first line keeps the key it always had ('line'), so a call resumed across versions finds it.
      for (const [index, line] of planned.newLines.entries())
        newLines.push(await create(OBJECT.line, index === 0 ? 'line' : `line:${index}`, line));
      const project = await create(OBJECT.project, 'project', planned.project);
      const milestones: Milestone[] = [];
      for (const [index, milestone] of planned.milestones.entries()) {
        const id = rebase(milestone.id, planned.project.id, project.id);
        milestones.push(await create(OBJECT.milestone, `milestone:${index}`, { ...milestone, id, projectId: project.id }));
      }
      return { project, milestones, newLines };
    },

    activateProject: (project) => change(OBJECT.project, project, (current) => ({ ...current, status: 'ACTIVE' })),

    createResourceRequest: (request) => create(OBJECT.request, 'request', request),

    cancelResourceRequest: (request) => change(OBJECT.request, request, (current) => ({ ...current, status: 'CANCELLED' })),

    async confirmAssignment({ request, assignment }, check) {
      await check();
      const booked = await create(OBJECT.assignment, 'assignment', assignment);
      const resourceRequest = await change(OBJECT.request, request, (current) => ({
        ...current,
        status: 'FILLED',
        assignmentId: booked.id,
      }));
      return { assignment: booked, resourceRequest };
    },

    async submitTimecard({ existing, timecard, entries }, check) {
      await check();
      let submitted;
      if (existing) {
        submitted = await change(OBJECT.timecard, existing, () => timecard);
        // A draft or rejected week is replaced whole: its entries were never approved, so never billed.
        const replaced = await find(OBJECT.entry, (entry) => entry.timecardId === existing.id);
        for (const entry of replaced.filter((record) => record.fields.createdBy !== callKey)) await writes.remove(OBJECT.entry, entry);
      } else {
        const week = await find(
          OBJECT.timecard,
          (t) => t.resourceId === timecard.resourceId && t.projectId === timecard.projectId && t.weekStart === timecard.weekStart,
        );
        if (week.some((record) => record.fields.createdBy !== callKey)) {
          throw rejected(
            'VERSION_CONFLICT',
            `The timecard of week ${timecard.weekStart} was created meanwhile: read it, then submit with its version.`,
            'expectedVersion',
          );
        }
        submitted = await create(OBJECT.timecard, 'timecard', timecard);
      }
      for (const [index, entry] of entries.entries()) {
        const record: TimeEntry = { ...entry, id: rebase(entry.id, timecard.id, submitted.id), timecardId: submitted.id };
        await create(OBJECT.entry, `entry:${index}`, record);
      }
      return submitted;
    },

    async approveTimecard(timecard, approval) {
      const approved = await change(OBJECT.timecard, timecard, (current) => ({
        ...current,
        status: 'APPROVED',
        approvedAt: approval.approvedAt,
        approverId: approval.approverId,
        decidedBy: approval.decidedBy,
        totalHoursE2: approval.totalHoursE2,
        totalBillableE4: approval.totalBillableE4,
      }));
      for (const priced of approval.entries) {
        await touch(OBJECT.entry, priced.id, (entry) => ({
          ...entry,
          billRateE4: priced.billRateE4,
          billableE4: priced.billableE4,
          billingStatus: priced.billingStatus,
          costRateE4: priced.costRateE4,
          costCurrency: priced.costCurrency,
        }));
      }
      return approved;
    },

    rejectTimecard: (timecard, rejection) =>
      change(OBJECT.timecard, timecard, (current) => ({
        ...current,
        status: 'REJECTED',
        rejectionReason: rejection.reason,
        approverId: rejection.approverId,
        decidedBy: rejection.decidedBy,
        approvedAt: null,
      })),

    completeMilestone: (milestone, { actualDate, approveForBilling }) =>
      change(OBJECT.milestone, milestone, (current) => ({
        ...current,
        status: 'COMPLETE',
        actualDate,
        ...(approveForBilling ? { approvedForBilling: true, billingStatus: 'READY_TO_BILL' } : {}),
      })),

    async generateBillingDraft(draft, items) {
      // The claim (docs/invariants.md#inv-2): every source still ready to bill, and on no other call's draft item.
      const claims = await find(OBJECT.item, (item) =>
        items.some((mine) => mine.sourceType === item.sourceType && mine.sourceId === item.sourceId),
      );
      // A discarded draft's items are removed: their claims are released (docs/capabilities.md#discardbillingdraft).
      if (claims.some((claim) => claim.fields.createdBy !== callKey && claim.fields.removedBy === null)) throw alreadyBilled();
      for (const item of items) {
        const [source] = await find(sourceType(item), (record) => record.id === item.sourceId);
        const mine = source?.fields.changedBy === callKey;
        if (!source || (!mine && source.fields.record.billingStatus !== 'READY_TO_BILL')) throw alreadyBilled();
      }
      const created = await create(OBJECT.draft, 'draft', draft);
      for (const [index, item] of items.entries()) {
        await create(OBJECT.item, `item:${index}`, { ...item, id: rebase(item.id, draft.id, created.id), draftId: created.id });
      }
      for (const item of items) await touch(sourceType(item), item.sourceId, (source) => ({ ...source, billingStatus: 'ON_DRAFT' }));
      return created;
    },

    async recordBillingDraftInvoiced(draft, invoice) {
      const billingDraft = await change(OBJECT.draft, draft, (current) => ({
        ...current,
        status: 'INVOICED',
        invoiceId: invoice.invoiceId,
        invoiceNumber: invoice.invoiceNumber,
      }));
      const items = await find(OBJECT.item, (item) => item.draftId === draft.id);
      const billed = { TIME_SPLIT: 0, MILESTONE: 0, EXPENSE: 0 };
      for (const { fields } of items) {
        const item = fields.record;
        const [source] = await find(sourceType(item), (record) => record.id === item.sourceId);
        if (!source) continue;
        const onDraft = source.fields.record.billingStatus === 'ON_DRAFT';
        const billedByThisCall = source.fields.changedBy === callKey && source.fields.record.billingStatus === 'BILLED';
        if (!onDraft && !billedByThisCall) continue;
        await touch(sourceType(item), item.sourceId, (current) => ({ ...current, billingStatus: 'BILLED' }));
        billed[item.sourceType] += 1;
      }
      return { billingDraft, billedTimeEntries: billed.TIME_SPLIT, billedMilestones: billed.MILESTONE, billedExpenses: billed.EXPENSE };
    },
  };
}

function conflict(entity: string, id: string) {
  return rejected(
    'VERSION_CONFLICT',
    `${entity} ${JSON.stringify(id)} changed while this call ran. Read it again, then decide.`,
    'expectedVersion',
  );
}

function alreadyBilled() {
  return rejected(
    'SOURCE_ALREADY_BILLED',
    'A source of this draft was claimed by another draft meanwhile; nothing was drafted.',
    'projectId',
  );
}
