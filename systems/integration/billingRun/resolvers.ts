/**
 * The billing run's fields and its capability (docs/processes.md#billing-run): `billingRun(id)`,
 * `billingRuns`, the BillingRun report, and `startBillingRun`, idempotent and audited like every
 * capability. The run itself is advanced by the billing run driver (driver.ts), not in the call.
 */
import { isSystemPrincipal } from '../../kernel/capability/peers.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import { found } from '../../kernel/refs.ts';
import type { IntegrationContext } from '../context.ts';
import type { IntegrationPorts } from '../ports/ports.ts';
import { draftKey, releaseKey } from './executor.ts';
import { processTypeResolvers } from '../process/resolvers.ts';
import { exposure, projectCashPosition } from './cashPosition.ts';
import { currencyTotals, outcomeCounts } from './report.ts';
import type { BillingRunProjectRow, BillingRunRow } from './tables.ts';

type Handler<Input> = CapabilityHandler<IntegrationPorts, IntegrationContext, Input>;

const startBillingRun: Handler<{ legalEntityId: string; cutoff: string; invoiceDate?: string | null }> = {
  async effect({ input, ports, principal, ctx, now }) {
    const invoiceDate = input.invoiceDate ?? input.cutoff;
    if (invoiceDate < input.cutoff) {
      throw rejected('PRECONDITION_FAILED', `The invoice date ${invoiceDate} is before the cut-off ${input.cutoff}.`, 'invoiceDate');
    }
    const billingRun = await ports.write.billingRun.start(
      {
        legalEntityId: input.legalEntityId,
        cutoffDate: input.cutoff,
        invoiceDate,
        trigger: isSystemPrincipal(principal) ? 'SCHEDULE' : 'MANUAL',
        startedBy: principal.sub,
        correlationId: correlationOf(ctx),
      },
      now,
    );
    return { billingRun };
  },
};

/** The request's correlation id when the request scope carries one (docs/events.md#envelope), else its request id. */
function correlationOf(ctx: IntegrationContext): string {
  const request = ctx.request as typeof ctx.request & { correlationId?: string };
  return request.correlationId ?? request.requestId;
}

export const billingRunCapabilities = { startBillingRun };

/** The run as stored now (a replayed payload carries the row as it was when the run started). */
async function current(run: BillingRunRow, ctx: IntegrationContext): Promise<BillingRunRow> {
  return (await ctx.loaders.billingRun.load(run.id)) ?? run;
}

const projectsOf = (run: BillingRunRow, ctx: IntegrationContext): Promise<BillingRunProjectRow[]> =>
  ctx.loaders.billingRunProjects.load(run.id);

export const billingRunQueryResolvers = {
  billingRun: (_: unknown, args: { id: string }, ctx: IntegrationContext) =>
    found(ctx.loaders.billingRun.load(args.id), 'BillingRun', args.id),
  billingRuns: (
    _: unknown,
    args: { legalEntityId?: string | null; status?: string | null; first?: number | null },
    ctx: IntegrationContext,
  ) => ctx.read.billingRun.runs({ legalEntityId: args.legalEntityId, status: args.status }, Math.min(Math.max(args.first ?? 20, 1), 100)),
};

export const billingRunTypeResolvers = {
  BillingRun: {
    __resolveReference: (reference: { id: string }, ctx: IntegrationContext) => ctx.loaders.billingRun.load(reference.id),
    legalEntityId: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).legal_entity_id,
    cutoff: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).cutoff_date,
    invoiceDate: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).invoice_date,
    status: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).status,
    phase: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).phase,
    trigger: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).trigger,
    startedBy: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).started_by,
    correlationId: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).correlation_id,
    startedAt: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).started_at,
    finishedAt: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => (await current(run, ctx)).finished_at,
    counts: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => {
      const counts = outcomeCounts(await projectsOf(run, ctx));
      return {
        projects: counts.projects,
        pending: counts.PENDING,
        drafted: counts.DRAFTED,
        released: counts.RELEASED,
        held: counts.HELD,
        refused: counts.REFUSED,
        nothingToBill: counts.NOTHING_TO_BILL,
      };
    },
    totals: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => currencyTotals(await projectsOf(run, ctx)),
    projects: async (run: BillingRunRow, args: { status?: string[] | null }, ctx: IntegrationContext) =>
      (await projectsOf(run, ctx)).filter((row) => !args.status || args.status.includes(row.status)),
    reconciliation: async (run: BillingRunRow, _: unknown, ctx: IntegrationContext) => {
      const row = await current(run, ctx);
      return row.reconciliation_status === null ? null : { status: row.reconciliation_status, note: row.reconciliation_note ?? '' };
    },
  },
  BillingRunProject: {
    projectId: (row: BillingRunProjectRow) => row.project_id,
    projectCode: (row: BillingRunProjectRow) => row.project_code,
    customerId: (row: BillingRunProjectRow) => row.customer_id,
    billingDraftId: (row: BillingRunProjectRow) => row.billing_draft_id,
    draftAmount: (row: BillingRunProjectRow) => (row.draft_amount_e4 === null ? null : money(row.draft_amount_e4, row.currency)),
    invoiceId: (row: BillingRunProjectRow) => row.invoice_id,
    invoiceNumber: (row: BillingRunProjectRow) => row.invoice_number,
    invoiceTotal: (row: BillingRunProjectRow) => (row.invoice_total_e4 === null ? null : money(row.invoice_total_e4, row.currency)),
    reasonCode: (row: BillingRunProjectRow) => row.reason_code,
    draftKey: (row: BillingRunProjectRow) => draftKey(row.run_id, row.project_id),
    releaseKey: (row: BillingRunProjectRow) => releaseKey(row.run_id, row.project_id),
  },
};

/** Project.cashPosition and Account.exposure (docs/processes.md#cash); Project keeps the process area's fields. */
export const cashTypeResolvers = {
  Project: {
    ...(processTypeResolvers as unknown as Record<string, Record<string, unknown>>).Project,
    cashPosition: async (project: { id: string }, _: unknown, ctx: IntegrationContext) =>
      projectCashPosition(await ctx.loaders.cashByProject.load(project.id), null),
  },
  Account: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    exposure: async (account: { id: string }, _: unknown, ctx: IntegrationContext) =>
      exposure(await ctx.loaders.cashByAccount.load(account.id)),
  },
};
