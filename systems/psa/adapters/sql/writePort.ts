/**
 * The PSA write port on SQL, inside the capability's transaction (idempotency record, effect,
 * outbox and audit commit together). Versioned updates turn a lost race into VERSION_CONFLICT; the
 * unique (source_type, source_id) of draft items is the billing claim (docs/invariants.md#inv-2); the
 * check-then-write steps on a contract and on a resource are serialized (`serializeOn`). Set-based
 * where a month-end run needs it: multi-row inserts and one update per source kind.
 */
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation, serializeOn } from '../../../kernel/capability/engine.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import type { PsaWritePort } from '../../ports/writePort.ts';
import {
  assignmentRow,
  billingDraftItemRow,
  billingDraftRow,
  contractLineRow,
  milestoneRow,
  projectRow,
  resourceRequestRow,
  timecardRow,
  timeEntryRow,
  toAssignment,
  toBillingDraft,
  toMilestone,
  toProject,
  toResourceRequest,
  toTimecard,
} from './rows.ts';
import type { PsaTables } from './tables.ts';
import { createSqlExpenseWrites } from './expenseWrites.ts';
import { createSqlContractLineWrites } from './contractLineWrites.ts';
import { createSqlBillingControlWrites } from './billingControls.ts';
import { createSqlSourceCreditWrites } from './sourceCredits.ts';
import { createSqlLifecycleWrites } from './lifecycle.ts';

/** The tables of billable sources (their billing_status moves as drafts claim and bill them). */
type SourceTable = 'time_entries' | 'milestones' | 'expenses';

