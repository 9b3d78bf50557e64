/**
 * What reconciliation reads (docs/reconciliation.md#what-is-read): the PSA's projects with their
 * billing drafts and approved billable sources, and the ERP's invoices and credit memos, through
 * each system's subgraph as the integration system (never their tables), page by page.
 */
import { parseScaled } from '../../kernel/decimal.ts';
import type { ErpInvoice, PsaProject, ReconciliationScope, ReconciliationSnapshot } from './snapshot.ts';

/** A query on a system's subgraph signed as the integration system (`Peers.step`). */
export type SystemRead = <T>(system: 'psa' | 'erp', query: string, variables: Record<string, unknown>) => Promise<T>;

const PAGE = 50;

const PSA_PROJECTS = `query ReconciliationProjects($filter: ProjectFilter, $first: Int, $after: String) {
  projects(filter: $filter, first: $first, after: $after) {
    nodes {
      id currency legalEntity { id }
      billingDrafts {
        id status cutoffDate summaryAmount { amount } invoice { id }
        items { sourceType sourceId amount { amount } }
        sourceCredits { sourceType sourceId action amount { amount } }
      }
      billableSources { sourceType sourceId date amount { amount } billingStatus }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ERP_INVOICES = `query ReconciliationInvoices($filter: InvoiceFilter, $first: Int, $after: String) {
  invoices(filter: $filter, first: $first, after: $after) {
    nodes {
      id invoiceNumber kind status currency invoiceDate legalEntity { id } project { id }
      subtotal { amount } lines { lineNumber amount { amount } } originalInvoice { id }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Amount {
  readonly amount: string;
}
interface Connection<T> {
  readonly nodes: readonly T[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}
interface ProjectNode {
  readonly id: string;
  readonly currency: string;
  readonly legalEntity: { readonly id: string };
  readonly billingDrafts: readonly {
    readonly id: string;
    readonly status: string;
    readonly cutoffDate: string;
    readonly summaryAmount: Amount;
    readonly invoice: { readonly id: string } | null;
    readonly items: readonly { readonly sourceType: string; readonly sourceId: string; readonly amount: Amount }[];
    readonly sourceCredits: readonly {
      readonly sourceType: string;
      readonly sourceId: string;
      readonly action: string;
      readonly amount: Amount;
    }[];
  }[];
  readonly billableSources: readonly {
    readonly sourceType: string;
    readonly sourceId: string;
    readonly date: string;
    readonly amount: Amount;
    readonly billingStatus: string;
  }[];
}
interface InvoiceNode {
  readonly id: string;
  readonly invoiceNumber: string;
  readonly kind: 'INVOICE' | 'CREDIT_MEMO';
  readonly status: string;
  readonly currency: string;
  readonly invoiceDate: string;
  readonly legalEntity: { readonly id: string };
  readonly project: { readonly id: string } | null;
  readonly subtotal: Amount;
  readonly lines: readonly { readonly lineNumber: number; readonly amount: Amount }[];
  readonly originalInvoice: { readonly id: string } | null;
}

/** Reads everything the rules compare, within the run's legal entity (all of them when none is given). */
export async function readSnapshot(read: SystemRead, scope: ReconciliationScope): Promise<ReconciliationSnapshot> {
  const filter = scope.legalEntityId ? { legalEntityId: scope.legalEntityId } : {};
  const [projects, invoices] = await Promise.all([
    allPages<ProjectNode>((after) => read('psa', PSA_PROJECTS, { filter, first: PAGE, after }).then((data) => pick(data, 'projects'))),
    allPages<InvoiceNode>((after) => read('erp', ERP_INVOICES, { filter, first: PAGE, after }).then((data) => pick(data, 'invoices'))),
  ]);
  return { projects: projects.map(projectOf), invoices: invoices.map(invoiceOf) };
}

function pick<T>(data: unknown, field: string): Connection<T> {
  return (data as Record<string, Connection<T>>)[field]!;
}

async function allPages<T>(page: (after: string | null) => Promise<Connection<T>>): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const connection = await page(after);
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage || connection.pageInfo.endCursor === null) return nodes;
    after = connection.pageInfo.endCursor;
  }
}

const e4 = (value: Amount) => parseScaled(value.amount);

function projectOf(node: ProjectNode): PsaProject {
  return {
    id: node.id,
    legalEntityId: node.legalEntity.id,
    currency: node.currency,
    drafts: node.billingDrafts.map((draft) => ({
      id: draft.id,
      status: draft.status,
      cutoffDate: draft.cutoffDate,
      summaryE4: e4(draft.summaryAmount),
      invoiceId: draft.invoice?.id ?? null,
      // A source a credit reopened has left the draft's live items; its invoice line still billed it.
      items: [
        ...draft.items.map((item) => ({ sourceType: item.sourceType, sourceId: item.sourceId, amountE4: e4(item.amount) })),
        ...draft.sourceCredits
          .filter((credit) => credit.action === 'REOPEN')
          .map((credit) => ({ sourceType: credit.sourceType, sourceId: credit.sourceId, amountE4: e4(credit.amount), reopened: true })),
      ],
    })),
    sources: node.billableSources.map((source) => ({
      sourceType: source.sourceType,
      sourceId: source.sourceId,
      date: source.date,
      amountE4: e4(source.amount),
      billingStatus: source.billingStatus,
    })),
  };
}

function invoiceOf(node: InvoiceNode): ErpInvoice {
  return {
    id: node.id,
    invoiceNumber: node.invoiceNumber,
    kind: node.kind,
    status: node.status,
    legalEntityId: node.legalEntity.id,
    projectId: node.project?.id ?? null,
    currency: node.currency,
    invoiceDate: node.invoiceDate,
    subtotalE4: e4(node.subtotal),
    lines: node.lines.map((line) => ({ lineNumber: line.lineNumber, amountE4: e4(line.amount) })),
    originalInvoiceId: node.originalInvoice?.id ?? null,
  };
}
