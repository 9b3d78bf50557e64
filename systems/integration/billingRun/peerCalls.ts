/**
 * What a billing run asks of the PSA and the ERP, over their subgraphs as `system:integration`
 * (docs/processes.md#billing-run): the billable projects of a legal entity, a draft per project,
 * the facts the release policy reads, and the release. Steps carry the run's deterministic keys;
 * a refusal comes back as `{ refusal }` (the run records it and goes on), a transport failure
 * throws DOWNSTREAM_UNAVAILABLE (the run retries that project later with the same key).
 */
import type { Peers } from '../../kernel/capability/peers.ts';
import { parseScaled } from '../../kernel/decimal.ts';
import type { ReleaseFacts } from './policy.ts';

export interface BillableProject {
  readonly id: string;
  readonly code: string;
  readonly customerId: string | null;
  readonly currency: string;
}

export interface Refusal {
  readonly code: string;
  readonly message: string;
}

export interface DraftAnswer {
  readonly id: string;
  readonly version: number;
  readonly amountE4: number;
  readonly currency: string;
}

export interface InvoiceAnswer {
  readonly id: string;
  readonly number: string;
  readonly totalE4: number;
}

/** The run's calls; `billingRunPeers` implements them over GraphQL, tests may wrap them (faults). */
export interface BillingRunPeers {
  billableProjects(legalEntityId: string): Promise<BillableProject[]>;
  generateDraft(key: string, projectId: string, cutoffDate: string): Promise<{ draft: DraftAnswer } | { refusal: Refusal }>;
  releaseFacts(legalEntityId: string, customerId: string | null, invoiceDate: string): Promise<ReleaseFacts>;
  releaseInvoice(
    key: string,
    draftId: string,
    invoiceDate: string,
    expectedVersion: number,
  ): Promise<{ invoice: InvoiceAnswer } | { refusal: Refusal }>;
}

const PROJECTS = `query BillingRunProjects($filter: ProjectFilter, $after: String) {
  projects(filter: $filter, first: 200, after: $after) {
    nodes { id code currency customer { id } unbilledWip { amount } milestones { billingStatus } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const GENERATE = `mutation BillingRunDraft($input: GenerateBillingDraftInput!) {
  generateBillingDraft(input: $input) {
    billingDraft { id aggregateVersion summaryAmount { amount currency } }
    userErrors { code message }
  }
}`;

const RELEASE = `mutation BillingRunRelease($input: ReleaseInvoiceV2Input!) {
  releaseInvoiceV2(input: $input) {
    ... on ReleaseInvoiceSuccess { invoice { id invoiceNumber total { amount } } }
    ... on CapabilityFailure { errors { code message } }
  }
}`;

const FACTS = `query BillingRunReleaseFacts($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on LegalEntity { id periods { name startDate endDate status } }
    ... on Account { id billingProfiles { legalEntity { id } creditHold } }
  }
}`;

interface ProjectNode {
  id: string;
  code: string;
  currency: string;
  customer: { id: string } | null;
  unbilledWip: { amount: string };
  milestones: { billingStatus: string }[];
}
interface Period {
  name: string;
  startDate: string;
  endDate: string;
  status: string;
}
type FactsEntity = { id: string; periods?: Period[]; billingProfiles?: { legalEntity: { id: string }; creditHold: boolean }[] } | null;

export function billingRunPeers(peers: Peers): BillingRunPeers {
  return {
    async billableProjects(legalEntityId) {
      const found: BillableProject[] = [];
      let after: string | null = null;
      do {
        const data: { projects: { nodes: ProjectNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await peers.read(
          'psa',
          PROJECTS,
          {
            filter: { legalEntityId, status: ['ACTIVE', 'CLOSING'], type: ['CUSTOMER_BILLABLE'] },
            after,
          },
        );
        for (const node of data.projects.nodes) {
          // Something to bill: approved time not invoiced yet, or a milestone ready to bill.
          const ready = parseScaled(node.unbilledWip.amount) > 0 || node.milestones.some((m) => m.billingStatus === 'READY_TO_BILL');
          if (ready) found.push({ id: node.id, code: node.code, customerId: node.customer?.id ?? null, currency: node.currency });
        }
        after = data.projects.pageInfo.hasNextPage ? data.projects.pageInfo.endCursor : null;
      } while (after !== null);
      return found.sort((a, b) => a.id.localeCompare(b.id));
    },

    async generateDraft(key, projectId, cutoffDate) {
      const data = await peers.step<{
        generateBillingDraft: {
          billingDraft: { id: string; aggregateVersion: number; summaryAmount: { amount: string; currency: string } } | null;
          userErrors: Refusal[];
        };
      }>('psa', GENERATE, { input: { idempotencyKey: key, projectId, cutoffDate } });
      const { billingDraft, userErrors } = data.generateBillingDraft;
      if (!billingDraft) return { refusal: userErrors[0] ?? { code: 'PRECONDITION_FAILED', message: 'No draft and no reason.' } };
      return {
        draft: {
          id: billingDraft.id,
          version: billingDraft.aggregateVersion,
          amountE4: parseScaled(billingDraft.summaryAmount.amount),
          currency: billingDraft.summaryAmount.currency,
        },
      };
    },

    async releaseFacts(legalEntityId, customerId, invoiceDate) {
      const representations: { __typename: string; id: string }[] = [{ __typename: 'LegalEntity', id: legalEntityId }];
      if (customerId) representations.push({ __typename: 'Account', id: customerId });
      const data = await peers.read<{ _entities: FactsEntity[] }>('erp', FACTS, { representations });
      const period = (data._entities[0]?.periods ?? []).find((p) => p.startDate <= invoiceDate && invoiceDate <= p.endDate) ?? null;
      const profile = data._entities[1]?.billingProfiles?.find((p) => p.legalEntity.id === legalEntityId);
      return { creditHold: profile?.creditHold ?? false, periodStatus: period?.status ?? null, periodName: period?.name ?? null };
    },

    async releaseInvoice(key, draftId, invoiceDate, expectedVersion) {
      const data = await peers.step<{
        releaseInvoiceV2: { invoice?: { id: string; invoiceNumber: string; total: { amount: string } }; errors?: Refusal[] };
      }>('erp', RELEASE, { input: { idempotencyKey: key, billingDraftId: draftId, invoiceDate, expectedVersion } });
      const { invoice, errors } = data.releaseInvoiceV2;
      if (!invoice) return { refusal: errors?.[0] ?? { code: 'PRECONDITION_FAILED', message: 'No invoice and no reason.' } };
      return { invoice: { id: invoice.id, number: invoice.invoiceNumber, totalE4: parseScaled(invoice.total.amount) } };
    },
  };
}
