/**
 * One engagement through all three systems, every step a capability called through the gateway:
 * the CRM wins, contracts, approves and signs; the PSA plans the project and its milestones; the
 * ERP activates the contract (the CRM records it ACTIVE); the PSA delivers a milestone and drafts
 * it; the ERP posts the invoice (the PSA records the draft INVOICED and the milestone BILLED),
 * takes the payment and recognizes the revenue. Exact figures at the end of each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPROVER,
  APPROVE_CONTRACT,
  CREATE_CONTRACT,
  SIGN_CONTRACT,
  SUBMIT_CONTRACT,
  accepted as crmAccepted,
  opportunityInput,
  wonOpportunity,
  type Contract,
  type ContractPayload,
} from '../crm/crmKit.ts';
import {
  ACTIVATE_V2,
  APPLY_PAYMENT,
  RECOGNIZE,
  RECORD_PAYMENT,
  RELEASE_V2,
  bankReference,
  call,
  gbp,
  newKey,
  pick,
  seededCustomers,
  type Customer,
  type UserError,
} from './erpKit.ts';

let tessera: TestTessera;
let customer: Customer;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const customers = await seededCustomers(tessera);
  customer = pick(customers, 'UK01 customer taxed at the entity rate', (c) => c.legalEntityId === 'le_UK01' && c.taxProfileId === 'tax_02');
});
afterAll(() => tessera?.stop());

async function ok<P extends { userErrors: readonly UserError[] }>(query: string, input: Record<string, unknown>): Promise<P> {
  const result = await call<P>(tessera, query, { idempotencyKey: newKey(), ...input });
  if (!result.payload || result.payload.userErrors.length > 0) throw new Error(`expected success: ${JSON.stringify(result.body)}`);
  return result.payload;
}

async function crmStep(query: string, contract: Contract, extra: Record<string, unknown> = {}, approver = false): Promise<Contract> {
  const input = { idempotencyKey: newKey(), contractId: contract.id, expectedVersion: contract.aggregateVersion, ...extra };
  return crmAccepted(await call<ContractPayload>(tessera, query, input, approver ? { claims: APPROVER } : {}), 'contract');
}

const CREATE_PROJECT = `mutation ($input: CreateProjectFromContractInput!) { createProjectFromContract(input: $input) {
  project { id status aggregateVersion plannedRevenue { amount currency } milestones { id name amount { amount } } } userErrors { code message field } } }`;
const ACTIVATE_PROJECT = `mutation ($input: ActivateProjectInput!) { activateProject(input: $input) { project { id status aggregateVersion } userErrors { code message field } } }`;
const COMPLETE_MILESTONE = `mutation ($input: CompleteMilestoneInput!) { completeMilestone(input: $input) {
  milestone { id status billingStatus } userErrors { code message field } } }`;
const GENERATE_DRAFT = `mutation ($input: GenerateBillingDraftInput!) { generateBillingDraft(input: $input) {
  billingDraft { id status aggregateVersion summaryAmount { amount currency } items { sourceType sourceId amount { amount } } } userErrors { code message field } } }`;

describe('an engagement from signature to recognized revenue', () => {
  it('runs through the CRM, the PSA and the ERP with exact figures', async () => {
    // CRM: a won milestone deal of 12,000.00 GBP, contracted, approved by someone else, signed.
    const opportunity = await wonOpportunity(
      tessera,
      opportunityInput(customer.accountId, {
        legalEntityId: 'le_UK01',
        currency: 'GBP',
        lines: [
          {
            serviceOffering: 'Platform build',
            billingMethod: 'MILESTONE',
            amount: '12000.00',
            startDate: '2026-11-02',
            endDate: '2027-03-31',
          },
        ],
      }),
    );
    let contract = crmAccepted(
      await call<ContractPayload>(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: opportunity.id }),
      'contract',
    );
    contract = await crmStep(SUBMIT_CONTRACT, contract);
    contract = await crmStep(APPROVE_CONTRACT, contract, {}, true);
    contract = await crmStep(SIGN_CONTRACT, contract, {
      signedAt: new Date().toISOString(),
      customerSignatory: 'Alex Buyer',
      documentUrl: 'https://sign.example/env/1',
    });
    expect(contract.status).toBe('SIGNED');

    // PSA: the project and its two milestones (5,000.00 + 7,000.00 = the contract value).
    const { project } = await ok<{
      project: { id: string; aggregateVersion: number; milestones: { id: string; name: string }[] };
      userErrors: UserError[];
    }>(CREATE_PROJECT, {
      contractId: contract.id,
      name: 'Platform build',
      milestones: [
        { name: 'Design approved', targetDate: '2026-11-20', amount: '5000.00' },
        { name: 'Go-live', targetDate: '2027-03-15', amount: '7000.00' },
      ],
    });

    // ERP: activation; the CRM records the contract ACTIVE.
    const activation = await call<{
      __typename: string;
      revenueSchedules: { id: string; method: string; allocatedAmount: unknown }[];
      contract: { status: string };
    }>(tessera, ACTIVATE_V2, { idempotencyKey: newKey(), contractId: contract.id, expectedVersion: contract.aggregateVersion });
    expect(activation.payload).toMatchObject({
      __typename: 'ActivateContractSuccess',
      contract: { id: contract.id, status: 'ACTIVE', aggregateVersion: contract.aggregateVersion + 1 },
      revenueSchedules: [{ project: { id: project.id }, method: 'MILESTONE_OUTPUT', status: 'PLANNED', allocatedAmount: gbp('12000.00') }],
    });
    const scheduleId = activation.payload!.revenueSchedules[0]!.id;

    // PSA: the project starts, the first milestone is delivered and drafted.
    const active = await ok<{ project: { aggregateVersion: number }; userErrors: UserError[] }>(ACTIVATE_PROJECT, {
      projectId: project.id,
      expectedVersion: project.aggregateVersion,
    });
    expect(active.project).toMatchObject({ status: 'ACTIVE' });
    const design = project.milestones.find((m) => m.name === 'Design approved')!;
    const completed = await ok<{ milestone: unknown; userErrors: UserError[] }>(COMPLETE_MILESTONE, {
      milestoneId: design.id,
      expectedVersion: 1,
      actualDate: '2026-11-20',
    });
    expect(completed.milestone).toEqual({ id: design.id, status: 'COMPLETE', billingStatus: 'READY_TO_BILL' });
    const { billingDraft } = await ok<{ billingDraft: { id: string; aggregateVersion: number }; userErrors: UserError[] }>(GENERATE_DRAFT, {
      projectId: project.id,
      cutoffDate: '2026-11-25',
    });
    expect(billingDraft).toMatchObject({
      status: 'IN_REVIEW',
      summaryAmount: gbp('5000.00'),
      items: [{ sourceType: 'MILESTONE', sourceId: design.id, amount: { amount: '5000.00' } }],
    });

    // ERP: the invoice, 5,000.00 + 20% VAT; the PSA's draft INVOICED and its milestone BILLED.
    const released = await call<{ __typename: string; invoice: { id: string; invoiceNumber: string; aggregateVersion: number } }>(
      tessera,
      RELEASE_V2,
      {
        idempotencyKey: newKey(),
        billingDraftId: billingDraft.id,
        invoiceDate: '2026-11-25',
        expectedVersion: billingDraft.aggregateVersion,
      },
    );
    expect(released.payload).toMatchObject({
      __typename: 'ReleaseInvoiceSuccess',
      invoice: {
        status: 'POSTED',
        subtotal: gbp('5000.00'),
        taxTotal: gbp('1000.00'),
        total: gbp('6000.00'),
        amountDue: gbp('6000.00'),
        contract: { id: contract.id },
        project: { id: project.id },
      },
    });
    const invoice = released.payload!.invoice;
    const psaView = await tessera.query(
      `query ($d: ID!, $p: ID!) { billingDraft(id: $d) { status invoice { id } } project(id: $p) { milestones { id billingStatus } } }`,
      { d: billingDraft.id, p: project.id },
    );
    expect(psaView.data).toEqual({
      billingDraft: { status: 'INVOICED', invoice: { id: invoice.id } },
      project: { milestones: expect.arrayContaining([{ id: design.id, billingStatus: 'BILLED' }]) as unknown },
    });

    // ERP: the customer pays in full.
    const { payment } = await ok<{ payment: { id: string }; userErrors: UserError[] }>(RECORD_PAYMENT, {
      legalEntityId: 'le_UK01',
      accountId: customer.accountId,
      amount: '6000.00',
      currency: 'GBP',
      receivedDate: '2026-11-26',
      method: 'WIRE',
      bankReference: bankReference(),
    });
    const applied = await ok<{ invoice: unknown; payment: unknown; userErrors: UserError[] }>(APPLY_PAYMENT, {
      paymentId: payment.id,
      invoiceId: invoice.id,
      amount: '6000.00',
      expectedVersion: invoice.aggregateVersion,
    });
    expect(applied.invoice).toMatchObject({ status: 'PAID', amountDue: gbp('0.00') });
    expect(applied.payment).toMatchObject({ status: 'APPLIED', unappliedAmount: gbp('0.00') });

    // ERP: November's revenue is what was invoiced of the milestones.
    const periods = await tessera.query('{ legalEntity(id: "le_UK01") { periods(status: OPEN) { id name } } }');
    const november = pick(
      (periods.data as { legalEntity: { periods: { id: string; name: string }[] } }).legalEntity.periods,
      'November',
      (p) => p.name === '2026-11',
    );
    const run = await ok<{ revenueSchedules: { id: string }[]; userErrors: UserError[] }>(RECOGNIZE, {
      legalEntityId: 'le_UK01',
      periodId: november.id,
    });
    expect(run.revenueSchedules.find((s) => s.id === scheduleId)).toMatchObject({
      status: 'IN_PROGRESS',
      recognizedToDate: gbp('5000.00'),
      allocatedAmount: gbp('12000.00'),
    });
    const figures = await tessera.query(
      `query ($id: ID!) { project(id: $id) { billedToDate { amount currency } recognizedRevenueToDate { amount currency } } }`,
      { id: project.id },
    );
    expect(figures.data).toEqual({ project: { billedToDate: gbp('5000.00'), recognizedRevenueToDate: gbp('5000.00') } });
  });
});
