/**
 * Opportunity to project (docs/processes.md#opportunity-to-project), started by OpportunityWon:
 * the contract from the opportunity (CRM), submitted for approval; WAITING for its approval by
 * another person and its signature; the customer enabled for billing in the selling legal entity
 * (ERP); the PSA project (with the legal entity's rate card in the contract currency); the contract
 * activated (ERP: it creates the ERP project record for the PSA project); the opportunity's
 * pre-sales staffing estimates as PSA resource requests (each emits StaffingNeeded); the project
 * activated. Every call carries `process:<id>:<step>`.
 */
import type { CallStep, SagaDefinition, StepContext, StepOutcome, WaitStep } from '../process/definition.ts';
import { outcomeOf } from './steps.ts';

interface Deal {
  readonly opportunityId: string;
  readonly name: string;
  readonly accountId: string;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly lines: readonly { id: string; roleId: string | null; estimatedHours: string | null; startDate: string; endDate: string }[];
}

const SALES = 'sales operations';
const DELIVERY = 'delivery: project management office';
const FINANCE = 'finance: billing';

const deal = (ctx: StepContext) => ctx.context.deal as Deal;
const str = (ctx: StepContext, key: string) => ctx.context[key] as string;

const createContract: CallStep = {
  kind: 'call',
  name: 'createContract',
  owner: SALES,
  slaSeconds: 15 * 60,
  async run(ctx) {
    const opportunityId = str(ctx, 'subjectId');
    const read = await ctx.client.read<{ opportunity: Record<string, unknown> | null }>(
      'crm',
      `query ($id: ID!) { opportunity(id: $id) { id name account { id } legalEntity { id } amount { currency }
        lines { id roleId estimatedHours startDate endDate } } }`,
      { id: opportunityId },
    );
    const opportunity = read.opportunity as {
      id: string;
      name: string;
      account: { id: string };
      legalEntity: { id: string };
      amount: { currency: string };
      lines: Deal['lines'];
    } | null;
    if (!opportunity) return { kind: 'failed', code: 'NOT_FOUND', message: `Opportunity ${opportunityId} was not found.` };
    const facts: Deal = {
      opportunityId,
      name: opportunity.name,
      accountId: opportunity.account.id,
      legalEntityId: opportunity.legalEntity.id,
      currency: opportunity.amount.currency,
      lines: opportunity.lines,
    };
    const answer = await ctx.client.call<{ contract: { id: string } }>(
      'crm',
      'createContractFromOpportunity',
      'CreateContractFromOpportunityInput',
      { opportunityId },
      '{ contract { id } userErrors { code message } }',
      ctx.idempotencyKey,
    );
    return outcomeOf(answer, SALES, (value) => ({
      kind: 'done',
      context: { deal: facts, contractId: value.contract.id },
      links: [{ entityType: 'Contract', entityId: value.contract.id }],
    }));
  },
};

async function contractState(ctx: StepContext): Promise<{ status: string; aggregateVersion: number }> {
  const read = await ctx.client.read<{ contract: { status: string; aggregateVersion: number } | null }>(
    'crm',
    'query ($id: ID!) { contract(id: $id) { status aggregateVersion } }',
    { id: str(ctx, 'contractId') },
  );
  if (!read.contract) throw new Error(`Contract ${str(ctx, 'contractId')} was not found.`);
  return read.contract;
}

/**
 * A step whose input needs a version read from the owning system: the version is read once and
 * kept in the context under `inputs.<step>` before the call (a retry with the same key must send the
 * same request, or the system would answer IDEMPOTENCY_KEY_REUSED).
 */
const submitContract: CallStep = {
  kind: 'call',
  name: 'submitContract',
  owner: SALES,
  slaSeconds: 15 * 60,
  async run(ctx) {
    const contract = await contractState(ctx);
    if (contract.status !== 'DRAFT') return { kind: 'done' };
    const answer = await ctx.client.call(
      'crm',
      'submitContractForApproval',
      'ContractTransitionInput',
      { contractId: str(ctx, 'contractId'), expectedVersion: contract.aggregateVersion },
      '{ contract { id } userErrors { code message } }',
      ctx.idempotencyKey,
    );
    return outcomeOf(answer, SALES, () => ({ kind: 'done' }));
  },
};

