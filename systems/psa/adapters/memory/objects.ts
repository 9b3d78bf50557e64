/**
 * How the in-memory remote PSA keeps PSA records in the vendor stand-in: one object type per
 * record, the canonical record in its fields, and what a call needs to resume without repeating
 * itself: which call created the record, which call changed or removed it last, and what it was
 * before that change.
 */
import type { VendorRecord } from '../../../kernel/adapters/memory/vendor.ts';
import type {
  Assignment,
  BillingDraft,
  BillingDraftItem,
  ContractLine,
  Milestone,
  Project,
  Resource,
  ResourceRequest,
  Role,
  Timecard,
  TimeEntry,
} from '../../ports/types.ts';

export const OBJECT = {
  role: 'Role',
  resource: 'Resource',
  project: 'Project',
  line: 'ContractLine',
  milestone: 'Milestone',
  request: 'ResourceRequest',
  assignment: 'Assignment',
  timecard: 'Timecard',
  entry: 'TimeEntry',
  draft: 'BillingDraft',
  item: 'BillingDraftItem',
} as const;

export interface PsaRecords {
  readonly Role: Role;
  readonly Resource: Resource;
  readonly Project: Project;
  readonly ContractLine: ContractLine;
  readonly Milestone: Milestone;
  readonly ResourceRequest: ResourceRequest;
  readonly Assignment: Assignment;
  readonly Timecard: Timecard;
  readonly TimeEntry: TimeEntry;
  readonly BillingDraft: BillingDraft;
  readonly BillingDraftItem: BillingDraftItem;
}

export type ObjectType = keyof PsaRecords;

/** The vendor fields of a PSA record. */
export type Stored<T> = {
  readonly record: T;
  /** The call key of the capability call that created it (null: loaded, not created by a call). */
  readonly createdBy: string | null;
  /** The call key of the capability call that changed it last, and the record before that change. */
  readonly changedBy: string | null;
  readonly before: T | null;
  /** The call key of the capability call that removed it (a replaced time entry), or null. */
  readonly removedBy: string | null;
};

export function stored<T>(record: T, createdBy: string | null = null): Stored<T> {
  return { record, createdBy, changedBy: null, before: null, removedBy: null };
}

/** What one vendor record reads as (null: absent). */
export type View = <T>(record: VendorRecord<Stored<T>>) => T | null;

export const currentView: View = (record) => (record.fields.removedBy !== null ? null : record.fields.record);

/**
 * The records as they were before the call with `callKey` wrote anything: a call resumed after a
 * lost answer checks its rules against the same state as its first attempt.
 */
export function beforeCallView(callKey: string): View {
  return (record) => {
    const fields = record.fields;
    if (fields.createdBy === callKey) return null;
    if (fields.removedBy !== null && fields.removedBy !== callKey) return null;
    return fields.changedBy === callKey ? fields.before : fields.record;
  };
}
