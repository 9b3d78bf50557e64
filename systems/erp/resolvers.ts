import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { formatHours, formatScaled, money, MONEY_SCALE } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { bool, found, ref, whereIn } from '../kernel/refs.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import { seesAccount, seesLegalEntity } from '../../policies/recordScope.ts';
import type { ErpLoaders } from './loaders.ts';
import type { ErpStore, InvoiceFilter } from './store.ts';
import type {
  AccountingPeriodRow, BillingProfileRow, ContractTermsRow, InvoiceLineRow, InvoiceRow, LegalEntityRow, PaymentApplicationRow,
  ErpTables, PaymentRow, RateCardLineRow, RateCardRow, RevenueScheduleLineRow, RevenueScheduleRow, TaxProfileRow,
} from './tables.ts';
import type { SystemContext } from '../kernel/referenceSystem.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';
import { erpCapabilities } from './capabilities/index.ts';
import { resultUnionResolvers } from './capabilities/resultUnion.ts';

export type ErpContext = SystemContext<ErpStore, ErpLoaders, ErpTables>;

type Ctx = ErpContext;

async function invoiceCurrency(ctx: Ctx, invoiceId: string): Promise<string> {
  const invoice = await ctx.loaders.invoice.load(invoiceId);
  if (!invoice) throw new Error(`invoice ${invoiceId} of a line or application is missing`);
  return invoice.currency;
}

async function scheduleCurrency(ctx: Ctx, scheduleId: string): Promise<string> {
  const schedule = await ctx.loaders.revenueSchedule.load(scheduleId);
  if (!schedule) throw new Error(`revenue schedule ${scheduleId} of a line is missing or hidden`);
  return schedule.currency;
}

async function contractTerms(ctx: Ctx, contractId: string): Promise<ContractTermsRow | null> {
  return ctx.loaders.contractTerms.load(contractId);
}

