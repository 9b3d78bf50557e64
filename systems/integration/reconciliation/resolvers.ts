/** The reconciliation area's fields (docs/reconciliation.md): runs, exceptions and their types. */
import { money } from '../../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../../kernel/pagination.ts';
import type { IntegrationContext } from '../context.ts';
import type { ExceptionFilter } from './store.ts';
import type { ReconciliationExceptionRow, ReconciliationRunRow } from './tables.ts';

export const reconciliationQueryResolvers = {
  reconciliationRun: async (_: unknown, args: { id: string }, ctx: IntegrationContext) =>
    (await ctx.read.reconciliation.runsByIds([args.id]))[0] ?? null,
  reconciliationExceptions: (_: unknown, args: PageArgs & { filter?: ExceptionFilter | null }, ctx: IntegrationContext) =>
    connectionOf(args, (page) => ctx.read.reconciliation.exceptionsPage(args.filter ?? {}, page)),
};

export const reconciliationTypeResolvers = {
  ReconciliationRun: {
    requestedBy: (run: ReconciliationRunRow) => run.requested_by,
    legalEntityId: (run: ReconciliationRunRow) => run.legal_entity_id,
    startedAt: (run: ReconciliationRunRow) => run.started_at,
    finishedAt: (run: ReconciliationRunRow) => run.finished_at,
    checkedBillingDrafts: (run: ReconciliationRunRow) => run.checked_billing_drafts,
    checkedInvoices: (run: ReconciliationRunRow) => run.checked_invoices,
    checkedCreditedInvoices: (run: ReconciliationRunRow) => run.checked_credited_invoices,
    checkedProjectPeriods: (run: ReconciliationRunRow) => run.checked_project_periods,
    exceptionsFound: (run: ReconciliationRunRow) => run.exceptions_found,
    exceptionsOpened: (run: ReconciliationRunRow) => run.exceptions_opened,
    exceptions: (run: ReconciliationRunRow, _: unknown, ctx: IntegrationContext) => ctx.read.reconciliation.exceptionsOfRuns([run.id]),
  },
  ReconciliationException: {
    subjectType: (row: ReconciliationExceptionRow) => row.subject_type,
    subjectId: (row: ReconciliationExceptionRow) => row.subject_id,
    legalEntityId: (row: ReconciliationExceptionRow) => row.legal_entity_id,
    expected: (row: ReconciliationExceptionRow) => money(row.expected_e4, row.currency),
    actual: (row: ReconciliationExceptionRow) => money(row.actual_e4, row.currency),
    difference: (row: ReconciliationExceptionRow) => money(Number(row.actual_e4) - Number(row.expected_e4), row.currency),
    firstRun: async (row: ReconciliationExceptionRow, _: unknown, ctx: IntegrationContext) =>
      (await ctx.read.reconciliation.runsByIds([row.run_id]))[0],
    lastRun: async (row: ReconciliationExceptionRow, _: unknown, ctx: IntegrationContext) =>
      (await ctx.read.reconciliation.runsByIds([row.last_run_id]))[0],
    firstSeenAt: (row: ReconciliationExceptionRow) => row.first_seen_at,
    lastSeenAt: (row: ReconciliationExceptionRow) => row.last_seen_at,
    resolutionNote: (row: ReconciliationExceptionRow) => row.resolution_note,
    resolvedBy: (row: ReconciliationExceptionRow) => row.resolved_by,
    resolvedAt: (row: ReconciliationExceptionRow) => row.resolved_at,
  },
};
