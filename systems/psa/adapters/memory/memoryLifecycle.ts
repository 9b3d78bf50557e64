/**
 * The project lifecycle on the in-memory remote PSA (docs/capabilities.md#project-lifecycle): the
 * reads answer what the SQL adapter answers (the same tallies, in the same order, over every
 * billable source kind); the writes change from the version the capability read, once per call.
 * A vendor has no transaction: a close's or cancel's check runs before its first write, and work
 * on a project reads the project as the vendor holds it just before writing.
 */
import type { CallWrites, Stored } from '../../../kernel/adapters/memory/callHistory.ts';
import type { VendorRecord } from '../../../kernel/adapters/memory/vendor.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import type { ProjectLifecycleReads, ProjectLifecycleWrites, SourceTally } from '../../ports/lifecyclePorts.ts';
import type { Assignment, Expense, Milestone, Project, ResourceRequest, TimeEntry } from '../../ports/types.ts';
import { OBJECT, type ObjectType, type PsaRecords } from './objects.ts';

type All = <K extends ObjectType>(type: K) => Promise<PsaRecords[K][]>;

/** Every kind of billable source, and a source's billable value (the SQL adapter's SOURCE_TABLES). */
const SOURCE_KINDS = [
  { type: OBJECT.entry, sourceType: 'TIME_SPLIT', amount: (r: TimeEntry) => r.billableE4 },
  { type: OBJECT.milestone, sourceType: 'MILESTONE', amount: (r: Milestone) => r.amountE4 },
  { type: OBJECT.expense, sourceType: 'EXPENSE', amount: (r: Expense) => r.billableE4 },
] as const;

/** Counts (and sums) of `records` grouped by `key`, in key order. */
function tally<R>(
  records: readonly R[],
  key: (r: R) => string[],
  value: (r: R) => number,
): { keys: string[]; count: number; sum: number }[] {
  const groups = new Map<string, { keys: string[]; count: number; sum: number }>();
  for (const record of records) {
    const keys = key(record);
    const id = keys.join('\u0000');
    const group = groups.get(id) ?? { keys, count: 0, sum: 0 };
    groups.set(id, { keys, count: group.count + 1, sum: group.sum + value(record) });
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/** `visibleProjects`: the projects the scope sees. */
export function createMemoryLifecycleReads(all: All, visibleProjects: () => Promise<Project[]>): ProjectLifecycleReads {
  return {
    async projectWork(projectId) {
      const visible = (await visibleProjects()).some((p) => p.id === projectId);
      const of = async <K extends ObjectType>(type: K) =>
        visible ? (await all(type)).filter((r) => (r as { projectId?: string }).projectId === projectId) : [];
      const timecards = tally(
        await of(OBJECT.timecard),
        (t) => [t.status],
        (t) => t.totalHoursE2,
      );
      const milestones = tally(
        await of(OBJECT.milestone),
        (m) => [m.status, m.billingStatus],
        (m) => m.amountE4,
      );
      const sources: SourceTally[] = [];
      for (const kind of SOURCE_KINDS) {
        const amount = kind.amount as (r: unknown) => number;
        for (const group of tally(await of(kind.type), (r) => [(r as { billingStatus: string }).billingStatus], amount))
          sources.push({ sourceType: kind.sourceType, billingStatus: group.keys[0]!, count: group.count, amountE4: group.sum });
      }
      const drafts = tally(
        await of(OBJECT.draft),
        (d) => [d.status],
        (d) => d.summaryE4,
      );
      return {
        timecards: timecards.map((g) => ({ status: g.keys[0]!, count: g.count, hoursE2: g.sum })),
        milestones: milestones.map((g) => ({ status: g.keys[0]!, billingStatus: g.keys[1]!, count: g.count, amountE4: g.sum })),
        sources,
        drafts: drafts.map((g) => ({ status: g.keys[0]!, count: g.count, amountE4: g.sum })),
      };
    },
  };
}

type Change = <K extends 'Project' | 'Milestone'>(
  type: K,
  ref: { readonly id: string; readonly aggregateVersion: number },
  apply: (current: PsaRecords[K]) => PsaRecords[K],
) => Promise<PsaRecords[K]>;

export function createMemoryLifecycleWrites(writes: CallWrites, change: Change): ProjectLifecycleWrites {
  const conflict = (type: string, id: string) => () =>
    rejected(
      'VERSION_CONFLICT',
      `${type} ${JSON.stringify(id)} changed while this call ran. Read it again, then decide.`,
      'expectedVersion',
    );

  /** The project's records of `type` in one of `from` (or moved from one of them by this call) → `to`, one version up. */
  const withdraw = async <R extends ResourceRequest | Assignment>(
    type: 'ResourceRequest' | 'Assignment',
    projectId: string,
    from: readonly string[],
    to: string,
  ): Promise<string[]> => {
    const records = (await writes.find<R>(type, (r) => r.projectId === projectId)) as VendorRecord<Stored<R>>[];
    const mine = (r: VendorRecord<Stored<R>>) => r.fields.changedBy === writes.callKey;
    const moved = records
      .filter((r) => (mine(r) ? from.includes(r.fields.before?.status ?? '') : from.includes(r.fields.record.status)))
      .sort((a, b) => (a.fields.record.id < b.fields.record.id ? -1 : 1));
    for (const record of moved) {
      await writes.transition<R>(
        type,
        record,
        record.fields.record.aggregateVersion,
        (r) => ({ ...r, status: to }),
        conflict(type, record.id),
      );
    }
    return moved.map((r) => r.fields.record.id);
  };

  return {
    async moveProject(project, move, check) {
      if (check) await check();
      // Without a reason the field is absent, as the SQL adapter answers it.
      return change(OBJECT.project, project, ({ statusReason: _, ...current }) => ({
        ...current,
        status: move.status,
        ...(move.statusReason === null ? {} : { statusReason: move.statusReason }),
      }));
    },

    async cancelProject(project, reason, check) {
      await check();
      const cancelled = await change(OBJECT.project, project, (current) => ({ ...current, status: 'CANCELLED', statusReason: reason }));
      const cancelledRequests = await withdraw(OBJECT.request, project.id, ['DRAFT', 'OPEN', 'HELD'], 'CANCELLED');
      const cancelledAssignments = await withdraw(OBJECT.assignment, project.id, ['PROPOSED', 'CONFIRMED'], 'CANCELLED');
      const completedAssignments = await withdraw(OBJECT.assignment, project.id, ['ACTIVE'], 'COMPLETED');
      return { project: cancelled, cancelledRequests, cancelledAssignments, completedAssignments };
    },

    async projectForWork(projectId) {
      const [project] = await writes.find<Project>(OBJECT.project, (p) => p.id === projectId);
      return project?.fields.removedBy === null ? project.fields.record : null;
    },

    acceptMilestone: (milestone, acceptance) =>
      change(OBJECT.milestone, milestone, ({ acceptanceRejectionReason: _, ...current }) => ({
        ...current,
        status: 'ACCEPTED',
        ...(acceptance.approveForBilling ? { approvedForBilling: true, billingStatus: 'READY_TO_BILL' } : {}),
        acceptedBy: acceptance.acceptedBy,
        acceptedOn: acceptance.acceptedOn,
        acceptanceReference: acceptance.reference,
        acceptanceRecordedBy: acceptance.recordedBy,
      })),

    rejectMilestoneAcceptance: (milestone, rejection) =>
      change(OBJECT.milestone, milestone, (current) => ({
        ...current,
        status: 'REJECTED',
        acceptanceRejectionReason: rejection.reason,
        acceptanceRecordedBy: rejection.recordedBy,
      })),
  };
}
