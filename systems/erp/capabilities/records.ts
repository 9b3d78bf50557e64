/**
 * How ERP capabilities read the records they check or change: inside the transaction, within the
 * caller's record scope (a hidden record answers NOT_FOUND, exactly like a missing one).
 */
import type { Transaction } from 'kysely';
import { seesAccount, seesLegalEntity, type RecordScope } from '../../../policies/recordScope.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityTables } from '../../kernel/capability/tables.ts';
import type {
  AccountingPeriodRow, BillingProfileRow, ErpTables, InvoiceRow, LegalEntityRow, PaymentRow, TaxProfileRow,
} from '../tables.ts';

export type ErpTrx = Transaction<ErpTables & CapabilityTables>;

export async function legalEntityFor(trx: ErpTrx, scope: RecordScope, id: string, field = 'legalEntityId'): Promise<LegalEntityRow> {
  const row = await trx.selectFrom('legal_entities').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !seesLegalEntity(scope, row.id)) throw notFoundRejection('LegalEntity', id, field);
  return row;
}

/** The legal entity must be ACTIVE to take new financial records. */
export function requireActive(legalEntity: LegalEntityRow, field: string): void {
  if (legalEntity.status !== 'ACTIVE') {
    throw rejected('LEGAL_ENTITY_INACTIVE', `Legal entity ${legalEntity.code} is ${legalEntity.status}.`, field);
  }
}

export async function invoiceFor(trx: ErpTrx, scope: RecordScope, id: string, field = 'invoiceId'): Promise<InvoiceRow> {
  const row = await trx.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !seesLegalEntity(scope, row.legal_entity_id) || !seesAccount(scope, row.account_id)) throw notFoundRejection('Invoice', id, field);
  return row;
}

export async function paymentFor(trx: ErpTrx, scope: RecordScope, id: string, field = 'paymentId'): Promise<PaymentRow> {
  const row = await trx.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !seesLegalEntity(scope, row.legal_entity_id) || !seesAccount(scope, row.account_id)) throw notFoundRejection('Payment', id, field);
  return row;
}

/** The customer's billing profile in the legal entity, or CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY. */
export async function billingProfileFor(trx: ErpTrx, accountId: string, legalEntity: LegalEntityRow, field: string): Promise<BillingProfileRow> {
  const row = await trx
    .selectFrom('billing_profiles')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('legal_entity_id', '=', legalEntity.id)
    .executeTakeFirst();
  if (!row) {
    throw rejected('CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY', `Customer ${accountId} has no billing profile in legal entity ${legalEntity.code}.`, field);
  }
  return row;
}

/** The first tax profile that exists among `candidates` (most specific first), or TAX_PROFILE_UNRESOLVED. */
export async function resolveTaxProfile(trx: ErpTrx, candidates: readonly (string | null)[], what: string, field: string): Promise<TaxProfileRow> {
  const ids = candidates.filter((id): id is string => id !== null);
  const rows = ids.length ? await trx.selectFrom('tax_profiles').selectAll().where('id', 'in', ids).execute() : [];
  for (const id of ids) {
    const row = rows.find((candidate) => candidate.id === id);
    if (row) return row;
  }
  throw rejected('TAX_PROFILE_UNRESOLVED', `No tax profile applies to ${what} (neither the customer's nor the legal entity's).`, field);
}

/** The accounting period of `date` in the legal entity; PERIOD_CLOSED unless it is OPEN. */
export async function openPeriodOf(trx: ErpTrx, legalEntity: LegalEntityRow, date: string, field: string): Promise<AccountingPeriodRow> {
  const period = await trx
    .selectFrom('accounting_periods')
    .selectAll()
    .where('legal_entity_id', '=', legalEntity.id)
    .where('start_date', '<=', date)
    .where('end_date', '>=', date)
    .executeTakeFirst();
  if (!period) throw rejected('PERIOD_CLOSED', `Legal entity ${legalEntity.code} has no accounting period for ${date}.`, field);
  if (period.status !== 'OPEN') throw rejected('PERIOD_CLOSED', `Period ${period.name} of ${legalEntity.code} is ${period.status}.`, field);
  return period;
}

export async function reloadInvoice(trx: ErpTrx, id: string): Promise<InvoiceRow> {
  return trx.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function reloadPayment(trx: ErpTrx, id: string): Promise<PaymentRow> {
  return trx.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A date plus `days` (ISO dates, UTC calendar). */
export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** What is still open on an invoice: neither paid nor credited. */
export function openBalance(invoice: InvoiceRow): number {
  return invoice.total_e4 - invoice.amount_paid_e4 - invoice.amount_credited_e4;
}

/** How messages name an invoice or credit memo: by its legal number. */
export function invoiceLabel(invoice: InvoiceRow): string {
  return `${invoice.kind === 'CREDIT_MEMO' ? 'Credit memo' : 'Invoice'} ${invoice.invoice_number}`;
}