function waitForContract(name: string, reached: readonly string[], owner: string, slaSeconds: number): WaitStep {
  return {
    kind: 'wait',
    name,
    owner,
    slaSeconds,
    async satisfied(ctx) {
      const contract = await contractState(ctx);
      if (reached.includes(contract.status)) return { kind: 'done' };
      if (['TERMINATED', 'CANCELLED', 'EXPIRED'].includes(contract.status)) {
        return { kind: 'blocked', code: 'CONTRACT_NOT_ACTIVE', reason: `The contract is ${contract.status}.`, owner };
      }
      return 'waiting';
    },
  };
}

const enableBilling: CallStep = {
  kind: 'call',
  name: 'enableCustomerBilling',
  owner: FINANCE,
  slaSeconds: 60 * 60,
  async run(ctx) {
    const { accountId, legalEntityId, currency } = deal(ctx);
    const answer = await ctx.client.call(
      'erp',
      'enableCustomerBilling',
      'EnableCustomerBillingInput',
      { accountId, legalEntityId, currency },
      '{ billingProfile { id } userErrors { code message } }',
      ctx.idempotencyKey,
    );
    return outcomeOf(answer, FINANCE, () => ({ kind: 'done' }));
  },
};

const createProject: CallStep = {
  kind: 'call',
  name: 'createProject',
  owner: DELIVERY,
  slaSeconds: 60 * 60,
  async run(ctx) {
    const { legalEntityId, currency, name } = deal(ctx);
    const read = await ctx.client.read<{
      rateCards: { id: string; currency: string; legalEntity: { id: string }; customer: { id: string } | null }[];
    }>('erp', 'query { rateCards { id currency legalEntity { id } customer { id } } }');
    const cards = read.rateCards.filter((card) => card.legalEntity.id === legalEntityId && card.currency === currency);
    const card =
      cards.find((candidate) => candidate.customer?.id === deal(ctx).accountId) ?? cards.find((candidate) => candidate.customer === null);
    if (!card) {
      return {
        kind: 'blocked',
        code: 'RATE_CARD_MISSING',
        reason: `Legal entity ${legalEntityId} has no rate card in ${currency}.`,
        owner: 'finance: pricing',
      };
    }
    const answer = await ctx.client.call<{ project: { id: string } }>(
      'psa',
      'createProjectFromContract',
      'CreateProjectFromContractInput',
      { contractId: str(ctx, 'contractId'), name, rateCardId: card.id },
      '{ project { id } userErrors { code message } }',
      ctx.idempotencyKey,
    );
    return outcomeOf(answer, DELIVERY, (value) => ({
      kind: 'done',
      context: { projectId: value.project.id, rateCardId: card.id },
      links: [{ entityType: 'Project', entityId: value.project.id }],
    }));
  },
};

const activateContract: CallStep = {
  kind: 'call',
  name: 'activateContract',
  owner: FINANCE,
  slaSeconds: 60 * 60,
  async run(ctx) {
    // Read before every attempt: an earlier attempt that committed (its answer lost, or the executor
    // died before recording it) left the contract ACTIVE, and its version moved on.
    const contract = await contractState(ctx);
    if (contract.status === 'ACTIVE') return { kind: 'done' };
    const answer = await ctx.client.call(
      'erp',
      'activateContractV2',
      'ActivateContractV2Input',
      { contractId: str(ctx, 'contractId'), expectedVersion: contract.aggregateVersion },
      '{ __typename ... on ActivateContractSuccess { contract { id } } ... on CapabilityFailure { errors { code message } } }',
      ctx.idempotencyKey,
    );
    if (answer.kind === 'refused' && answer.code === 'ALREADY_IN_STATE') return { kind: 'done' };
    return outcomeOf(answer, FINANCE, () => ({ kind: 'done' }));
  },
};

