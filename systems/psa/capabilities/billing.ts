/**
 * Billing capabilities (docs/state-machines.md#billing-draft-and-invoice, docs/capabilities.md#time-to-billing,
 * docs/invariants.md#inv-2): a billing draft claims every source of a
 * project that is ready to bill up to a cut-off date (approved time, milestones and expenses), within
 * the contract's not-to-exceed amount; the ERP's invoice marks it invoiced and its sources billed.
 *
 * Set-based on purpose (a month-end run drafts every active project): one read per source kind and
 * one write of the whole draft, whatever the number of sources.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkTotal } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { BillingDraft, BillingDraftItem, ReadySources } from '../ports/types.ts';
import { billingDraftMachine, type BillingDraftStatus } from '../machines.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { readBillingProfile, readContractStatus, type ContractStatusFacts } from './peerFacts.ts';
import { projectHoldOf } from './billingHold.ts';
import { billingDraftFor, projectFor, visibleProject } from './records.ts';
import { checkLineCaps } from './contractLines.ts';
import { expenseItem } from './expenseItems.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<PsaPorts, PsaContext, Input, { billingDraft: BillingDraft }, Facts>;

/**
 * Project states that bill: running, or closing with work still to bill. An ON_HOLD project's work
 * waits: resumeProject (or beginProjectClosing) makes it bill again (docs/state-machines.md#project).
 */
const BILLING_PROJECTS: readonly string[] = ['ACTIVE', 'CLOSING'];

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
    const project = await visibleProject(ctx.read, input.projectId);
    if (!project?.contractId || !project.accountId) return { contract: null, billingProfile: null };
    const [contract, billingProfile] = await Promise.all([
      readContractStatus(ctx, project.contractId),
      readBillingProfile(ctx, project.accountId, project.legalEntityId),
    ]);
    return { contract, billingProfile };
  },
  async effect({ input, facts, ports, emit }) {
    const project = await projectFor(ports.read, input.projectId);
    if (!BILLING_PROJECTS.includes(project.status)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Project ${project.id} is ${project.status}: only an ACTIVE or CLOSING project is billed.` +
          (project.status === 'ON_HOLD' ? ' Its work waits until it is resumed (resumeProject).' : ''),
        'projectId',
      );
    }
    if (!project.contractId || !project.accountId)
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} has no customer contract to bill.`, 'projectId');
    const contract = facts.contract;
    if (!contract || contract.id !== project.contractId || contract.status !== 'ACTIVE') {
      throw rejected(
        'CONTRACT_NOT_ACTIVE',
        `Contract ${project.contractId} is ${contract?.status ?? 'not found'}, not ACTIVE: nothing is billed on it.`,
        'projectId',
      );
    }
    if (!facts.billingProfile) {
      throw rejected(
        'CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY',
        `Customer ${project.accountId} has no billing profile in ${project.legalEntityId}.`,
        'projectId',
      );
    }
    if (facts.billingProfile.creditHold) {
      throw rejected(
        'CUSTOMER_ON_CREDIT_HOLD',
        `Customer ${project.accountId} is on credit hold in ${project.legalEntityId}: billing is blocked.`,
        'projectId',
      );
    }
    // A held project drafts nothing; a held source is never claimed (ON_HOLD is not ready to bill): docs/state-machines.md#billing-hold.
    const hold = await projectHoldOf(ports.read, project.id);
    if (hold) throw rejected('BILLING_ON_HOLD', `Project ${project.id} is on billing hold (${hold.id}): ${hold.reason}`, 'projectId');

    const draftId = newId('bd');
    const items = draftItems(await ports.read.readySources(project.id, input.cutoffDate), draftId);
    if (items.length === 0)
      throw rejected('NOTHING_TO_BILL', `Project ${project.id} has nothing ready to bill up to ${input.cutoffDate}.`, 'cutoffDate');
    const summary = checkTotal(
      items.reduce((sum, item) => sum + item.amountE4, 0),
      project.currency,
      'cutoffDate',
    );
    await checkLineCaps(ports.read, project.contractId, items, project.currency);

    const billingDraft = await ports.write.generateBillingDraft(
      {
        id: draftId,
        projectId: project.id,
        contractId: project.contractId,
        legalEntityId: project.legalEntityId,
        accountId: project.accountId,
        cutoffDate: input.cutoffDate,
        status: 'IN_REVIEW',
        summaryE4: summary,
        currency: project.currency,
        invoiceId: null,
        invoiceNumber: null,
        aggregateVersion: 1,
      },
      items,
    );
    emit(
      aggregateEvent('BillingDraftGenerated', 'BillingDraft', billingDraft, project.legalEntityId, {
        billingDraftId: draftId,
        projectId: project.id,
        contractId: project.contractId,
        customerId: project.accountId,
        status: billingDraft.status,
        cutoffDate: input.cutoffDate,
        summaryAmount: money(summary, project.currency),
        timeEntryCount: items.filter((item) => item.sourceType === 'TIME_SPLIT').length,
        milestoneCount: items.filter((item) => item.sourceType === 'MILESTONE').length,
        expenseCount: items.filter((item) => item.sourceType === 'EXPENSE').length,
      }),
    );
    return { billingDraft };
  },
};

