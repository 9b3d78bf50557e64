import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { formatHours, formatScaled, money, MONEY_SCALE } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { found, ref, whereIn } from '../kernel/refs.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import { seesAccount } from '../../policies/recordScope.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';
import { erpCapabilities } from './capabilities/index.ts';
import { resultUnionResolvers } from './capabilities/resultUnion.ts';
import { erpMetricQueries, erpMetricRowTypes } from './metricResolvers.ts';
import type { ErpContext } from './context.ts';
import type { ErpPorts } from './ports/ports.ts';
import type { CustomerCredit, CustomerCreditUse } from './ports/customerCredits.ts';
import type { ReceivableWriteOff } from './ports/receivableWriteOffs.ts';
import type {
  AccountingPeriod,
  BillingProfile,
  ContractTerms,
  Invoice,
  InvoiceFilter,
  InvoiceLine,
  LegalEntity,
  Payment,
  PaymentApplication,
  RateCard,
  RateCardLine,
  RevenueSchedule,
  RevenueScheduleLine,
  TaxProfile,
} from './ports/types.ts';

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

async function contractTerms(ctx: Ctx, contractId: string): Promise<ContractTerms | null> {
  return ctx.loaders.contractTerms.load(contractId);
}

export const erpResolvers: GraphQLResolverMap<ErpContext> = {
  ...scalarResolvers,
  Mutation: capabilityResolvers<ErpPorts, ErpContext>('erp', erpCapabilities),
  ActivateContractResult: resultUnionResolvers,
  ReleaseInvoiceResult: resultUnionResolvers,
  CreditInvoiceLinesResult: resultUnionResolvers,
  VoidInvoiceResult: resultUnionResolvers,
  ApplyCustomerCreditResult: resultUnionResolvers,
  RefundCustomerCreditResult: resultUnionResolvers,
  ReceivableWriteOffResult: resultUnionResolvers,
  ReceivableWriteOff: {
    invoice: (w: ReceivableWriteOff, _: unknown, ctx: Ctx) => ctx.loaders.invoice.load(w.invoiceId),
    amount: (w: ReceivableWriteOff) => money(w.amountE4, w.currency),
  },
  AuditEntry: auditEntryResolvers,
  ...erpMetricRowTypes,
  Query: {
    legalEntities: (_: unknown, __: unknown, ctx: Ctx) => ctx.read.legalEntities(),
    legalEntity: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.legalEntity.load(args.id), 'LegalEntity', args.id),
    rateCards: async (_: unknown, args: { standard?: boolean | null }, ctx: Ctx) => {
      const cards = await ctx.read.rateCards();
      const standard = args.standard ?? null;
      return standard === null ? cards : cards.filter((card) => (card.accountId === null) === standard);
    },
    rateCard: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.rateCard.load(args.id), 'RateCard', args.id),
    invoice: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.invoice.load(args.id), 'Invoice', args.id),
    invoices: (_: unknown, args: PageArgs & { filter?: InvoiceFilter | null }, ctx: Ctx) =>
      connectionOf(args, (page) => ctx.read.invoicesPage(args.filter ?? {}, page)),
    payment: (_: unknown, args: { id: string }, ctx: Ctx) => found(ctx.loaders.payment.load(args.id), 'Payment', args.id),
    erpAuditLog: auditLog,
    ...erpMetricQueries,
  },
  LegalEntity: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.legalEntity.load(reference.id),
    taxProfile: (entity: LegalEntity, _: unknown, ctx: Ctx) =>
      entity.taxProfileId ? ctx.loaders.taxProfile.load(entity.taxProfileId) : null,
    periods: async (entity: LegalEntity, args: { status?: string | null }, ctx: Ctx) =>
      whereIn(await ctx.loaders.periodsByLegalEntity.load(entity.id), args.status ? [args.status] : null, (p) => p.status),
  },
  AccountingPeriod: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.period.load(reference.id),
    legalEntity: (period: AccountingPeriod, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(period.legalEntityId),
  },
  TaxProfile: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.taxProfile.load(reference.id),
    ratePercent: (profile: TaxProfile) => formatScaled(profile.ratePercentE4, MONEY_SCALE, 0),
  },
  RateCard: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.rateCard.load(reference.id),
    legalEntity: (card: RateCard, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(card.legalEntityId),
    customer: (card: RateCard) => ref(card.accountId),
    lines: async (card: RateCard, args: { effectiveOn?: string | null }, ctx: Ctx) => {
      const lines = await ctx.loaders.rateCardLines.load(card.id);
      const on = args.effectiveOn;
      return (on ? lines.filter((line) => line.effectiveFrom <= on && (line.effectiveTo === null || on <= line.effectiveTo)) : lines).map(
        (line) => ({ ...line, currency: card.currency }),
      );
    },
  },
  RateCardLine: {
    role: (line: RateCardLine) => ref(line.roleId),
    billRate: (line: RateCardLine & { currency: string }) => money(line.billRateE4, line.currency),
    costRate: (line: RateCardLine & { currency: string }) => money(line.costRateE4, line.currency),
  },
  Account: {
    // A partner's view: another customer's account does not exist here either.
    __resolveReference: (reference: { id: string }, ctx: Ctx) => (seesAccount(ctx.scope, reference.id) ? { id: reference.id } : null),
    billingProfiles: (account: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.billingProfilesByAccount.load(account.id),
    creditHold: async (account: { id: string }, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.billingProfilesByAccount.load(account.id)).some((profile) => profile.creditHold),
    arBalances: async (account: { id: string }, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.receivablesByAccount.load(account.id)).map((total) => money(total.amountE4, total.currency)),
    invoices: (account: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoicesByAccount.load(account.id),
    customerCredits: async (account: { id: string }, args: { status?: string | null }, ctx: Ctx) =>
      whereIn(await ctx.read.customerCreditsByAccountIds([account.id]), args.status ? [args.status] : null, (c) => c.status),
  },
  CustomerCredit: {
    customer: (credit: CustomerCredit) => ref(credit.accountId),
    legalEntity: (credit: CustomerCredit, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(credit.legalEntityId),
    creditMemo: (credit: CustomerCredit, _: unknown, ctx: Ctx) => ctx.loaders.invoice.load(credit.creditMemoId),
    amount: (credit: CustomerCredit) => money(credit.amountE4, credit.currency),
    applied: (credit: CustomerCredit) => money(credit.appliedE4, credit.currency),
    refunded: (credit: CustomerCredit) => money(credit.refundedE4, credit.currency),
    remaining: (credit: CustomerCredit) => money(credit.amountE4 - credit.appliedE4 - credit.refundedE4, credit.currency),
    uses: (credit: CustomerCredit, _: unknown, ctx: Ctx) => ctx.read.customerCreditUsesByCreditIds([credit.id]),
  },
  CustomerCreditUse: {
    invoice: (use: CustomerCreditUse, _: unknown, ctx: Ctx) => (use.invoiceId ? ctx.loaders.invoice.load(use.invoiceId) : null),
    amount: async (use: CustomerCreditUse, _: unknown, ctx: Ctx) =>
      money(use.amountE4, (await ctx.read.customerCreditsByIds([use.creditId]))[0]?.currency ?? 'USD'),
  },
  CustomerBillingProfile: {
    customer: (profile: BillingProfile) => ({ id: profile.accountId }),
    legalEntity: (profile: BillingProfile, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(profile.legalEntityId),
    taxProfile: (profile: BillingProfile, _: unknown, ctx: Ctx) =>
      profile.taxProfileId ? ctx.loaders.taxProfile.load(profile.taxProfileId) : null,
  },
  Contract: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    paymentTerms: async (contract: { id: string }, _: unknown, ctx: Ctx) => (await contractTerms(ctx, contract.id))?.paymentTerms ?? null,
    poNumber: async (contract: { id: string }, _: unknown, ctx: Ctx) => (await contractTerms(ctx, contract.id))?.poNumber ?? null,
    poRequired: async (contract: { id: string }, _: unknown, ctx: Ctx) => (await contractTerms(ctx, contract.id))?.poRequired ?? false,
    taxProfile: async (contract: { id: string }, _: unknown, ctx: Ctx) => {
      const terms = await contractTerms(ctx, contract.id);
      return terms?.taxProfileId ? ctx.loaders.taxProfile.load(terms.taxProfileId) : null;
    },
    terms: (contract: { id: string }, _: unknown, ctx: Ctx) => contractTerms(ctx, contract.id),
    invoices: (contract: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoicesByContract.load(contract.id),
  },
  ContractTerms: {
    contract: (terms: ContractTerms) => ({ id: terms.contractId }),
    taxProfile: (terms: ContractTerms, _: unknown, ctx: Ctx) =>
      terms.taxProfileId ? ctx.loaders.taxProfile.load(terms.taxProfileId) : null,
  },
  Project: {
    // Always resolves (a project without ERP figures still has an empty invoice list); each field
    // reads through scoped loaders, so a project of a hidden legal entity shows no ERP data.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    erpProjectNumber: async (project: { id: string }, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.erpProject.load(project.id))?.erpProjectNumber ?? null,
    revenueMethod: async (project: { id: string }, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.erpProject.load(project.id))?.revenueMethod ?? null,
    invoices: (project: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.invoicesByProject.load(project.id),
    billedToDate: async (project: { id: string }, _: unknown, ctx: Ctx) => {
      const [erpProject, totals] = await Promise.all([
        ctx.loaders.erpProject.load(project.id),
        ctx.loaders.billedByProject.load(project.id),
      ]);
      // A project added to a contract after its activation has no ERP project row, yet its invoices
      // are billed: they count in their own currency (docs/invariants.md#inv-11).
      const currency = erpProject?.currency ?? (totals.length === 1 ? totals[0]!.currency : null);
      if (!currency) return null;
      const inCurrency = totals.find((total) => total.currency === currency);
      return money(inCurrency?.amountE4 ?? 0, currency);
    },
    recognizedRevenueToDate: async (project: { id: string }, _: unknown, ctx: Ctx) => {
      const [erpProject, schedules] = await Promise.all([
        ctx.loaders.erpProject.load(project.id),
        ctx.loaders.revenueSchedulesByProject.load(project.id),
      ]);
      if (!erpProject) return null;
      const recognized = schedules.filter((s) => s.currency === erpProject.currency).reduce((sum, s) => sum + s.recognizedE4, 0);
      return money(recognized, erpProject.currency);
    },
    revenueSchedules: (project: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.revenueSchedulesByProject.load(project.id),
  },
  Invoice: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.invoice.load(reference.id),
    legalEntity: (invoice: Invoice, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(invoice.legalEntityId),
    customer: (invoice: Invoice) => ref(invoice.accountId),
    contract: (invoice: Invoice) => ref(invoice.contractId),
    project: (invoice: Invoice) => ref(invoice.projectId),
    postingPeriod: (invoice: Invoice, _: unknown, ctx: Ctx) => ctx.loaders.period.load(invoice.postingPeriodId),
    lines: (invoice: Invoice, _: unknown, ctx: Ctx) => ctx.loaders.linesByInvoice.load(invoice.id),
    subtotal: (invoice: Invoice) => money(invoice.subtotalE4, invoice.currency),
    taxTotal: (invoice: Invoice) => money(invoice.taxE4, invoice.currency),
    total: (invoice: Invoice) => money(invoice.totalE4, invoice.currency),
    amountPaid: (invoice: Invoice) => money(invoice.amountPaidE4, invoice.currency),
    amountCredited: (invoice: Invoice) => money(invoice.amountCreditedE4, invoice.currency),
    amountDue: (invoice: Invoice) =>
      money(
        invoice.status === 'VOIDED' ? 0 : invoice.totalE4 - invoice.amountPaidE4 - invoice.amountCreditedE4 - invoice.amountWrittenOffE4,
        invoice.currency,
      ),
    amountWrittenOff: (invoice: Invoice) => money(invoice.amountWrittenOffE4, invoice.currency),
    receivableWriteOffs: (invoice: Invoice, _: unknown, ctx: Ctx) => ctx.read.receivableWriteOffsByInvoiceIds([invoice.id]),
    payments: (invoice: Invoice, _: unknown, ctx: Ctx) => ctx.loaders.applicationsByInvoice.load(invoice.id),
    originalInvoice: (invoice: Invoice, _: unknown, ctx: Ctx) =>
      invoice.originalInvoiceId ? ctx.loaders.invoice.load(invoice.originalInvoiceId) : null,
    creditMemos: (invoice: Invoice, _: unknown, ctx: Ctx) => ctx.loaders.creditMemosByInvoice.load(invoice.id),
  },
  InvoiceLine: {
    quantity: (line: InvoiceLine) => formatHours(line.quantityE2),
    unitPrice: async (line: InvoiceLine, _: unknown, ctx: Ctx) => money(line.unitPriceE4, await invoiceCurrency(ctx, line.invoiceId)),
    amount: async (line: InvoiceLine, _: unknown, ctx: Ctx) => money(line.amountE4, await invoiceCurrency(ctx, line.invoiceId)),
    taxAmount: async (line: InvoiceLine, _: unknown, ctx: Ctx) => money(line.taxE4, await invoiceCurrency(ctx, line.invoiceId)),
    creditedLineId: (line: InvoiceLine) => line.creditedLineId ?? null,
  },
  Payment: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.payment.load(reference.id),
    customer: (payment: Payment) => ref(payment.accountId),
    legalEntity: (payment: Payment, _: unknown, ctx: Ctx) => ctx.loaders.legalEntity.load(payment.legalEntityId),
    amount: (payment: Payment) => money(payment.amountE4, payment.currency),
    unappliedAmount: async (payment: Payment, _: unknown, ctx: Ctx) => {
      const applied = (await ctx.loaders.applicationsByPayment.load(payment.id)).reduce((sum, a) => sum + a.amountE4, 0);
      return money(payment.amountE4 - applied, payment.currency);
    },
    applications: (payment: Payment, _: unknown, ctx: Ctx) => ctx.loaders.applicationsByPayment.load(payment.id),
  },
  PaymentApplication: {
    payment: (application: PaymentApplication, _: unknown, ctx: Ctx) => ctx.loaders.payment.load(application.paymentId),
    invoice: (application: PaymentApplication, _: unknown, ctx: Ctx) => ctx.loaders.invoice.load(application.invoiceId),
    amountApplied: async (application: PaymentApplication, _: unknown, ctx: Ctx) =>
      money(application.amountE4, await invoiceCurrency(ctx, application.invoiceId)),
  },
  RevenueSchedule: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => ctx.loaders.revenueSchedule.load(reference.id),
    project: (schedule: RevenueSchedule) => ref(schedule.projectId),
    allocatedAmount: (schedule: RevenueSchedule) => money(schedule.allocatedE4, schedule.currency),
    recognizedToDate: (schedule: RevenueSchedule) => money(schedule.recognizedE4, schedule.currency),
    lines: async (schedule: RevenueSchedule, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.revenueScheduleLines.load(schedule.id)).map((line) => ({ ...line, currency: schedule.currency })),
  },
  RevenueScheduleLine: {
    // Lines reached through a schedule carry its currency; a capability payload's lines load it.
    period: (line: RevenueScheduleLine, _: unknown, ctx: Ctx) => ctx.loaders.period.load(line.periodId),
    amount: async (line: RevenueScheduleLine & { currency?: string }, _: unknown, ctx: Ctx) =>
      money(line.amountE4, line.currency ?? (await scheduleCurrency(ctx, line.scheduleId))),
    recognizedToDate: async (line: RevenueScheduleLine & { currency?: string }, _: unknown, ctx: Ctx) =>
      money(line.recognizedCumE4, line.currency ?? (await scheduleCurrency(ctx, line.scheduleId))),
  },
};
