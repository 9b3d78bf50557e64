/**
 * Billing capabilities (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#time-to-billing, docs/invariants.md#inv-2): a billing draft claims every source of a
 * project that is ready to bill up to a cut-off date (approved time, approved milestones), within
 * the contract's not-to-exceed amount; the ERP's invoice marks it invoiced and its sources billed.
 *
 * Set-based on purpose (a month-end run drafts every active project): one select per source kind,
 * multi-row inserts, one update per source kind, whatever the number of sources.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkTotal } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { updateAggregate } from '../../kernel/capability/updateAggregate.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../resolvers.ts';
import type { BillingDraftItemRow, BillingDraftRow, PsaTables } from '../tables.ts';
import { billingDraftMachine, type BillingDraftStatus } from '../machines.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readBillingProfile, readContractStatus, type ContractStatusFacts } from './peerFacts.ts';
import { billingDraftFor, contractLineOf, projectFor, reload, visibleProject, type PsaTrx } from './records.ts';
import { isUniqueViolation } from '../../kernel/capability/engine.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<PsaTables, PsaContext, Input, { billingDraft: BillingDraftRow }, Facts>;

/** Project states that bill: running, or closing with work still to bill. */
const BILLING_PROJECTS: readonly string[] = ['ACTIVE', 'CLOSING'];
/** Rows per multi-row statement: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

interface GenerateInput {
  readonly projectId: string;
  readonly cutoffDate: string;
}

interface GenerateFacts {
  readonly contract: ContractStatusFacts | null;
  readonly billingProfile: { readonly creditHold: boolean } | null;
}

export const generateBillingDraft: Handler<GenerateInput, GenerateFacts> = {
  async prepare({ input, ctx }) {
    const project = await visibleProject(ctx.reads, ctx.scope, input.projectId);
    if (!project?.contract_id || !project.account_id) return { contract: null, billingProfile: null };
    const [contract, billingProfile] = await Promise.all([
      readContractStatus(ctx, project.contract_id),
      readBillingProfile(ctx, project.account_id, project.legal_entity_id),
    ]);
    return { contract, billingProfile };
  },
  async effect({ input, facts, trx, emit, ctx }) {
    const project = await projectFor(trx, ctx.scope, input.projectId);
    if (!BILLING_PROJECTS.includes(project.status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: only an ACTIVE or CLOSING project is billed.`, 'projectId');
    }
    if (!project.contract_id || !project.account_id) throw rejected('PRECONDITION_FAILED', `Project ${project.id} has no customer contract to bill.`, 'projectId');
    const contract = facts.contract;
    if (!contract || contract.id !== project.contract_id || contract.status !== 'ACTIVE') {
      throw rejected('CONTRACT_NOT_ACTIVE', `Contract ${project.contract_id} is ${contract?.status ?? 'not found'}, not ACTIVE: nothing is billed on it.`, 'projectId');
    }
    if (!facts.billingProfile) {
      throw rejected('CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY', `Customer ${project.account_id} has no billing profile in ${project.legal_entity_id}.`, 'projectId');
    }
    if (facts.billingProfile.creditHold) {
      throw rejected('CUSTOMER_ON_CREDIT_HOLD', `Customer ${project.account_id} is on credit hold in ${project.legal_entity_id}: billing is blocked.`, 'projectId');
    }

    const draftId = newId('bd');
    const items = await readySources(trx, project.id, input.cutoffDate, draftId);
    if (items.length === 0) throw rejected('NOTHING_TO_BILL', `Project ${project.id} has nothing ready to bill up to ${input.cutoffDate}.`, 'cutoffDate');
    const summary = checkTotal(items.reduce((sum, item) => sum + item.amount_e4, 0), project.currency, 'cutoffDate');
    await checkNotToExceed(trx, project.contract_id, summary, project.currency);

    const billingDraft: BillingDraftRow = {
      id: draftId, project_id: project.id, contract_id: project.contract_id, legal_entity_id: project.legal_entity_id, account_id: project.account_id,
      cutoff_date: input.cutoffDate, status: 'IN_REVIEW', summary_e4: summary, currency: project.currency, invoice_id: null,
      invoice_number: null, aggregate_version: 1,
    };
    await trx.insertInto('billing_drafts').values(billingDraft).execute();
    await claim(trx, items);
    const timeIds = items.filter((item) => item.source_type === 'TIME_SPLIT').map((item) => item.source_id);
    const milestoneIds = items.filter((item) => item.source_type === 'MILESTONE').map((item) => item.source_id);
    await moveSources(trx, 'time_entries', timeIds, 'READY_TO_BILL', 'ON_DRAFT');
    await moveSources(trx, 'milestones', milestoneIds, 'READY_TO_BILL', 'ON_DRAFT');

    emit(aggregateEvent('BillingDraftGenerated', 'BillingDraft', billingDraft, project.legal_entity_id, {
      billingDraftId: draftId, projectId: project.id, contractId: project.contract_id, customerId: project.account_id, status: billingDraft.status,
      cutoffDate: input.cutoffDate, summaryAmount: money(summary, project.currency), timeEntryCount: timeIds.length, milestoneCount: milestoneIds.length,
    }));
    return { billingDraft };
  },
};

/** The draft's items: the project's time and milestones ready to bill up to the cut-off, in date order. */
async function readySources(trx: PsaTrx, projectId: string, cutoffDate: string, draftId: string): Promise<BillingDraftItemRow[]> {
  const time = await trx
    .selectFrom('time_entries')
    .innerJoin('roles', 'roles.id', 'time_entries.role_id')
    .select(['time_entries.id', 'time_entries.entry_date', 'time_entries.hours_e2', 'time_entries.bill_rate_e4', 'time_entries.billable_e4', 'roles.name as role'])
    .where('time_entries.project_id', '=', projectId)
    .where('time_entries.billing_status', '=', 'READY_TO_BILL')
    .where('time_entries.entry_date', '<=', cutoffDate)
    .orderBy('time_entries.entry_date')
    .orderBy('time_entries.id')
    .execute();
  const milestones = await trx
    .selectFrom('milestones')
    .select(['id', 'name', 'amount_e4'])
    .where('project_id', '=', projectId)
    .where('billing_status', '=', 'READY_TO_BILL')
    .where('actual_date', '<=', cutoffDate)
    .orderBy('actual_date')
    .orderBy('id')
    .execute();
  const sources = [
    ...time.map((entry) => ({
      source_type: 'TIME_SPLIT', source_id: entry.id, description: `${entry.entry_date} ${entry.role}`,
      quantity_e2: entry.hours_e2, unit_price_e4: entry.bill_rate_e4 ?? 0, amount_e4: entry.billable_e4,
    })),
    ...milestones.map((milestone) => ({
      source_type: 'MILESTONE', source_id: milestone.id, description: milestone.name, quantity_e2: 100, unit_price_e4: milestone.amount_e4, amount_e4: milestone.amount_e4,
    })),
  ];
  // Item ids sort in item order.
  return sources.map((source, index) => ({ id: `bdi_${draftId.slice(3)}_${String(index).padStart(6, '0')}`, draft_id: draftId, ...source }));
}

