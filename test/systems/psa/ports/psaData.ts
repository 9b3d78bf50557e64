/**
 * The PSA records the port contract suites start from: the generated demo dataset (scale `s`) as
 * canonical records, and a way to load them into each adapter's system of record.
 */
import type { SourceCredit } from '../../../../systems/psa/ports/sourceCredits.ts';
import { sourceCreditRow } from '../../../../systems/psa/adapters/sql/sourceCredits.ts';
import type { Kysely } from 'kysely';
import { generateDataset, type Dataset } from '../../../../seed/generate.ts';
import { OBJECT } from '../../../../systems/psa/adapters/memory/objects.ts';
import * as rows from '../../../../systems/psa/adapters/sql/rows.ts';
import {
  psaTables,
  type AssignmentRow,
  type BillingDraftRow,
  type MilestoneRow,
  type ProjectRow,
  type PsaTables,
  type ResourceRequestRow,
  type TimecardRow,
  type TimeEntryRow,
} from '../../../../systems/psa/adapters/sql/tables.ts';
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
} from '../../../../systems/psa/ports/types.ts';
import type { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { insertInBatches, loadIntoVendorAs } from '../../../harness/portData.ts';
import { expenseRow } from '../../../../systems/psa/adapters/sql/expenseRows.ts';
import type { Expense } from '../../../../systems/psa/ports/types.ts';
import { contractExpenses } from './expenseData.ts';
import { billingControls, type BillingControlData } from './billingControlData.ts';
import { billingHoldRow, releasedItemRow, sourceWriteOffRow } from '../../../../systems/psa/adapters/sql/billingControls.ts';
import { asStored } from '../../../harness/stored.ts';

export interface PsaData {
  /** The generated dataset the records come from (for the expectations computed from it). */
  readonly dataset: Dataset;
  readonly roles: readonly Role[];
  readonly resources: readonly Resource[];
  readonly projects: readonly Project[];
  readonly lines: readonly ContractLine[];
  readonly milestones: readonly Milestone[];
  readonly assignments: readonly Assignment[];
  readonly requests: readonly ResourceRequest[];
  readonly timecards: readonly Timecard[];
  readonly entries: readonly TimeEntry[];
  readonly drafts: readonly BillingDraft[];
  readonly items: readonly BillingDraftItem[];
  /** Expenses built for the suites (expenseData.ts). */
  readonly expenses: readonly Expense[];
  /** Billing holds, write-offs and released items built for the suites (billingControlData.ts). */
  readonly billingControls: BillingControlData;
  /** A credit of an invoiced draft's first item (docs/capabilities.md#recordsourcescredited-system-step). */
  readonly sourceCredits: readonly SourceCredit[];
}

let cached: PsaData | null = null;

export function psaData(): PsaData {
  if (cached) return cached;
  const dataset = generateDataset({ scale: 's' });
  const { psa } = dataset;
  cached = {
    dataset,
    roles: psa.roles.map(rows.toRole),
    resources: psa.resources.map(rows.toResource),
    projects: (asStored(psaTables.projects, psa.projects) as ProjectRow[]).map(rows.toProject),
    lines: psa.contract_lines.map(rows.toContractLine),
    milestones: (asStored(psaTables.milestones, psa.milestones) as MilestoneRow[]).map(rows.toMilestone),
    assignments: (asStored(psaTables.assignments, psa.assignments) as AssignmentRow[]).map(rows.toAssignment),
    requests: (asStored(psaTables.resource_requests, psa.resource_requests) as ResourceRequestRow[]).map(rows.toResourceRequest),
    timecards: (asStored(psaTables.timecards, psa.timecards) as TimecardRow[]).map(rows.toTimecard),
    entries: (asStored(psaTables.time_entries, psa.time_entries) as TimeEntryRow[]).map(rows.toTimeEntry),
    drafts: (asStored(psaTables.billing_drafts, psa.billing_drafts) as BillingDraftRow[]).map(rows.toBillingDraft),
    items: psa.billing_draft_items.map(rows.toBillingDraftItem),
    expenses: [],
    billingControls: { holds: [], writeOffs: [], releasedItems: [] },
    sourceCredits: [],
  };
  cached = {
    ...cached,
    expenses: contractExpenses(cached.projects, cached.assignments),
    billingControls: billingControls(cached.projects, cached.entries, cached.drafts),
    sourceCredits: sourceCreditsOf(cached.drafts, cached.items),
  };
  return cached;
}

/** Loads `data` into a migrated PSA database, parents first. */
export async function loadIntoSql(db: Kysely<PsaTables>, data: PsaData): Promise<void> {
  const insert = <T extends keyof PsaTables & string>(table: T, rows: readonly PsaTables[T][]) => insertInBatches(db, table, rows);
  await insert(
    'roles',
    data.roles.map((r) => ({ id: r.id, name: r.name, level: r.level, practice: r.practice })),
  );
  await insert(
    'resources',
    data.resources.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      employment_type: r.employmentType,
      status: r.status,
      home_legal_entity_id: r.homeLegalEntityId,
      primary_role_id: r.primaryRoleId,
      utilization_target_e4: r.utilizationTargetE4,
      is_bookable: r.isBookable ? 1 : 0,
      cost_rate_e4: r.costRateE4,
      cost_currency: r.costCurrency,
    })),
  );
  await insert('projects', data.projects.map(rows.projectRow));
  await insert('contract_lines', data.lines.map(rows.contractLineRow));
  await insert('milestones', data.milestones.map(rows.milestoneRow));
  await insert('assignments', data.assignments.map(rows.assignmentRow));
  await insert('resource_requests', data.requests.map(rows.resourceRequestRow));
  await insert('timecards', data.timecards.map(rows.timecardRow));
  await insert('time_entries', data.entries.map(rows.timeEntryRow));
  await insert('billing_drafts', data.drafts.map(rows.billingDraftRow));
  await insert('billing_draft_items', data.items.map(rows.billingDraftItemRow));
  await insert('expenses', data.expenses.map(expenseRow));
  await insert('billing_holds', data.billingControls.holds.map(billingHoldRow));
  await insert('source_write_offs', data.billingControls.writeOffs.map(sourceWriteOffRow));
  await insert(
    'released_draft_items',
    data.billingControls.releasedItems.map((item) => releasedItemRow(item, '2026-01-07T10:00:00.000Z')),
  );
  await insert('source_credits', data.sourceCredits.map(sourceCreditRow));
}

