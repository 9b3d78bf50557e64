/**
 * Cash (docs/processes.md#cash): a consumer of the ERP's InvoiceReleased, PaymentApplied,
 * InvoicePaid and CreditMemoIssued that keeps, per invoice, what was billed, paid, credited and is
 * still due, so the graph shows a project's billing status and a customer's exposure next to the
 * records (`Project.cashPosition`, `Account.exposure`, owned by the integration system). Each event
 * makes it read the invoice as the ERP holds it now (as `system:integration`, in the event's
 * correlation and trace) and store that state only when its `aggregateVersion` is newer than the
 * stored one: a duplicate, a late or an out-of-order event changes nothing, and the newest state
 * wins whatever the delivery order.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { continueTrace } from '../../../core/http/traceContext.ts';
import { inScope } from '../../kernel/sqlPage.ts';
import { parseScaled } from '../../kernel/decimal.ts';
import type { PeerTransport, Peers } from '../../kernel/capability/peers.ts';
import type { EventEnvelope } from '../../kernel/events/envelope.ts';
import type { EventConsumer } from '../../kernel/events/transport.ts';
import { column, type RowOf, type TablesOf } from '../../kernel/tableSpec.ts';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { addLinks, processesLinkedTo, recordEvent } from '../process/processStore.ts';
import type { ProcessTables } from '../process/tables.ts';
import { integrationSystemPeers } from '../systemPeers.ts';

export const cashTables = {
  cash_invoices: {
    columns: {
      invoice_id: column.id,
      project_id: column.optionalText,
      account_id: column.text,
      legal_entity_id: column.text,
      currency: column.text,
      /** POSTED | PARTIALLY_PAID | PAID | CREDITED | VOIDED | WRITTEN_OFF */
      status: column.text,
      total_e4: column.big,
      paid_e4: column.big,
      credited_e4: column.big,
      due_e4: column.big,
      /** The invoice's aggregateVersion this state is of. */
      invoice_version: column.int,
      updated_at: column.text,
    },
    indexes: [['project_id'], ['account_id']],
  },
} as const;

export type CashTables = TablesOf<typeof cashTables>;
export type CashInvoiceRow = RowOf<typeof cashTables.cash_invoices>;

export const CASH_EVENT_TYPES = [
  'InvoiceReleased',
  'PaymentApplied',
  'InvoicePaid',
  'CreditMemoIssued',
  'CustomerCreditApplied',
  'ReceivableWrittenOff',
] as const;

const INVOICE_FIELDS = `id kind status currency aggregateVersion project { id } customer { id } legalEntity { id }
  total { amount } amountPaid { amount } amountCredited { amount } amountDue { amount }`;

const INVOICE = `query CashInvoice($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`;

export interface ErpInvoice {
  id: string;
  kind: string;
  status: string;
  currency: string;
  aggregateVersion: number;
  project: { id: string } | null;
  customer: { id: string };
  legalEntity: { id: string };
  total: { amount: string };
  amountPaid: { amount: string };
  amountCredited: { amount: string };
  amountDue: { amount: string };
}

/** The invoice an event is about (every cash event names it in its payload). */
export function invoiceIdOf(payload: Readonly<Record<string, unknown>> | null): string | null {
  const id = payload?.invoiceId;
  return typeof id === 'string' ? id : null;
}