const requestResources: CallStep = {
  kind: 'call',
  name: 'requestResources',
  owner: 'delivery: resource management',
  slaSeconds: 60 * 60,
  async run(ctx) {
    const estimates = deal(ctx).lines.filter((line) => line.roleId !== null && line.estimatedHours !== null);
    const created: string[] = [];
    for (const line of estimates) {
      const answer = await ctx.client.call<{ resourceRequest: { id: string } }>(
        'psa',
        'createResourceRequest',
        'CreateResourceRequestInput',
        {
          projectId: str(ctx, 'projectId'),
          roleId: line.roleId,
          startDate: line.startDate,
          endDate: line.endDate,
          hours: line.estimatedHours,
        },
        '{ resourceRequest { id } userErrors { code message } }',
        `${ctx.idempotencyKey}:${line.id}`,
      );
      const outcome: StepOutcome = outcomeOf(answer, 'delivery: resource management', (value) => {
        created.push(value.resourceRequest.id);
        return { kind: 'done' };
      });
      if (outcome.kind !== 'done') return outcome;
    }
    return { kind: 'done', context: { resourceRequestIds: created } };
  },
  /**
   * Withdraws the requests this step made, last first (docs/processes.md#compensation): each is
   * cancelled from the version read, under `<key>:<requestId>`; one already CANCELLED is left as
   * it is (ALREADY_IN_STATE). A FILLED one has a booking a resource manager made: the refusal
   * leaves the process FAILED for an operator, the booking untouched.
   */
  async compensate(ctx) {
    const ids = Array.isArray(ctx.context.resourceRequestIds) ? (ctx.context.resourceRequestIds as string[]) : [];
    const read = await ctx.client.read<{
      project: { resourceRequests: { id: string; status: string; aggregateVersion: number }[] } | null;
    }>('psa', 'query ($id: ID!) { project(id: $id) { resourceRequests { id status aggregateVersion } } }', { id: str(ctx, 'projectId') });
    for (const id of [...ids].reverse()) {
      const request = read.project?.resourceRequests.find((candidate) => candidate.id === id);
      if (!request) return { kind: 'failed', code: 'NOT_FOUND', message: `Resource request ${id} was not found.` };
      if (request.status === 'CANCELLED') continue;
      const answer = await ctx.client.call<{ resourceRequest: { status: string } }>(
        'psa',
        'cancelResourceRequest',
        'CancelResourceRequestInput',
        {
          resourceRequestId: id,
          expectedVersion: request.aggregateVersion,
          reason: `Process ${ctx.processId} compensated: a later step failed for good.`,
        },
        '{ resourceRequest { status } userErrors { code message } }',
        `${ctx.idempotencyKey}:${id}`,
      );
      if (answer.kind === 'refused' && answer.code === 'ALREADY_IN_STATE') continue;
      const outcome = outcomeOf(answer, 'delivery: resource management', () => ({ kind: 'done' }) as const);
      if (outcome.kind !== 'done') return outcome;
    }
    return { kind: 'done' };
  },
};

const activateProject: CallStep = {
  kind: 'call',
  name: 'activateProject',
  owner: DELIVERY,
  slaSeconds: 60 * 60,
  async run(ctx) {
    const projectId = str(ctx, 'projectId');
    const read = await ctx.client.read<{ project: { status: string; aggregateVersion: number } | null }>(
      'psa',
      'query ($id: ID!) { project(id: $id) { status aggregateVersion } }',
      { id: projectId },
    );
    if (!read.project) return { kind: 'failed', code: 'NOT_FOUND', message: `Project ${projectId} was not found.` };
    if (read.project.status === 'ACTIVE') return { kind: 'done' };
    const version = read.project.aggregateVersion;
    const answer = await ctx.client.call(
      'psa',
      'activateProject',
      'ActivateProjectInput',
      { projectId, expectedVersion: version },
      '{ project { id status } userErrors { code message } }',
      ctx.idempotencyKey,
    );
    return outcomeOf(answer, DELIVERY, () => ({ kind: 'done' }));
  },
};

export const opportunityToProject: SagaDefinition = {
  kind: 'opportunityToProject',
  startsOn: 'OpportunityWon',
  movedBy: ['ContractApproved', 'ContractSigned', 'ContractSubmittedForApproval'],
  subjectOf: (event) => ({
    type: 'Opportunity',
    id: event.aggregateId,
    accountId: typeof event.payload?.accountId === 'string' ? event.payload.accountId : null,
  }),
  steps: [
    createContract,
    submitContract,
    waitForContract('awaitApproval', ['APPROVED', 'SIGNED', 'ACTIVE'], 'sales: contract approver', 2 * 24 * 3600),
    waitForContract('awaitSignature', ['SIGNED', 'ACTIVE'], 'sales: account executive', 14 * 24 * 3600),
    enableBilling,
    createProject,
    activateContract,
    requestResources,
    activateProject,
  ],
};
