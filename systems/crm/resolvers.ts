import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLResolveInfo } from 'graphql';
import { formatHours, money } from '../kernel/decimal.ts';
import { connectionOf, type PageArgs } from '../kernel/pagination.ts';
import { found, ref, whereIn } from '../kernel/refs.ts';
import { scalarResolvers } from '../kernel/scalars.ts';
import { capabilityResolvers } from '../kernel/capability/capabilityResolvers.ts';
import { auditEntryResolvers, auditLog } from '../kernel/capability/auditLog.ts';
import { crmCapabilities } from './capabilities/index.ts';
import { crmMetricQueries } from './metricResolvers.ts';
import type { CrmContext } from './context.ts';
import type { CrmPorts } from './ports/ports.ts';
import type { AccountFilter, ContractFilter, OpportunityFilter } from './ports/readPort.ts';
import type { Account, Contact, Contract, ContractAmendment, MoneyE4, Opportunity, OpportunityLine, SourceRef } from './ports/types.ts';

const SYSTEM_OBJECT: Record<string, Record<string, string>> = {
  salesforce: { account: 'Account', contact: 'Contact', opportunity: 'Opportunity' },
  hubspot: { account: 'company', contact: 'contact', opportunity: 'deal' },
};

/** A record's own reference in its source CRM (the integration system lists it first in `externalRefs`). */
function sourceRef(source: SourceRef, kind: 'account' | 'contact' | 'opportunity') {
  return { system: source.system, objectType: SYSTEM_OBJECT[source.system]?.[kind] ?? kind, externalId: source.id };
}

const moneyOf = (value: MoneyE4) => money(value.amountE4, value.currency);

export const crmResolvers: GraphQLResolverMap<CrmContext> = {
  ...scalarResolvers,
  Mutation: capabilityResolvers<CrmPorts, CrmContext>('crm', crmCapabilities),
  Query: {
    account: (_: unknown, args: { id: string }, ctx: CrmContext) => found(ctx.loaders.account.load(args.id), 'Account', args.id),
    accounts: (_: unknown, args: PageArgs & { filter?: AccountFilter | null }, ctx: CrmContext, info: GraphQLResolveInfo) =>
      connectionOf(args, (page) => ctx.read.accountsPage(args.filter ?? {}, page), info),
    opportunity: (_: unknown, args: { id: string }, ctx: CrmContext) =>
      found(ctx.loaders.opportunity.load(args.id), 'Opportunity', args.id),
    opportunities: (_: unknown, args: PageArgs & { filter?: OpportunityFilter | null }, ctx: CrmContext, info: GraphQLResolveInfo) =>
      connectionOf(args, (page) => ctx.read.opportunitiesPage(args.filter ?? {}, page), info),
    contract: (_: unknown, args: { id: string }, ctx: CrmContext) => found(ctx.loaders.contract.load(args.id), 'Contract', args.id),
    contracts: (_: unknown, args: PageArgs & { filter?: ContractFilter | null }, ctx: CrmContext, info: GraphQLResolveInfo) =>
      connectionOf(args, (page) => ctx.read.contractsPage(args.filter ?? {}, page), info),
    crmAuditLog: auditLog,
    ...crmMetricQueries,
  },
  AuditEntry: auditEntryResolvers,
  Account: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.account.load(reference.id),
    annualRevenue: (account: Account) => (account.annualRevenue === null ? null : moneyOf(account.annualRevenue)),
    parent: (account: Account, _: unknown, ctx: CrmContext) => (account.parentId ? ctx.loaders.account.load(account.parentId) : null),
    sourceRef: (account: Account) => sourceRef(account.source, 'account'),
    contacts: (account: Account, _: unknown, ctx: CrmContext) => ctx.loaders.contactsByAccount.load(account.id),
    opportunities: async (account: Account, args: { stage?: string[] | null }, ctx: CrmContext) =>
      whereIn(await ctx.loaders.opportunitiesByAccount.load(account.id), args.stage, (opportunity) => opportunity.stage),
    contracts: (account: Account, _: unknown, ctx: CrmContext) => ctx.loaders.contractsByAccount.load(account.id),
  },
  Contact: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.contact.load(reference.id),
    account: (contact: Contact, _: unknown, ctx: CrmContext) => ctx.loaders.account.load(contact.accountId),
    sourceRef: (contact: Contact) => sourceRef(contact.source, 'contact'),
  },
  Opportunity: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.opportunity.load(reference.id),
    account: (opportunity: Opportunity, _: unknown, ctx: CrmContext) => ctx.loaders.account.load(opportunity.accountId),
    amount: (opportunity: Opportunity) => moneyOf(opportunity.amount),
    legalEntity: (opportunity: Opportunity) => ref(opportunity.legalEntityId),
    primaryContact: (opportunity: Opportunity, _: unknown, ctx: CrmContext) =>
      opportunity.primaryContactId ? ctx.loaders.contact.load(opportunity.primaryContactId) : null,
    lines: (opportunity: Opportunity, _: unknown, ctx: CrmContext) => ctx.loaders.linesByOpportunity.load(opportunity.id),
    sourceRef: (opportunity: Opportunity) => sourceRef(opportunity.source, 'opportunity'),
  },
  OpportunityLine: {
    amount: async (line: OpportunityLine, _: unknown, ctx: CrmContext) => {
      const opportunity = await ctx.loaders.opportunity.load(line.opportunityId);
      return money(line.amountE4, opportunity?.amount.currency ?? 'USD');
    },
    estimatedHours: (line: OpportunityLine) => (line.estimatedHoursE2 === null ? null : formatHours(line.estimatedHoursE2)),
  },
  Contract: {
    __resolveReference: (reference: { id: string }, ctx: CrmContext) => ctx.loaders.contract.load(reference.id),
    account: (contract: Contract, _: unknown, ctx: CrmContext) => ctx.loaders.account.load(contract.accountId),
    opportunity: (contract: Contract, _: unknown, ctx: CrmContext) =>
      contract.opportunityId ? ctx.loaders.opportunity.load(contract.opportunityId) : null,
    legalEntity: (contract: Contract) => ref(contract.legalEntityId),
    totalContractValue: (contract: Contract) => moneyOf(contract.totalContractValue),
    amendments: (contract: Contract, _: unknown, ctx: CrmContext) => ctx.loaders.amendmentsByContract.load(contract.id),
  },
  ContractAmendment: {
    previousValue: (amendment: ContractAmendment) => moneyOf(amendment.previousValue),
    newValue: (amendment: ContractAmendment) => moneyOf(amendment.newValue),
  },
};