/** Loads `data` into the vendor stand-in, as records nobody's call created. */
export async function loadIntoVendor(vendor: InMemoryVendor, data: PsaData): Promise<void> {
  const load = <T>(type: string, records: readonly T[]) => loadIntoVendorAs(vendor, type, records);
  await load(OBJECT.role, data.roles);
  await load(OBJECT.resource, data.resources);
  await load(OBJECT.project, data.projects);
  await load(OBJECT.line, data.lines);
  await load(OBJECT.milestone, data.milestones);
  await load(OBJECT.assignment, data.assignments);
  await load(OBJECT.request, data.requests);
  await load(OBJECT.timecard, data.timecards);
  await load(OBJECT.entry, data.entries);
  await load(OBJECT.draft, data.drafts);
  await load(OBJECT.item, data.items);
  await load(OBJECT.expense, data.expenses);
  await load(OBJECT.hold, data.billingControls.holds);
  await load(OBJECT.writeOff, data.billingControls.writeOffs);
  await load(OBJECT.releasedItem, data.billingControls.releasedItems);
  await load(OBJECT.sourceCredit, data.sourceCredits);
}

/** One CREDIT credit of the first item of the first INVOICED draft (its source's state is left as seeded). */
function sourceCreditsOf(drafts: readonly BillingDraft[], items: readonly BillingDraftItem[]): SourceCredit[] {
  const draft = drafts.find((d) => d.status === 'INVOICED' && d.invoiceId !== null)!;
  const item = items.find((i) => i.draftId === draft.id)!;
  return [
    {
      id: 'scr_fixture',
      projectId: draft.projectId,
      draftId: draft.id,
      itemId: item.id,
      sourceType: item.sourceType,
      sourceId: item.sourceId,
      amountE4: item.amountE4,
      currency: draft.currency,
      action: 'CREDIT',
      invoiceId: draft.invoiceId!,
      creditMemoId: 'inv_fixture_cm',
      creditedAt: '2026-01-08T10:00:00.000Z',
    },
  ];
}
