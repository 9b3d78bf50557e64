/**
 * The ERP's metric reads on SQL (docs/metrics.md): each one aggregate statement with `GROUP BY`
 * (or one list for the invoices of a period), within the caller's record scope.
 */
import { sql, type Kysely } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { inScope } from '../../../kernel/sqlPage.ts';
import { BILLED_INVOICE_STATUSES } from '../../invoiceStatuses.ts';
import { RECEIVABLE_STATUSES, RETIRED_SCHEDULE_STATUSES, type ErpMetricsReads } from '../../ports/metricsPort.ts';
import type { ErpTables } from './tables.ts';

const OF_INVOICE = { legalEntity: 'i.legal_entity_id', account: 'i.account_id' } as const;
const OF_JOB = { legalEntity: 'p.legal_entity_id', account: 'p.account_id' } as const;
const num = (value: unknown): number => Number(value ?? 0);

export function createSqlErpMetricReads(db: Kysely<ErpTables>, scope: RecordScope): ErpMetricsReads {
  const invoices = () => inScope(db.selectFrom('invoices as i'), scope, OF_INVOICE);
  return {
    receivablesAt: async (asOf, filter) => {
      const applied = db
        .selectFrom('payment_applications as a')
        .select(['a.invoice_id', sql<number>`sum(a.amount_e4)`.as('applied')])
        .where('a.applied_on', '<=', asOf)
        .groupBy('a.invoice_id')
        .as('paid');
      const rows = await invoices()
        .leftJoin(applied, 'paid.invoice_id', 'i.id')
        .select([
          'i.legal_entity_id as legal_entity_id',
          'i.currency as currency',
          sql<number>`coalesce(sum(i.total_e4), 0) - coalesce(sum(paid.applied), 0)`.as('amount'),
        ])
        .where('i.status', 'in', RECEIVABLE_STATUSES)
        .where('i.invoice_date', '<=', asOf)
        .$if(filter.legalEntityId !== null, (q) => q.where('i.legal_entity_id', '=', filter.legalEntityId ?? ''))
        .$if(filter.currency !== null, (q) => q.where('i.currency', '=', filter.currency ?? ''))
        .groupBy(['i.legal_entity_id', 'i.currency'])
        .orderBy('i.legal_entity_id')
        .orderBy('i.currency')
        .execute();
      return rows.map((row) => ({ legalEntityId: row.legal_entity_id, currency: row.currency, amountE4: num(row.amount) }));
    },
    monthlySales: async (from, to, filter) => {
      const month = sql<string>`substr(i.invoice_date, 1, 7)`;
      const rows = await invoices()
        .select([
          'i.legal_entity_id as legal_entity_id',
          'i.currency as currency',
          month.as('month'),
          sql<number>`sum(i.total_e4)`.as('amount'),
        ])
        .where('i.kind', '=', 'INVOICE')
        .where('i.status', 'in', BILLED_INVOICE_STATUSES)
        .where('i.invoice_date', '>=', from)
        .where('i.invoice_date', '<=', to)
        .$if(filter.legalEntityId !== null, (q) => q.where('i.legal_entity_id', '=', filter.legalEntityId ?? ''))
        .$if(filter.currency !== null, (q) => q.where('i.currency', '=', filter.currency ?? ''))
        .groupBy(['i.legal_entity_id', 'i.currency', month])
        .execute();
      return rows.map((row) => ({
        legalEntityId: row.legal_entity_id,
        currency: row.currency,
        month: row.month,
        amountE4: num(row.amount),
      }));
    },
    projectRevenue: async (filter) => {
      if (filter.projectIds !== null && filter.projectIds.length === 0) return [];
      const rows = await inScope(
        db.selectFrom('revenue_schedules as rs').innerJoin('erp_projects as p', 'p.project_id', 'rs.project_id'),
        scope,
        OF_JOB,
      )
        .select([
          'rs.project_id as project_id',
          'p.legal_entity_id as legal_entity_id',
          'rs.currency as currency',
          sql<number>`sum(rs.allocated_e4)`.as('allocated'),
          sql<number>`sum(rs.recognized_e4)`.as('recognized'),
        ])
        .where('rs.status', 'not in', RETIRED_SCHEDULE_STATUSES)
        .$if(filter.projectIds !== null, (q) => q.where('rs.project_id', 'in', filter.projectIds ?? []))
        .$if(filter.legalEntityId !== null, (q) => q.where('p.legal_entity_id', '=', filter.legalEntityId ?? ''))
        .$if(filter.currency !== null, (q) => q.where('rs.currency', '=', filter.currency ?? ''))
        .groupBy(['rs.project_id', 'p.legal_entity_id', 'rs.currency'])
        .orderBy('rs.project_id')
        .orderBy('rs.currency')
        .execute();
      return rows.map((row) => ({
        projectId: row.project_id,
        legalEntityId: row.legal_entity_id,
        currency: row.currency,
        allocatedE4: num(row.allocated),
        recognizedE4: num(row.recognized),
      }));
    },
    invoicesFromDrafts: async (period, filter) => {
      const rows = await invoices()
        .select([
          'i.id as id',
          'i.source_billing_draft_id as draft_id',
          'i.legal_entity_id as legal_entity_id',
          'i.invoice_date as invoice_date',
        ])
        .where('i.kind', '=', 'INVOICE')
        .where('i.status', 'in', BILLED_INVOICE_STATUSES)
        .where('i.source_billing_draft_id', 'is not', null)
        .where('i.invoice_date', '>=', period.from)
        .where('i.invoice_date', '<=', period.to)
        .$if(filter.legalEntityId !== null, (q) => q.where('i.legal_entity_id', '=', filter.legalEntityId ?? ''))
        .$if(filter.currency !== null, (q) => q.where('i.currency', '=', filter.currency ?? ''))
        .orderBy('i.invoice_date')
        .orderBy('i.id')
        .execute();
      return rows.map((row) => ({
        invoiceId: row.id,
        billingDraftId: row.draft_id ?? '',
        legalEntityId: row.legal_entity_id,
        invoiceDate: row.invoice_date,
      }));
    },
  };
}
