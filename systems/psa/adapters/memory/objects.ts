/**
 * How the in-memory remote PSA keeps PSA records in the vendor stand-in: one object type per
 * record, each kept with its call history (the kernel's `Stored`, callHistory.ts).
 */
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
