/**
 * How the in-memory remote PSA keeps PSA records in the vendor stand-in: one object type per
 * record, each kept with its call history (the kernel's `Stored`, callHistory.ts).
 */
import type {
  Assignment,
  BillingDraft,
  BillingDraftItem,
  ContractLine,
  Expense,
  Milestone,
  Project,
  Resource,
  ResourceRequest,
  Role,
  Timecard,
  TimeEntry,
} from '../../ports/types.ts';
import type { BillingHold, SourceWriteOff } from '../../ports/billingControls.ts';
import type { SourceCredit } from '../../ports/sourceCredits.ts';

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
  expense: 'Expense',
  hold: 'BillingHold',
  writeOff: 'SourceWriteOff',
  releasedItem: 'ReleasedDraftItem',
  sourceCredit: 'SourceCredit',
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
  readonly Expense: Expense;
  readonly BillingHold: BillingHold;
  readonly SourceWriteOff: SourceWriteOff;
  /** What a discarded draft held (its claim released). */
  readonly ReleasedDraftItem: BillingDraftItem;
  /** A billed source credited or reopened by an ERP credit memo. */
  readonly SourceCredit: SourceCredit;
}

export type ObjectType = keyof PsaRecords;