/** The draft's items: the project's time, then its milestones, then its expenses, ready to bill up to the cut-off, each in date order. */
function draftItems(sources: ReadySources, draftId: string): BillingDraftItem[] {
  const items = [
    ...sources.time.map((entry) => ({
      sourceType: 'TIME_SPLIT' as const,
      sourceId: entry.id,
      description: `${entry.date} ${entry.roleName}`,
      quantityE2: entry.hoursE2,
      unitPriceE4: entry.billRateE4 ?? 0,
      amountE4: entry.billableE4,
      taxTreatment: 'STANDARD' as const,
    })),
    ...sources.milestones.map((milestone) => ({
      sourceType: 'MILESTONE' as const,
      sourceId: milestone.id,
      description: milestone.name,
      quantityE2: 100,
      unitPriceE4: milestone.amountE4,
      amountE4: milestone.amountE4,
      taxTreatment: 'STANDARD' as const,
    })),
    ...sources.expenses.map(expenseItem),
  ];
  // Item ids sort in item order.
  return items.map((item, index) => ({ id: `bdi_${draftId.slice(3)}_${String(index).padStart(6, '0')}`, draftId, ...item }));
}

interface InvoicedInput {
  readonly billingDraftId: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
}

/** The ERP's releaseInvoice hands this step over (key `erp.releaseInvoice:<draftId>`): the draft is invoiced, its sources billed. */
export const recordBillingDraftInvoiced: Handler<InvoicedInput> = {
  systemOnly: true,
  async effect({ input, ports, emit }) {
    const row = await billingDraftFor(ports.read, input.billingDraftId);
    if (row.status === 'INVOICED' && row.invoiceId !== input.invoiceId) {
      throw rejected('SOURCE_ALREADY_BILLED', `Billing draft ${row.id} is already invoiced by ${row.invoiceId}.`, 'invoiceId');
    }
    const warning = guardTransition(
      'BillingDraft',
      billingDraftMachine,
      row.status as BillingDraftStatus,
      'INVOICED',
      'recordBillingDraftInvoiced',
    );
    if (warning) return { billingDraft: row, warnings: [warning] };
    const invoiceNumber = input.invoiceNumber.trim();
    if (invoiceNumber === '') throw rejected('PRECONDITION_FAILED', 'The invoice number is blank.', 'invoiceNumber');
    const { billingDraft, billedTimeEntries, billedMilestones, billedExpenses } = await ports.write.recordBillingDraftInvoiced(row, {
      invoiceId: input.invoiceId,
      invoiceNumber,
    });
    emit(
      aggregateEvent('BillingDraftInvoiced', 'BillingDraft', billingDraft, row.legalEntityId, {
        billingDraftId: row.id,
        projectId: row.projectId,
        invoiceId: input.invoiceId,
        invoiceNumber,
        status: billingDraft.status,
        summaryAmount: money(row.summaryE4, row.currency),
        billedTimeEntries,
        billedMilestones,
        billedExpenses,
      }),
    );
    return { billingDraft };
  },
};