/** Rows per multi-row statement: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

/** `db` is the system's database (it names the engine); `trx` the capability's transaction on it. */
export function createSqlPsaWritePort(db: Kysely<PsaTables>, trx: Transaction<PsaTables>): PsaWritePort {
  const reload = {
    project: async (id: string) => toProject(await trx.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    request: async (id: string) =>
      toResourceRequest(await trx.selectFrom('resource_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    assignment: async (id: string) =>
      toAssignment(await trx.selectFrom('assignments').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    timecard: async (id: string) =>
      toTimecard(await trx.selectFrom('timecards').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    milestone: async (id: string) =>
      toMilestone(await trx.selectFrom('milestones').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    draft: async (id: string) =>
      toBillingDraft(await trx.selectFrom('billing_drafts').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
  };

  /** Moves sources from one billing state to the next; every one must still be in `from`. */
  const moveSources = async (table: SourceTable, ids: readonly string[], from: string, to: string): Promise<void> => {
    let moved = 0;
    for (let start = 0; start < ids.length; start += CHUNK) {
      const result = await trx
        .updateTable(table)
        .set({ billing_status: to })
        .where('id', 'in', ids.slice(start, start + CHUNK))
        .where('billing_status', '=', from)
        .executeTakeFirst();
      moved += Number(result.numUpdatedRows);
    }
    if (moved !== ids.length)
      throw rejected(
        'SOURCE_ALREADY_BILLED',
        'A source of this draft changed its billing state meanwhile; nothing was drafted.',
        'projectId',
      );
  };

  /** ON_DRAFT → BILLED for the draft's sources of one kind, in one statement; returns how many. */
  const billSources = async (table: SourceTable, sourceType: string, draftId: string): Promise<number> => {
    const result = await trx
      .updateTable(table)
      .set({ billing_status: 'BILLED' })
      .where('billing_status', '=', 'ON_DRAFT')
      .where('id', 'in', (eb) =>
        eb.selectFrom('billing_draft_items').select('source_id').where('draft_id', '=', draftId).where('source_type', '=', sourceType),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  };

  return {
    ...createSqlExpenseWrites(trx),
    ...createSqlContractLineWrites(db, trx),
    ...createSqlBillingControlWrites(db, trx),
    ...createSqlSourceCreditWrites(trx),
    ...createSqlLifecycleWrites(db, trx),
    async createProject(contractId, plan) {
      // Two projects created at once for one contract must not both create its line, nor both pass the milestone sum.
      await serializeOn(db, trx, `psa.contract:${contractId}`);
      const { project, milestones, newLines } = await plan();
      if (newLines.length > 0) await trx.insertInto('contract_lines').values(newLines.map(contractLineRow)).execute();
      await trx.insertInto('projects').values(projectRow(project)).execute();
      if (milestones.length > 0) await trx.insertInto('milestones').values(milestones.map(milestoneRow)).execute();
      return { project: await reload.project(project.id), milestones, newLines };
    },

    async activateProject(project) {
      await updateAggregate(trx, 'projects', 'Project', project, { status: 'ACTIVE' });
      return reload.project(project.id);
    },

    async createResourceRequest(request) {
      await trx.insertInto('resource_requests').values(resourceRequestRow(request)).execute();
      return reload.request(request.id);
    },

    async cancelResourceRequest(request) {
      await updateAggregate(trx, 'resource_requests', 'ResourceRequest', request, { status: 'CANCELLED' });
      return reload.request(request.id);
    },

    async confirmAssignment({ request, assignment }, check) {
      // Two confirmations for one resource at once must not both fit into the same free capacity.
      await serializeOn(db, trx, `psa.resource:${assignment.resourceId}`);
      await check();
      await trx.insertInto('assignments').values(assignmentRow(assignment)).execute();
      await updateAggregate(trx, 'resource_requests', 'ResourceRequest', request, {
        status: 'FILLED',
        assignment_id: assignment.id,
      });
      return { assignment: await reload.assignment(assignment.id), resourceRequest: await reload.request(request.id) };
    },

    async submitTimecard({ existing, timecard, entries }, check) {
      // Two submissions of one person at once (on different projects) must not both fit into the same free hours.
      await serializeOn(db, trx, `psa.time:${timecard.resourceId}`);
      await check();
      if (existing) {
        const row = timecardRow(timecard);
        // The versioned update first: a concurrent decision on the week loses here, before any entry changes.
        await updateAggregate(trx, 'timecards', 'Timecard', existing, {
          status: row.status,
          assignment_id: row.assignment_id,
          submitted_at: row.submitted_at,
          submitted_by: row.submitted_by,
          approved_at: row.approved_at,
          approver_id: row.approver_id,
          decided_by: row.decided_by,
          rejection_reason: row.rejection_reason,
          total_hours_e2: row.total_hours_e2,
          total_billable_e4: row.total_billable_e4,
        });
        // A draft or rejected week is replaced whole: its entries were never approved, so never billed.
        await trx.deleteFrom('time_entries').where('timecard_id', '=', existing.id).execute();
      } else {
        try {
          await trx.insertInto('timecards').values(timecardRow(timecard)).execute();
        } catch (error) {
          // The unique (resource, project, week) turns a concurrent first submission into a conflict.
          if (!isUniqueViolation(error)) throw error;
          throw rejected(
            'VERSION_CONFLICT',
            `The timecard of week ${timecard.weekStart} was created meanwhile: read it, then submit with its version.`,
            'expectedVersion',
          );
        }
      }
      await trx.insertInto('time_entries').values(entries.map(timeEntryRow)).execute();
      return reload.timecard(timecard.id);
    },

    async approveTimecard(timecard, approval) {
      // The versioned update first: a concurrent decision loses here, before any entry changes.
      await updateAggregate(trx, 'timecards', 'Timecard', timecard, {
        status: 'APPROVED',
        approved_at: approval.approvedAt,
        approver_id: approval.approverId,
        decided_by: approval.decidedBy,
        total_hours_e2: approval.totalHoursE2,
        total_billable_e4: approval.totalBillableE4,
      });
      for (const entry of approval.entries) {
        await trx
          .updateTable('time_entries')
          .set({
            bill_rate_e4: entry.billRateE4,
            billable_e4: entry.billableE4,
            billing_status: entry.billingStatus,
            cost_rate_e4: entry.costRateE4,
            cost_currency: entry.costCurrency,
          })
          .where('id', '=', entry.id)
          .execute();
      }
      return reload.timecard(timecard.id);
    },

    async rejectTimecard(timecard, rejection) {
      await updateAggregate(trx, 'timecards', 'Timecard', timecard, {
        status: 'REJECTED',
        rejection_reason: rejection.reason,
        approver_id: rejection.approverId,
        decided_by: rejection.decidedBy,
        approved_at: null,
      });
      return reload.timecard(timecard.id);
    },

    async completeMilestone(milestone, { actualDate, approveForBilling }) {
      await updateAggregate(trx, 'milestones', 'Milestone', milestone, {
        status: 'COMPLETE',
        actual_date: actualDate,
        ...(approveForBilling ? { approved_for_billing: 1, billing_status: 'READY_TO_BILL' } : {}),
      });
      return reload.milestone(milestone.id);
    },

    async generateBillingDraft(draft, items) {
      await trx.insertInto('billing_drafts').values(billingDraftRow(draft)).execute();
      try {
        // The unique (source_type, source_id) is the claim: a source another draft claimed meanwhile fails the insert, and the draft.
        for (let start = 0; start < items.length; start += CHUNK) {
          await trx
            .insertInto('billing_draft_items')
            .values(items.slice(start, start + CHUNK).map(billingDraftItemRow))
            .execute();
        }
      } catch (error) {
        if (isUniqueViolation(error))
          throw rejected(
            'SOURCE_ALREADY_BILLED',
            'A source of this draft was claimed by another draft meanwhile; nothing was drafted.',
            'projectId',
          );
        throw error;
      }
      await moveSources(
        'time_entries',
        items.filter((item) => item.sourceType === 'TIME_SPLIT').map((item) => item.sourceId),
        'READY_TO_BILL',
        'ON_DRAFT',
      );
      await moveSources(
        'milestones',
        items.filter((item) => item.sourceType === 'MILESTONE').map((item) => item.sourceId),
        'READY_TO_BILL',
        'ON_DRAFT',
      );
      await moveSources(
        'expenses',
        items.filter((item) => item.sourceType === 'EXPENSE').map((item) => item.sourceId),
        'READY_TO_BILL',
        'ON_DRAFT',
      );
      return draft;
    },

    async recordBillingDraftInvoiced(draft, { invoiceId, invoiceNumber }) {
      await updateAggregate(trx, 'billing_drafts', 'BillingDraft', draft, {
        status: 'INVOICED',
        invoice_id: invoiceId,
        invoice_number: invoiceNumber,
      });
      const billedTimeEntries = await billSources('time_entries', 'TIME_SPLIT', draft.id);
      const billedMilestones = await billSources('milestones', 'MILESTONE', draft.id);
      const billedExpenses = await billSources('expenses', 'EXPENSE', draft.id);
      return { billingDraft: await reload.draft(draft.id), billedTimeEntries, billedMilestones, billedExpenses };
    },
  };
}
