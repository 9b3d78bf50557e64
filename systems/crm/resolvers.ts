import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { formatHours, money } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { found, ref, whereIn } from '../kernel/refs.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import type { CrmLoaders } from './loaders.ts';
import type { AccountFilter, ContractFilter, CrmStore, OpportunityFilter } from './store.ts';
import type { AccountRow, ContactRow, ContractRow, CrmTables, OpportunityLineRow, OpportunityRow } from './tables.ts';
import type { SystemContext } from '../kernel/referenceSystem.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { crmCapabilities } from './capabilities/index.ts';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';

export type CrmContext = SystemContext<CrmStore, CrmLoaders, CrmTables>;


const SYSTEM_OBJECT: Record<string, Record<string, string>> = {
  salesforce: { account: 'Account', opportunity: 'Opportunity' },
  hubspot: { account: 'company', opportunity: 'deal' },
};

function externalRefs(row: { source_system: string; source_id: string }, kind: 'account' | 'opportunity') {
  return [{ system: row.source_system, objectType: SYSTEM_OBJECT[row.source_system]?.[kind] ?? kind, externalId: row.source_id }];
}

export const crmResolvers: GraphQLResolverMap<CrmContext> = {
  ...scalarResolvers,
  Mutation: capabilityResolvers<CrmTables, CrmContext>('crm', crmCapabilities),
  Query: {
    account: (_: unknown, args: { id: string }, ctx: CrmContext) => found(ctx.loaders.account.load(args.id), 'Account', args.id),
    accounts: (_: unknown, args: PageArgs & { filter?: AccountFilter | null }, ctx: CrmContext) =>
      connectionOf(args, (page) => ctx.store.accountsPage(args.filter ?? {}, page, ctx.scope)),
    opportunity: (_: unknown, args: { id: string }, ctx: CrmContext) =>
      found(ctx.loaders.opportunity.load(args.id), 'Opportunity', args.id),
    opportunities: (_: unknown, args: PageArgs & { filter?: OpportunityFilter | null }, ctx: CrmContext) =>
      connectionOf(args, (page) => ctx.store.opportunitiesPage(args.filter ?? {}, page, ctx.scope)),
    contract: (_: unknown, args: { id: string }, ctx: CrmContext) => found(ctx.loaders.contract.load(args.id), 'Contract', args.id),
    contracts: (_: unknown, args: PageArgs & { filter?: ContractFilter | null }, ctx: CrmContext) =>
      connectionOf(args, (page) => ctx.store.contractsPage(args.filter ?? {}, page, ctx.scope)),
    crmAuditLog: auditLog,
  },
  AuditEntry: auditEntryResolvers,
  Account: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.account.load(reference.id),
    annualRevenue: (row: AccountRow) =>
      row.annual_revenue_e4 === null || row.annual_revenue_currency === null ? null : money(row.annual_revenue_e4, row.annual_revenue_currency),
    employeeCount: (row: AccountRow) => row.employee_count,
    parent: (row: AccountRow, _: unknown, ctx: CrmContext) => (row.parent_id ? ctx.loaders.account.load(row.parent_id) : null),
    externalRefs: (row: AccountRow) => externalRefs(row, 'account'),
    contacts: (row: AccountRow, _: unknown, ctx: CrmContext) => ctx.loaders.contactsByAccount.load(row.id),
    opportunities: async (row: AccountRow, args: { stage?: string[] | null }, ctx: CrmContext) =>
      whereIn(await ctx.loaders.opportunitiesByAccount.load(row.id), args.stage, (opp) => opp.stage),
    contracts: (row: AccountRow, _: unknown, ctx: CrmContext) => ctx.loaders.contractsByAccount.load(row.id),
  },
  Contact: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.contact.load(reference.id),
    account: (row: ContactRow, _: unknown, ctx: CrmContext) => ctx.loaders.account.load(row.account_id),
    firstName: (row: ContactRow) => row.first_name,
    lastName: (row: ContactRow) => row.last_name,
  },
  Opportunity: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.opportunity.load(reference.id),
    account: (row: OpportunityRow, _: unknown, ctx: CrmContext) => ctx.loaders.account.load(row.account_id),
    sourceStage: (row: OpportunityRow) => row.source_stage,
    forecastCategory: (row: OpportunityRow) => row.forecast_category,
    amount: (row: OpportunityRow) => money(row.amount_e4, row.currency),
    closeDate: (row: OpportunityRow) => row.close_date,
    lossReason: (row: OpportunityRow) => row.loss_reason,
    legalEntity: (row: OpportunityRow) => ref(row.legal_entity_id),
    primaryContact: (row: OpportunityRow, _: unknown, ctx: CrmContext) =>
      row.primary_contact_id ? ctx.loaders.contact.load(row.primary_contact_id) : null,
    lines: (row: OpportunityRow, _: unknown, ctx: CrmContext) => ctx.loaders.linesByOpportunity.load(row.id),
    externalRefs: (row: OpportunityRow) => externalRefs(row, 'opportunity'),
    aggregateVersion: (row: OpportunityRow) => row.aggregate_version,
  },
  OpportunityLine: {
    serviceOffering: (row: OpportunityLineRow) => row.service_offering,
    billingMethod: (row: OpportunityLineRow) => row.billing_method,
    amount: async (row: OpportunityLineRow, _: unknown, ctx: CrmContext) => {
      const opportunity = await ctx.loaders.opportunity.load(row.opportunity_id);
      return money(row.amount_e4, opportunity?.currency ?? 'USD');
    },
    estimatedHours: (row: OpportunityLineRow) => (row.estimated_hours_e2 === null ? null : formatHours(row.estimated_hours_e2)),
    startDate: (row: OpportunityLineRow) => row.start_date,
    endDate: (row: OpportunityLineRow) => row.end_date,
  },
  Contract: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.contract.load(reference.id),
    contractNumber: (row: ContractRow) => row.contract_number,
    account: (row: ContractRow, _: unknown, ctx: CrmContext) => ctx.loaders.account.load(row.account_id),
    opportunity: (row: ContractRow, _: unknown, ctx: CrmContext) => (row.opportunity_id ? ctx.loaders.opportunity.load(row.opportunity_id) : null),
    legalEntity: (row: ContractRow) => ref(row.legal_entity_id),
    startDate: (row: ContractRow) => row.start_date,
    endDate: (row: ContractRow) => row.end_date,
    totalContractValue: (row: ContractRow) => money(row.tcv_e4, row.currency),
    billingMethod: (row: ContractRow) => row.billing_method,
    signedAt: (row: ContractRow) => row.signed_at,
    customerSignatory: (row: ContractRow) => row.customer_signatory,
    approvedAt: (row: ContractRow) => row.approved_at,
    documentUrl: (row: ContractRow) => row.document_url,
    activatedAt: (row: ContractRow) => row.activated_at,
    aggregateVersion: (row: ContractRow) => row.aggregate_version,
  },
};
