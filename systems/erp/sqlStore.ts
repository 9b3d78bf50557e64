import { sql, type Kysely } from 'kysely';
import { inScope, keysetPage, noKeys } from '../kernel/sqlPage.ts';
import { BILLED_INVOICE_STATUSES, OPEN_INVOICE_STATUSES } from './invoiceStatuses.ts';
import type { ErpStore } from './store.ts';
import type { ErpTables } from './tables.ts';


/** The ERP store on SQL (SQLite or PostgreSQL through Kysely). */
export function createSqlErpStore(db: Kysely<ErpTables>): ErpStore {
  return {
    allLegalEntities: () => db.selectFrom('legal_entities').selectAll().orderBy('code').execute(),
    legalEntitiesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('legal_entities').selectAll().where('id', 'in', ids).execute()),
    periodsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('accounting_periods').selectAll().where('id', 'in', ids).execute()),
    periodsByLegalEntityIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('accounting_periods').selectAll().where('legal_entity_id', 'in', ids).orderBy('start_date').execute(),
    taxProfilesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('tax_profiles').selectAll().where('id', 'in', ids).execute()),
    allRateCards: () => db.selectFrom('rate_cards').selectAll().orderBy('id').execute(),
    rateCardsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('rate_cards').selectAll().where('id', 'in', ids).execute()),
    rateCardLinesByRateCardIds: async (ids) =>
      noKeys(ids)
        ? []
        : db.selectFrom('rate_card_lines').selectAll().where('rate_card_id', 'in', ids).orderBy('role_id').orderBy('effective_from').execute(),
    billingProfilesByAccountIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('billing_profiles').selectAll().where('account_id', 'in', ids).orderBy('customer_number').execute(),
    contractTermsByContractIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('contract_terms').selectAll().where('contract_id', 'in', ids).execute(),
    erpProjectsByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('erp_projects').selectAll().where('project_id', 'in', ids).execute(),
    invoicesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('invoices').selectAll().where('id', 'in', ids).execute()),
    invoicesPage: (filter, page, scope) => {
      let query = inScope(db.selectFrom('invoices'), scope, { legalEntity: 'legal_entity_id', account: 'account_id' });
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.customerId) query = query.where('account_id', '=', filter.customerId);
      if (filter.legalEntityId) query = query.where('legal_entity_id', '=', filter.legalEntityId);
      return keysetPage(query, page);
    },
    invoicesByAccountIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('invoices').selectAll().where('account_id', 'in', ids).orderBy('invoice_date', 'desc').orderBy('id').execute(),
    invoicesByContractIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('invoices').selectAll().where('contract_id', 'in', ids).orderBy('invoice_date', 'desc').orderBy('id').execute(),
    invoicesByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('invoices').selectAll().where('project_id', 'in', ids).orderBy('invoice_date', 'desc').orderBy('id').execute(),
    invoiceLinesByInvoiceIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('invoice_lines').selectAll().where('invoice_id', 'in', ids).orderBy('invoice_id').orderBy('line_number').execute(),
    billedByProjectIds: async (ids) => {
      if (noKeys(ids)) return [];
      const rows = await db.selectFrom('invoices')
        .select(['project_id', 'currency', sql<number>`sum(subtotal_e4)`.as('amount')])
        .where('project_id', 'in', ids).where('status', 'in', BILLED_INVOICE_STATUSES)
        .groupBy(['project_id', 'currency']).execute();
      return rows.map((row) => ({ key: row.project_id ?? '', currency: row.currency, amountE4: Number(row.amount) }));
    },
    openReceivablesByAccountIds: async (ids, scope) => {
      if (noKeys(ids)) return [];
      const rows = await inScope(db.selectFrom('invoices'), scope, { legalEntity: 'legal_entity_id', account: 'account_id' })
        .select(['account_id', 'currency', sql<number>`sum(total_e4 - amount_paid_e4 - amount_credited_e4)`.as('amount')])
        .where('account_id', 'in', ids).where('status', 'in', OPEN_INVOICE_STATUSES)
        .groupBy(['account_id', 'currency']).orderBy('currency').execute();
      return rows.map((row) => ({ key: row.account_id, currency: row.currency, amountE4: Number(row.amount) }));
    },
    paymentsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('payments').selectAll().where('id', 'in', ids).execute()),
    applicationsByPaymentIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('payment_applications').selectAll().where('payment_id', 'in', ids).orderBy('id').execute(),
    applicationsByInvoiceIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('payment_applications').selectAll().where('invoice_id', 'in', ids).orderBy('id').execute(),
    revenueSchedulesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('revenue_schedules').selectAll().where('id', 'in', ids).execute()),
    revenueSchedulesByProjectIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('revenue_schedules').selectAll().where('project_id', 'in', ids).orderBy('id').execute(),
    revenueScheduleLinesByScheduleIds: async (ids) =>
      noKeys(ids)
        ? []
        : db.selectFrom('revenue_schedule_lines as l').innerJoin('accounting_periods as p', 'p.id', 'l.period_id').selectAll('l')
          .where('l.schedule_id', 'in', ids).orderBy('p.start_date').orderBy('l.id').execute(),
    creditMemosByOriginalInvoiceIds: async (ids) =>
      noKeys(ids)
        ? []
        : db.selectFrom('invoices').selectAll().where('original_invoice_id', 'in', ids).orderBy('invoice_date').orderBy('invoice_number').execute(),
  };
}
