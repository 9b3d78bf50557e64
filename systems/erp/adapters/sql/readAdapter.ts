/**
 * The ERP read port on SQL (SQLite or PostgreSQL through Kysely), bound to a record scope: every
 * query carries the scope in its WHERE clause (`inScope`), so a hidden row is never read. Child
 * records (lines, applications, schedules) are scoped through their parent's columns.
 */
import { sql, type Kysely } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { inScope, keysetPage, noKeys } from '../../../kernel/sqlPage.ts';
import { BILLED_INVOICE_STATUSES, OPEN_INVOICE_STATUSES } from '../../invoiceStatuses.ts';
import type { ErpReadPort } from '../../ports/readPort.ts';
import type { CurrencyTotal } from '../../ports/types.ts';
import {
  applicationOf,
  billingProfileOf,
  contractTermsOf,
  erpProjectOf,
  invoiceLineOf,
  invoiceOf,
  legalEntityOf,
  paymentOf,
  periodOf,
  rateCardLineOf,
  rateCardOf,
  revenueLineOf,
  revenueScheduleOf,
  taxProfileOf,
} from './rows.ts';
import { createSqlErpMetricReads } from './metricReads.ts';
import { sqlCustomerCreditReads } from './customerCredits.ts';
import { sqlReceivableWriteOffReads } from './receivableWriteOffs.ts';
import type { ErpTables } from './tables.ts';

const LEGAL_ENTITY = { legalEntity: 'legal_entity_id' } as const;
const CUSTOMER = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;
const OF_INVOICE = { legalEntity: 'i.legal_entity_id', account: 'i.account_id' } as const;
const OF_JOB = { legalEntity: 'p.legal_entity_id', account: 'p.account_id' } as const;