/** Billed to date on the contract (every draft not discarded) plus this draft stays within a time-and-materials cap. */
async function checkNotToExceed(trx: PsaTrx, contractId: string, draftE4: number, currency: string): Promise<void> {
  const line = await contractLineOf(trx, contractId);
  if (line?.billing_method !== 'TIME_AND_MATERIALS' || line.nte_e4 === null) return;
  const billed = await trx
    .selectFrom('billing_drafts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('summary_e4'), eb.lit(0)).as('total'))
    // Through the projects of the contract: drafts are indexed by project.
    .where('project_id', 'in', (eb) => eb.selectFrom('projects').select('id').where('contract_id', '=', contractId))
    .where('contract_id', '=', contractId)
    .where('status', '!=', 'DISCARDED')
    .executeTakeFirstOrThrow();
  const billedE4 = Number(billed.total);
  if (billedE4 + draftE4 > line.nte_e4) {
    throw rejected(
      'NTE_EXCEEDED',
      `Billed to date ${money(billedE4, currency).amount} plus this draft ${money(draftE4, currency).amount} exceeds the not-to-exceed amount ${money(line.nte_e4, currency).amount} ${currency}.`,
      'projectId',
    );
  }
}

/**
 * Inserts the items: the unique (source_type, source_id) is the claim (INV-2). A source another
 * draft claimed meanwhile (a concurrent run) fails the insert, and with it the whole draft.
 */
async function claim(trx: PsaTrx, items: readonly BillingDraftItemRow[]): Promise<void> {
  try {
    for (let start = 0; start < items.length; start += CHUNK) {
      await trx.insertInto('billing_draft_items').values(items.slice(start, start + CHUNK)).execute();
    }
  } catch (error) {
    if (isUniqueViolation(error)) throw rejected('SOURCE_ALREADY_BILLED', 'A source of this draft was claimed by another draft meanwhile; nothing was drafted.', 'projectId');
    throw error;
  }
}

/** Moves the sources from one billing state to the next; every one must still be in `from`. */
async function moveSources(trx: PsaTrx, table: 'time_entries' | 'milestones', ids: readonly string[], from: string, to: string): Promise<void> {
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
  if (moved !== ids.length) throw rejected('SOURCE_ALREADY_BILLED', 'A source of this draft changed its billing state meanwhile; nothing was drafted.', 'projectId');
}

interface InvoicedInput {
  readonly billingDraftId: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
}

/** The ERP's releaseInvoice hands this step over (key `erp.releaseInvoice:<draftId>`): the draft is invoiced, its sources billed. */
export const recordBillingDraftInvoiced: Handler<InvoicedInput> = {
  systemOnly: true,
  async effect({ input, trx, emit, ctx }) {
    const row = await billingDraftFor(trx, ctx.scope, input.billingDraftId);
    if (row.status === 'INVOICED' && row.invoice_id !== input.invoiceId) {
      throw rejected('SOURCE_ALREADY_BILLED', `Billing draft ${row.id} is already invoiced by ${row.invoice_id}.`, 'invoiceId');
    }
    const warning = guardTransition('BillingDraft', billingDraftMachine, row.status as BillingDraftStatus, 'INVOICED', 'recordBillingDraftInvoiced');
    if (warning) return { billingDraft: row, warnings: [warning] };
    const invoiceNumber = input.invoiceNumber.trim();
    if (invoiceNumber === '') throw rejected('PRECONDITION_FAILED', 'The invoice number is blank.', 'invoiceNumber');
    await updateAggregate(trx, 'billing_drafts', 'BillingDraft', row, { status: 'INVOICED', invoice_id: input.invoiceId, invoice_number: invoiceNumber });
    const billedTime = await billSources(trx, 'time_entries', 'TIME_SPLIT', row.id);
    const billedMilestones = await billSources(trx, 'milestones', 'MILESTONE', row.id);
    const billingDraft = await reload.billingDraft(trx, row.id);
    emit(aggregateEvent('BillingDraftInvoiced', 'BillingDraft', billingDraft, row.legal_entity_id, {
      billingDraftId: row.id, projectId: row.project_id, invoiceId: input.invoiceId, invoiceNumber, status: billingDraft.status,
      summaryAmount: money(row.summary_e4, row.currency), billedTimeEntries: billedTime, billedMilestones,
    }));
    return { billingDraft };
  },
};

/** ON_DRAFT → BILLED for the draft's sources of one kind, in one statement; returns how many. */
async function billSources(trx: PsaTrx, table: 'time_entries' | 'milestones', sourceType: string, draftId: string): Promise<number> {
  const result = await trx
    .updateTable(table)
    .set({ billing_status: 'BILLED' })
    .where('billing_status', '=', 'ON_DRAFT')
    .where('id', 'in', (eb) => eb.selectFrom('billing_draft_items').select('source_id').where('draft_id', '=', draftId).where('source_type', '=', sourceType))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