/** Stores `invoice` when it is newer than what is stored; answers whether it did. */
export async function recordInvoiceState(db: Kysely<CashTables>, invoice: ErpInvoice, now: Date): Promise<boolean> {
  const row: CashInvoiceRow = {
    invoice_id: invoice.id,
    project_id: invoice.project?.id ?? null,
    account_id: invoice.customer.id,
    legal_entity_id: invoice.legalEntity.id,
    currency: invoice.currency,
    status: invoice.status,
    total_e4: parseScaled(invoice.total.amount),
    paid_e4: parseScaled(invoice.amountPaid.amount),
    credited_e4: parseScaled(invoice.amountCredited.amount),
    due_e4: parseScaled(invoice.amountDue.amount),
    invoice_version: invoice.aggregateVersion,
    updated_at: now.toISOString(),
  };
  const { invoice_id: _, ...changes } = row;
  const result = await db
    .insertInto('cash_invoices')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('invoice_id').doUpdateSet(changes).where('cash_invoices.invoice_version', '<', invoice.aggregateVersion),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Peers that read as `system:integration` within `event`'s correlation id and trace (a new span of it). */
export function peersForEvent(transport: PeerTransport, event: EventEnvelope): Peers {
  const requestId = randomUUID();
  return integrationSystemPeers(transport, () => requestId, {
    correlationId: event.correlationId,
    traceparent: continueTrace(event.traceparent),
  });
}

/**
 * The cash consumer (registered with the process engine, runtime/processEngine.ts). A failed read
 * throws, so the delivery is retried and in the end dead-lettered (docs/events.md#delivery).
 */
export function cashConsumer(transport: PeerTransport): EventConsumer<CashTables> {
  return {
    name: 'cash',
    types: CASH_EVENT_TYPES,
    async handle(event, { trx, now }) {
      if (event.source !== 'erp') return;
      const invoiceId = invoiceIdOf(event.payload);
      if (invoiceId === null) throw new Error(`${event.type} ${event.eventId} names no invoice`);
      const { invoice } = await peersForEvent(transport, event).read<{ invoice: ErpInvoice | null }>('erp', INVOICE, { id: invoiceId });
      if (!invoice) throw new Error(`Invoice ${invoiceId} of ${event.type} ${event.eventId} is not in the ERP`);
      if (invoice.kind !== 'INVOICE') return;
      await recordInvoiceState(trx, invoice, now);
      await joinProcess(trx as unknown as Kysely<ProcessTables>, invoice, event, now);
    },
  };
}

/**
 * The cash hand-offs join the process that set the invoice's project up (docs/processes.md#cash):
 * `Invoice.process` finds it, and its events run on from the won deal to the payment, in one
 * correlation. Each event is recorded once, whatever its invoice version.
 */
async function joinProcess(db: Kysely<ProcessTables>, invoice: ErpInvoice, event: EventEnvelope, now: Date): Promise<void> {
  if (!invoice.project) return;
  for (const process of await processesLinkedTo(db, 'opportunityToProject', invoice.project.id)) {
    await addLinks(db, process.id, [{ entityType: 'Invoice', entityId: invoice.id }]);
    await recordEvent(db, process, event, now);
  }
}

const INVOICE_PAGE = `query CashImport($after: String) { invoices(first: 500, after: $after) {
  nodes { ${INVOICE_FIELDS} } pageInfo { hasNextPage endCursor }
} }`;

/**
 * Takes every invoice the ERP holds into the cash read model (docs/processes.md#cash): the ones
 * released before the consumer ran, or seeded, have had no event here. Read as `system:integration`
 * page by page; each is stored only when newer than what the consumer already has, so running it
 * beside the consumer, or twice, changes nothing it should not. Answers how many rows it changed.
 */
export async function importInvoices(peers: Peers, db: Kysely<CashTables>, now: () => Date): Promise<number> {
  let after: string | null = null;
  let changed = 0;
  for (;;) {
    const page: { invoices: { nodes: ErpInvoice[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await peers.read(
      'erp',
      INVOICE_PAGE,
      { after },
    );
    for (const invoice of page.invoices.nodes) {
      if (invoice.kind === 'INVOICE' && (await recordInvoiceState(db, invoice, now()))) changed += 1;
    }
    if (!page.invoices.pageInfo.hasNextPage) return changed;
    after = page.invoices.pageInfo.endCursor;
  }
}

export interface CashReads {
  invoicesByProjectIds(projectIds: readonly string[]): Promise<CashInvoiceRow[]>;
  invoicesByAccountIds(accountIds: readonly string[]): Promise<CashInvoiceRow[]>;
}

const SCOPED = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

export function createCashReads(db: Kysely<CashTables>, scope: RecordScope): CashReads {
  const rows = () => inScope(db.selectFrom('cash_invoices'), scope, SCOPED).selectAll();
  return {
    invoicesByProjectIds: (ids) =>
      ids.length === 0 ? Promise.resolve([]) : rows().where('project_id', 'in', ids).orderBy('invoice_id').execute(),
    invoicesByAccountIds: (ids) =>
      ids.length === 0 ? Promise.resolve([]) : rows().where('account_id', 'in', ids).orderBy('invoice_id').execute(),
  };
}