/** The ERP read port over `db` (a connection, or a capability's transaction) for `scope`. */
export function sqlErpReads(db: Kysely<ErpTables>, scope: RecordScope): ErpReadPort {
  const invoices = () => inScope(db.selectFrom('invoices'), scope, CUSTOMER);
  const schedules = () =>
    inScope(
      db.selectFrom('revenue_schedules as rs').innerJoin('erp_projects as p', 'p.project_id', 'rs.project_id'),
      scope,
      OF_JOB,
    ).selectAll('rs');
  const totals = (rows: { key: string | null; currency: string; amount: number | string }[]): CurrencyTotal[] =>
    rows.map((row) => ({ key: row.key ?? '', currency: row.currency, amountE4: Number(row.amount) }));
  /** Totals of the same key and currency added up, in the order each first appears. */
  const sumByKeyAndCurrency = (rows: CurrencyTotal[]): CurrencyTotal[] => {
    const sums = new Map<string, CurrencyTotal>();
    for (const row of rows) {
      const id = `${row.key}\u0000${row.currency}`;
      const sum = sums.get(id);
      sums.set(id, sum ? { ...sum, amountE4: sum.amountE4 + row.amountE4 } : row);
    }
    return [...sums.values()];
  };

  return {
    ...createSqlErpMetricReads(db, scope),
    ...sqlCustomerCreditReads(db, scope),
    ...sqlReceivableWriteOffReads(db, scope),
    legalEntities: async () =>
      (await inScope(db.selectFrom('legal_entities'), scope, { legalEntity: 'id' }).selectAll().orderBy('code').execute()).map(
        legalEntityOf,
      ),
    legalEntitiesByIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await inScope(db.selectFrom('legal_entities'), scope, { legalEntity: 'id' }).selectAll().where('id', 'in', ids).execute()).map(
            legalEntityOf,
          ),
    periodsByIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await inScope(db.selectFrom('accounting_periods'), scope, LEGAL_ENTITY).selectAll().where('id', 'in', ids).execute()).map(
            periodOf,
          ),
    periodsByLegalEntityIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(db.selectFrom('accounting_periods'), scope, LEGAL_ENTITY)
              .selectAll()
              .where('legal_entity_id', 'in', ids)
              .orderBy('start_date')
              .execute()
          ).map(periodOf),
    taxProfilesByIds: async (ids) =>
      noKeys(ids) ? [] : (await db.selectFrom('tax_profiles').selectAll().where('id', 'in', ids).execute()).map(taxProfileOf),
    rateCards: async () =>
      (await inScope(db.selectFrom('rate_cards'), scope, LEGAL_ENTITY).selectAll().orderBy('id').execute()).map(rateCardOf),
    rateCardsByIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await inScope(db.selectFrom('rate_cards'), scope, LEGAL_ENTITY).selectAll().where('id', 'in', ids).execute()).map(rateCardOf),
    rateCardLinesByRateCardIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(db.selectFrom('rate_card_lines as l').innerJoin('rate_cards as c', 'c.id', 'l.rate_card_id'), scope, {
              legalEntity: 'c.legal_entity_id',
            })
              .selectAll('l')
              .where('l.rate_card_id', 'in', ids)
              .orderBy('l.role_id')
              .orderBy('l.effective_from')
              .execute()
          ).map(rateCardLineOf),
    billingProfilesByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(db.selectFrom('billing_profiles'), scope, CUSTOMER)
              .selectAll()
              .where('account_id', 'in', ids)
              .orderBy('customer_number')
              .execute()
          ).map(billingProfileOf),
    contractTermsByContractIds: async (ids) =>
      noKeys(ids) ? [] : (await db.selectFrom('contract_terms').selectAll().where('contract_id', 'in', ids).execute()).map(contractTermsOf),
    erpProjectsByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await inScope(db.selectFrom('erp_projects'), scope, CUSTOMER).selectAll().where('project_id', 'in', ids).execute()).map(
            erpProjectOf,
          ),
    invoicesByIds: async (ids) => (noKeys(ids) ? [] : (await invoices().selectAll().where('id', 'in', ids).execute()).map(invoiceOf)),
    invoicesPage: async (filter, page) => {
      let query = invoices();
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.customerId) query = query.where('account_id', '=', filter.customerId);
      if (filter.legalEntityId) query = query.where('legal_entity_id', '=', filter.legalEntityId);
      const { rows, total } = await keysetPage(query, page);
      return { rows: rows.map(invoiceOf), total };
    },
    invoicesByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await invoices().selectAll().where('account_id', 'in', ids).orderBy('invoice_date', 'desc').orderBy('id').execute()).map(
            invoiceOf,
          ),
    invoicesByContractIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await invoices().selectAll().where('contract_id', 'in', ids).orderBy('invoice_date', 'desc').orderBy('id').execute()).map(
            invoiceOf,
          ),
    invoicesByProjectIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await invoices().selectAll().where('project_id', 'in', ids).orderBy('invoice_date', 'desc').orderBy('id').execute()).map(
            invoiceOf,
          ),
    invoicesBySourceDraftIds: async (ids) =>
      noKeys(ids) ? [] : (await invoices().selectAll().where('source_billing_draft_id', 'in', ids).execute()).map(invoiceOf),
    creditMemosByOriginalInvoiceIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await invoices().selectAll().where('original_invoice_id', 'in', ids).orderBy('invoice_date').orderBy('invoice_number').execute()
          ).map(invoiceOf),
    invoiceLinesByInvoiceIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(db.selectFrom('invoice_lines as l').innerJoin('invoices as i', 'i.id', 'l.invoice_id'), scope, OF_INVOICE)
              .selectAll('l')
              .where('l.invoice_id', 'in', ids)
              .orderBy('l.invoice_id')
              .orderBy('l.line_number')
              .execute()
          ).map(invoiceLineOf),
    // The billed statuses are kept here, not in the WHERE: given a status condition SQLite (which
    // has no statistics) reads through the status index, and nearly every invoice is billed, so it
    // scanned most invoices instead of the projects' (README "Portfolio dashboard": 26 ms for 10
    // projects of `l`, 0.01 ms so; 34 to 20 ms for 500).
    billedByProjectIds: async (ids, through) => {
      if (noKeys(ids)) return [];
      let query = invoices()
        .select(['project_id as key', 'currency', 'status', sql<number>`sum(subtotal_e4)`.as('amount')])
        .where('project_id', 'in', ids);
      if (through !== undefined) query = query.where('invoice_date', '<=', through);
      const rows = await query.groupBy(['project_id', 'currency', 'status']).execute();
      return sumByKeyAndCurrency(totals(rows.filter((row) => BILLED_INVOICE_STATUSES.includes(row.status))));
    },
    openReceivablesByAccountIds: async (ids) => {
      if (noKeys(ids)) return [];
      return totals(
        await invoices()
          .select([
            'account_id as key',
            'currency',
            sql<number>`sum(total_e4 - amount_paid_e4 - amount_credited_e4 - amount_written_off_e4)`.as('amount'),
          ])
          .where('account_id', 'in', ids)
          .where('status', 'in', OPEN_INVOICE_STATUSES)
          .groupBy(['account_id', 'currency'])
          .orderBy('currency')
          .execute(),
      );
    },
    paymentsByIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await inScope(db.selectFrom('payments'), scope, CUSTOMER).selectAll().where('id', 'in', ids).execute()).map(paymentOf),
    applicationsByPaymentIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(db.selectFrom('payment_applications as a').innerJoin('invoices as i', 'i.id', 'a.invoice_id'), scope, OF_INVOICE)
              .selectAll('a')
              .where('a.payment_id', 'in', ids)
              .orderBy('a.id')
              .execute()
          ).map(applicationOf),
    applicationsByInvoiceIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(db.selectFrom('payment_applications as a').innerJoin('invoices as i', 'i.id', 'a.invoice_id'), scope, OF_INVOICE)
              .selectAll('a')
              .where('a.invoice_id', 'in', ids)
              .orderBy('a.id')
              .execute()
          ).map(applicationOf),
    revenueSchedulesByIds: async (ids) =>
      noKeys(ids) ? [] : (await schedules().where('rs.id', 'in', ids).execute()).map(revenueScheduleOf),
    revenueSchedulesByProjectIds: async (ids) =>
      noKeys(ids) ? [] : (await schedules().where('rs.project_id', 'in', ids).orderBy('rs.id').execute()).map(revenueScheduleOf),
    revenueSchedulesByContractIds: async (ids) =>
      noKeys(ids) ? [] : (await schedules().where('rs.contract_id', 'in', ids).orderBy('rs.id').execute()).map(revenueScheduleOf),
    revenueSchedulesByLegalEntityIds: async (ids) =>
      noKeys(ids) ? [] : (await schedules().where('p.legal_entity_id', 'in', ids).orderBy('rs.id').execute()).map(revenueScheduleOf),
    revenueScheduleLinesByScheduleIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(
              db
                .selectFrom('revenue_schedule_lines as l')
                .innerJoin('accounting_periods as ap', 'ap.id', 'l.period_id')
                .innerJoin('revenue_schedules as rs', 'rs.id', 'l.schedule_id')
                .innerJoin('erp_projects as p', 'p.project_id', 'rs.project_id'),
              scope,
              OF_JOB,
            )
              .selectAll('l')
              .where('l.schedule_id', 'in', ids)
              .orderBy('ap.start_date')
              .orderBy('l.id')
              .execute()
          ).map(revenueLineOf),
  };
}