export const erpResolvers: GraphQLResolverMap<ErpContext> = {
  ...scalarResolvers,
  Mutation: capabilityResolvers<ErpTables, ErpContext>('erp', erpCapabilities),
  ActivateContractResult: resultUnionResolvers,
  ReleaseInvoiceResult: resultUnionResolvers,
  AuditEntry: auditEntryResolvers,
  Query: {
    legalEntities: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.store.allLegalEntities()).filter((row) => seesLegalEntity(ctx.scope, row.id)),
    legalEntity: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.legalEntity.load(args.id), 'LegalEntity', args.id),
    rateCards: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.store.allRateCards()).filter((row) => seesLegalEntity(ctx.scope, row.legal_entity_id)),
    rateCard: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.rateCard.load(args.id), 'RateCard', args.id),
    invoice: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.invoice.load(args.id), 'Invoice', args.id),
    invoices: (_: unknown, args: PageArgs & { filter?: InvoiceFilter | null }, ctx: Ctx) =>
      connectionOf(args, (page) => ctx.store.invoicesPage(args.filter ?? {}, page, ctx.scope)),
    payment: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.payment.load(args.id), 'Payment', args.id),
    erpAuditLog: auditLog,
  },
  LegalEntity: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.legalEntity.load(reference.id),
    legalName: (row: LegalEntityRow) => row.legal_name,
    functionalCurrency: (row: LegalEntityRow) => row.functional_currency,
    intercompanyEnabled: (row: LegalEntityRow) => bool(row.intercompany_enabled),
    taxProfile: (row: LegalEntityRow, _: unknown, ctx: Ctx) => (row.tax_profile_id ? ctx.loaders.taxProfile.load(row.tax_profile_id) : null),
    periods: async (row: LegalEntityRow, args: { status?: string | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.periodsByLegalEntity.load(row.id), args.status ? [args.status] : null, (p) => p.status),
  },
  AccountingPeriod: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.period.load(reference.id),
    legalEntity: (row: AccountingPeriodRow, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(row.legal_entity_id),
    startDate: (row: AccountingPeriodRow) => row.start_date,
    endDate: (row: AccountingPeriodRow) => row.end_date,
  },
  TaxProfile: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.taxProfile.load(reference.id),
    partyType: (row: TaxProfileRow) => row.party_type,
    registrationNumber: (row: TaxProfileRow) => row.registration_number,
    defaultTaxCode: (row: TaxProfileRow) => row.default_tax_code,
    ratePercent: (row: TaxProfileRow) => formatScaled(row.rate_percent_e4, MONEY_SCALE, 0),
    reverseCharge: (row: TaxProfileRow) => bool(row.reverse_charge),
  },
  RateCard: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.rateCard.load(reference.id),
    legalEntity: (row: RateCardRow, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(row.legal_entity_id),
    customer: (row: RateCardRow) => ref(row.account_id),
    lines: async (row: RateCardRow, args: { effectiveOn?: string | null }, ctx: Ctx) => {
      const lines = await ctx.loaders.rateCardLines.load(row.id);
      const on = args.effectiveOn;
      return (on ? lines.filter((line) => line.effective_from <= on && (line.effective_to === null || on <= line.effective_to)) : lines)
        .map((line) => ({ ...line, currency: row.currency }));
    },
  },
  RateCardLine: {
    role: (line: RateCardLineRow) => ref(line.role_id),
    billRate: (line: RateCardLineRow & { currency: string }) => money(line.bill_rate_e4, line.currency),
    costRate: (line: RateCardLineRow & { currency: string }) => money(line.cost_rate_e4, line.currency),
    effectiveFrom: (line: RateCardLineRow) => line.effective_from,
    effectiveTo: (line: RateCardLineRow) => line.effective_to,
  },
  Account: {
    // A partner's view: another customer's account does not exist here either.
    __resolveReference: (reference: { id: string }, ctx: Ctx) => (seesAccount(ctx.scope, reference.id) ? { id: reference.id } : null),
    billingProfiles: (account: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.billingProfilesByAccount.load(account.id),
    creditHold: async (account: { id: string }, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.billingProfilesByAccount.load(account.id)).some((profile) => bool(profile.credit_hold)),
    arBalances: async (account: { id: string }, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.receivablesByAccount.load(account.id)).map((total) => money(total.amountE4, total.currency)),
    invoices: (account: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoicesByAccount.load(account.id),
  },
  CustomerBillingProfile: {
    customerNumber: (row: BillingProfileRow) => row.customer_number,
    legalEntity: (row: BillingProfileRow, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(row.legal_entity_id),
    paymentTerms: (row: BillingProfileRow) => row.payment_terms,
    creditHold: (row: BillingProfileRow) => bool(row.credit_hold),
    taxProfile: (row: BillingProfileRow, _: unknown, ctx: Ctx) => (row.tax_profile_id ? ctx.loaders.taxProfile.load(row.tax_profile_id) : null),
  },
  Contract: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    paymentTerms: async (contract: { id: string }, _: unknown, ctx: Ctx) => (await contractTerms(ctx, contract.id))?.payment_terms ?? null,
    poNumber: async (contract: { id: string }, _: unknown, ctx: Ctx) => (await contractTerms(ctx, contract.id))?.po_number ?? null,
    poRequired: async (contract: { id: string }, _: unknown, ctx: Ctx) => bool((await contractTerms(ctx, contract.id))?.po_required ?? 0),
    taxProfile: async (contract: { id: string }, _: unknown, ctx: Ctx) => {
      const terms = await contractTerms(ctx, contract.id);
      return terms?.tax_profile_id ? ctx.loaders.taxProfile.load(terms.tax_profile_id) : null;
    },
    terms: (contract: { id: string }, _: unknown, ctx: Ctx) => contractTerms(ctx, contract.id),
    invoices: (contract: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoicesByContract.load(contract.id),
  },
  ContractTerms: {
    contract: (row: ContractTermsRow) => ({ id: row.contract_id }),
    paymentTerms: (row: ContractTermsRow) => row.payment_terms,
    poNumber: (row: ContractTermsRow) => row.po_number,
    poRequired: (row: ContractTermsRow) => bool(row.po_required),
    taxProfile: (row: ContractTermsRow, _: unknown, ctx: Ctx) => (row.tax_profile_id ? ctx.loaders.taxProfile.load(row.tax_profile_id) : null),
    activatedAt: (row: ContractTermsRow) => row.activated_at ?? null,
    aggregateVersion: (row: ContractTermsRow) => row.aggregate_version,
  },
  Project: {
    // Always resolves (a project without ERP figures still has an empty invoice list); each field
    // reads through scoped loaders, so a project of a hidden legal entity shows no ERP data.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    erpProjectNumber: async (project: { id: string }, _: unknown, ctx: Ctx) => (await ctx.loaders.erpProject.load(project.id))?.erp_project_number ?? null,
    revenueMethod: async (project: { id: string }, _: unknown, ctx: Ctx) => (await ctx.loaders.erpProject.load(project.id))?.revenue_method ?? null,
    invoices: (project: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoicesByProject.load(project.id),
    billedToDate: async (project: { id: string }, _: unknown, ctx: Ctx) => {
      const [erpProject, totals] = await Promise.all([ctx.loaders.erpProject.load(project.id), ctx.loaders.billedByProject.load(project.id)]);
      if (!erpProject) return null;
      const inCurrency = totals.find((total) => total.currency === erpProject.currency);
      return money(inCurrency?.amountE4 ?? 0, erpProject.currency);
    },
    recognizedRevenueToDate: async (project: { id: string }, _: unknown, ctx: Ctx) => {
      const [erpProject, schedules] = await Promise.all([ctx.loaders.erpProject.load(project.id), ctx.loaders.revenueSchedulesByProject.load(project.id)]);
      if (!erpProject) return null;
      const recognized = schedules.filter((s) => s.currency === erpProject.currency).reduce((sum, s) => sum + s.recognized_e4, 0);
      return money(recognized, erpProject.currency);
    },
    revenueSchedules: (project: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.revenueSchedulesByProject.load(project.id),
  },
  Invoice: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.invoice.load(reference.id),
    invoiceNumber: (row: InvoiceRow) => row.invoice_number,
    legalEntity: (row: InvoiceRow, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(row.legal_entity_id),
    customer: (row: InvoiceRow) => ref(row.account_id),
    contract: (row: InvoiceRow) => ref(row.contract_id),
    project: (row: InvoiceRow) => ref(row.project_id),
    invoiceDate: (row: InvoiceRow) => row.invoice_date,
    dueDate: (row: InvoiceRow) => row.due_date,
    postingPeriod: (row: InvoiceRow, _: unknown, ctx: Ctx) => ctx.loaders.period.load(row.posting_period_id),
    lines: (row: InvoiceRow, _: unknown, ctx: Ctx) => ctx.loaders.linesByInvoice.load(row.id),
    subtotal: (row: InvoiceRow) => money(row.subtotal_e4, row.currency),
    taxTotal: (row: InvoiceRow) => money(row.tax_e4, row.currency),
    total: (row: InvoiceRow) => money(row.total_e4, row.currency),
    amountPaid: (row: InvoiceRow) => money(row.amount_paid_e4, row.currency),
    amountCredited: (row: InvoiceRow) => money(row.amount_credited_e4 ?? 0, row.currency),
    amountDue: (row: InvoiceRow) => money(row.status === 'VOIDED' ? 0 : row.total_e4 - row.amount_paid_e4 - (row.amount_credited_e4 ?? 0), row.currency),
    payments: (row: InvoiceRow, _: unknown, ctx: Ctx) => ctx.loaders.applicationsByInvoice.load(row.id),
    originalInvoice: (row: InvoiceRow, _: unknown, ctx: Ctx) => (row.original_invoice_id ? ctx.loaders.invoice.load(row.original_invoice_id) : null),
    creditMemos: (row: InvoiceRow, _: unknown, ctx: Ctx) => ctx.loaders.creditMemosByInvoice.load(row.id),
    aggregateVersion: (row: InvoiceRow) => row.aggregate_version,
  },
  InvoiceLine: {
    lineNumber: (row: InvoiceLineRow) => row.line_number,
    quantity: (row: InvoiceLineRow) => formatHours(row.quantity_e2),
    unitPrice: async (row: InvoiceLineRow, _: unknown, ctx: Ctx) => money(row.unit_price_e4, await invoiceCurrency(ctx, row.invoice_id)),
    amount: async (row: InvoiceLineRow, _: unknown, ctx: Ctx) => money(row.amount_e4, await invoiceCurrency(ctx, row.invoice_id)),
    taxCode: (row: InvoiceLineRow) => row.tax_code,
    taxAmount: async (row: InvoiceLineRow, _: unknown, ctx: Ctx) => money(row.tax_e4, await invoiceCurrency(ctx, row.invoice_id)),
  },
  Payment: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.payment.load(reference.id),
    paymentNumber: (row: PaymentRow) => row.payment_number,
    customer: (row: PaymentRow) => ref(row.account_id),
    legalEntity: (row: PaymentRow, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(row.legal_entity_id),
    receivedDate: (row: PaymentRow) => row.received_date,
    amount: (row: PaymentRow) => money(row.amount_e4, row.currency),
    unappliedAmount: async (row: PaymentRow, _: unknown, ctx: Ctx) => {
      const applied = (await ctx.loaders.applicationsByPayment.load(row.id)).reduce((sum, a) => sum + a.amount_e4, 0);
      return money(row.amount_e4 - applied, row.currency);
    },
    applications: (row: PaymentRow, _: unknown, ctx: Ctx) => ctx.loaders.applicationsByPayment.load(row.id),
    aggregateVersion: (row: PaymentRow) => row.aggregate_version,
  },
  PaymentApplication: {
    payment: (row: PaymentApplicationRow, _: unknown, ctx: Ctx) => ctx.loaders.payment.load(row.payment_id),
    invoice: (row: PaymentApplicationRow, _: unknown, ctx: Ctx) => ctx.loaders.invoice.load(row.invoice_id),
    amountApplied: async (row: PaymentApplicationRow, _: unknown, ctx: Ctx) => money(row.amount_e4, await invoiceCurrency(ctx, row.invoice_id)),
    appliedOn: (row: PaymentApplicationRow) => row.applied_on,
  },
  RevenueSchedule: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.revenueSchedule.load(reference.id),
    project: (row: RevenueScheduleRow) => ref(row.project_id),
    allocatedAmount: (row: RevenueScheduleRow) => money(row.allocated_e4, row.currency),
    recognizedToDate: (row: RevenueScheduleRow) => money(row.recognized_e4, row.currency),
    lines: async (row: RevenueScheduleRow, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.revenueScheduleLines.load(row.id)).map((line) => ({ ...line, currency: row.currency })),
    aggregateVersion: (row: RevenueScheduleRow) => row.aggregate_version,
  },
  RevenueScheduleLine: {
    // Lines reached through a schedule carry its currency; a capability payload's lines load it.
    period: (row: RevenueScheduleLineRow, _: unknown, ctx: Ctx) => ctx.loaders.period.load(row.period_id),
    amount: async (row: RevenueScheduleLineRow & { currency?: string }, _: unknown, ctx: Ctx) =>
      money(row.amount_e4, row.currency ?? (await scheduleCurrency(ctx, row.schedule_id))),
    recognizedToDate: async (row: RevenueScheduleLineRow & { currency?: string }, _: unknown, ctx: Ctx) =>
      money(row.recognized_cum_e4, row.currency ?? (await scheduleCurrency(ctx, row.schedule_id))),
    postedAt: (row: RevenueScheduleLineRow) => row.posted_at,
  },
};
