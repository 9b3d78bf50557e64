/**
 * The `partner` contract of the canonical schema (docs/registry.md#contracts): what a partner
 * integration may use, composed from the shipped SDL, and loadable by the gateway that serves it.
 */
import { ApolloGateway } from '@apollo/gateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeContract } from '../../../registry/contracts/composeContract.ts';
import { composeSupergraph } from '../../../schema/compose.ts';
import { REAL_SOURCES } from '../../schema/realSchema.ts';
import { apiSchemaOf, objectFieldsOf, printedApi, rootFieldsOf } from './apiSchema.ts';

const PARTNER = { name: 'partner', includeTags: ['partner'], excludeTags: [] } as const;

const PARTNER_ROOT_FIELDS = [
  'Mutation.acceptMilestone',
  'Mutation.createWebhookSubscription',
  'Mutation.disableWebhookSubscription',
  'Mutation.rejectMilestoneAcceptance',
  'Mutation.replayWebhookDelivery',
  'Mutation.rotateWebhookSecret',
  // A subcontractor submits its people's expenses as it submits their time (docs/capabilities.md#expenses).
  'Mutation.submitExpense',
  'Mutation.submitTimecard',
  'Query.account',
  'Query.accounts',
  'Query.billingDraft',
  'Query.contract',
  'Query.contracts',
  'Query.expense',
  'Query.invoice',
  'Query.invoices',
  'Query.opportunities',
  'Query.opportunity',
  'Query.payment',
  'Query.project',
  'Query.projects',
  'Query.webhookDeliveries',
  'Query.webhookDelivery',
  'Query.webhookSubscription',
  'Query.webhookSubscriptions',
];

describe('the partner contract of the canonical schema', () => {
  let supergraph: string;
  beforeAll(() => {
    supergraph = composeContract(REAL_SOURCES, PARTNER);
  });

  it('exposes exactly the partner reads, time and expense submission and webhook capabilities at the root', () => {
    expect(rootFieldsOf(supergraph)).toEqual(PARTNER_ROOT_FIELDS);
  });

  it('leaves out cost rates, margins and revenue, internal finance, people’s details, audit, processes and operations', () => {
    const fields = objectFieldsOf(supergraph);
    for (const hidden of [
      'Assignment.costRate',
      'TimeEntry.costRate',
      'Project.plannedRevenue',
      'Project.unbilledWip',
      'Project.recognizedRevenueToDate',
      'Project.revenueSchedules',
      'Project.revenueMethod',
      'Project.billableSources',
      'Project.cashPosition',
      'Project.process',
      'Project.resourceRequests',
      'Account.creditHold',
      'Account.billingProfiles',
      'Account.arBalances',
      'Account.exposure',
      'Account.externalRefs',
      'Opportunity.forecastCategory',
      'Opportunity.process',
      'Invoice.postingPeriod',
      'Invoice.process',
      'Contract.taxProfile',
      'Contract.terms',
      'ContractLine.rateCard',
      'Resource.email',
      'Resource.utilizationTarget',
      'LegalEntity.periods',
      'LegalEntity.taxProfile',
    ]) {
      expect(fields, hidden).not.toContain(hidden);
    }
    const types = Object.keys(apiSchemaOf(supergraph).getTypeMap());
    for (const hidden of [
      'AuditEntry',
      'AuditFilter',
      'RateCard',
      'RateCardLine',
      'RevenueSchedule',
      'AccountingPeriod',
      'TaxProfile',
      'Process',
      'DeadLetter',
      'ReconciliationRun',
      'BillingRun',
      'ExternalRef',
      'CustomerBillingProfile',
    ]) {
      expect(types, hidden).not.toContain(hidden);
    }
  });

  it('keeps what a partner reads through those roots: its accounts’ projects, timecards, invoices and payments', () => {
    const fields = objectFieldsOf(supergraph);
    for (const kept of [
      'Account.projects',
      'Account.invoices',
      'Project.timecards',
      'Project.invoices',
      'Project.billedToDate',
      'Timecard.entries',
      'TimeEntry.billableAmount',
      'Invoice.amountDue',
      'Invoice.payments',
      'Payment.applications',
      'Contract.lines',
      'Contract.paymentTerms',
      'WebhookDelivery.deadLetters',
    ]) {
      expect(fields, kept).toContain(kept);
    }
  });

  it('loads in the gateway that serves it', async () => {
    const gateway = new ApolloGateway({ supergraphSdl: supergraph });
    try {
      const { schema } = await gateway.load();
      expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(
        PARTNER_ROOT_FIELDS.filter((field) => field.startsWith('Query.')).map((field) => field.slice('Query.'.length)),
      );
    } finally {
      await gateway.stop();
    }
  });
});

describe('the partner tags on the full graph', () => {
  let full: string;
  beforeAll(() => {
    full = composeSupergraph(REAL_SOURCES);
  });

  it('change nothing of its API schema', () => {
    const untagged = REAL_SOURCES.map((source) => ({ ...source, sdl: source.sdl.replaceAll(' @tag(name: "partner")', '') }));
    expect(untagged.some((source, index) => source.sdl !== REAL_SOURCES[index]!.sdl)).toBe(true);
    expect(printedApi(full)).toBe(printedApi(composeSupergraph(untagged)));
  });
});
